#include "qradar_client/syslog_sender.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/ip_literal.h"

namespace aihunt::qradar {
namespace {

using Clock = std::chrono::steady_clock;

core::Error transportError(const std::string& what) {
  return core::makeError(core::ErrorCode::kTransport, what);
}

std::string sslErrors() {
  std::string out;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!out.empty()) out += "; ";
    out += buffer;
  }
  return out.empty() ? std::string("unknown TLS error") : out;
}

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60 * 60 * 1000));
}

// How often a wait looks at the abort flag.
constexpr int kAbortCheckMs = 100;

core::Error cancelled() { return core::makeError(core::ErrorCode::kCancelled, "cancelled"); }

// A BIO over a non-blocking socket that writes with MSG_NOSIGNAL: OpenSSL's own socket BIO uses
// write(2), which raises SIGPIPE on a connection the peer has closed.
int bioWrite(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const int fd = *static_cast<const int*>(BIO_get_data(bio));
  const ssize_t n = ::send(fd, data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_write(bio);
  }
  return static_cast<int>(n);
}

int bioRead(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  const int fd = *static_cast<const int*>(BIO_get_data(bio));
  const ssize_t n = ::recv(fd, data, static_cast<std::size_t>(size), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_read(bio);
  }
  return static_cast<int>(n);
}

long bioCtrl(BIO* /*bio*/, int command, long /*num*/, void* /*ptr*/) {
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int bioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socketMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "aihunt syslog");
    BIO_meth_set_write(m, bioWrite);
    BIO_meth_set_read(m, bioRead);
    BIO_meth_set_ctrl(m, bioCtrl);
    BIO_meth_set_create(m, bioCreate);
    return m;
  }();
  return method;
}

// What to set when the receiver's certificate did not verify (a trial got the bare OpenSSL
// words): the CA for a chain that does not reach a trusted one, the host for a name the
// certificate does not hold; an expired certificate is the receiver's to renew.
std::string verifyAdvice(long verify, const std::string& ca_file) {
  switch (verify) {
    case X509_V_OK:
      return "";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
    // A CA of the same name but another key (one from an earlier install, or another
    // receiver's): the signature does not check (a trial got the bare words).
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return ca_file.empty() ? " (verified against the system trust store: set "
                               "outputs.leef.ca_file to the CA that signed the receiver's "
                               "certificate)"
                             : " (verified against outputs.leef.ca_file " + ca_file +
                                   ": is it the CA that signed the receiver's certificate?)";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return " (outputs.leef.host must be a name or address the receiver's certificate holds)";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return " (the receiver's certificate is outside its validity dates, or this machine's "
             "clock is wrong)";
    default:
      return "";
  }
}

}  // namespace

struct SyslogSender::Connection {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  bool first_batch_sent = false;

  ~Connection() {
    if (ssl != nullptr) {
      SSL_shutdown(ssl);  // best effort close_notify; the socket is non-blocking
      SSL_free(ssl);
    }
    if (ctx != nullptr) SSL_CTX_free(ctx);
    if (fd >= 0) ::close(fd);
  }
};

SyslogSender::SyslogSender(SyslogSenderOptions options, SteadyNow now)
    : options_(std::move(options)), now_(now ? std::move(now) : SteadyNow(&Clock::now)) {}

SyslogSender::~SyslogSender() = default;

void SyslogSender::close() { connection_.reset(); }

bool SyslogSender::connected() const { return connection_ != nullptr; }

core::Status SyslogSender::connect() {
  if (connection_) return {};
  const auto started = now_();
  if (failures_ > 0 && started < retry_at_) {
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(retry_at_ - started).count();
    return transportError("syslog " + options_.host + ":" + std::to_string(options_.port) +
                          ": not reconnecting for another " + std::to_string(wait) +
                          " ms after a failure");
  }
  const auto fail = [&](const core::Error& error) -> core::Status {
    ++failures_;
    const auto backoff = std::min<std::chrono::milliseconds>(
        options_.max_backoff, options_.initial_backoff * (1LL << std::min(failures_ - 1, 16)));
    retry_at_ = now_() + backoff;
    connection_.reset();
    return error.withContext("syslog " + options_.host + ":" + std::to_string(options_.port));
  };
  const Clock::time_point deadline = Clock::now() + options_.connect_timeout;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  const std::string port = std::to_string(options_.port);
  if (const int rc = ::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &addresses);
      rc != 0) {
    return fail(transportError(std::string("resolving: ") + ::gai_strerror(rc)));
  }
  auto conn = std::make_unique<Connection>();
  std::string last_error = "no address";
  for (addrinfo* a = addresses; a != nullptr; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const Wait waited = waitFor(fd, POLLOUT, deadline);
      if (waited == Wait::kAborted) {
        ::close(fd);
        ::freeaddrinfo(addresses);
        return fail(cancelled());
      }
      if (waited == Wait::kReady) {
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        rc = error == 0 ? 0 : -1;
        errno = error;
      } else {
        rc = -1;
        errno = ETIMEDOUT;
      }
    }
    if (rc == 0) {
      conn->fd = fd;
      break;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(addresses);
  if (conn->fd < 0) return fail(transportError("connecting: " + last_error));

  if (options_.transport == SyslogTransport::kTls) {
    ERR_clear_error();
    conn->ctx = SSL_CTX_new(TLS_client_method());
    if (conn->ctx == nullptr) return fail(transportError("TLS: " + sslErrors()));
    SSL_CTX_set_min_proto_version(conn->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(conn->ctx, SSL_VERIFY_PEER, nullptr);
    const int loaded = options_.ca_file.empty() ? SSL_CTX_set_default_verify_paths(conn->ctx)
                                                : SSL_CTX_load_verify_locations(
                                                      conn->ctx, options_.ca_file.c_str(), nullptr);
    if (loaded != 1) {
      return fail(core::makeError(core::ErrorCode::kTls,
                                  "TLS: loading the CA " +
                                      (options_.ca_file.empty() ? std::string("system store")
                                                                : "file " + options_.ca_file) +
                                      ": " + sslErrors()));
    }
    conn->ssl = SSL_new(conn->ctx);
    if (conn->ssl == nullptr) return fail(transportError("TLS: " + sslErrors()));
    SSL_set_mode(conn->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    X509_VERIFY_PARAM* param = SSL_get0_param(conn->ssl);
    if (core::isIpLiteral(options_.host)) {
      X509_VERIFY_PARAM_set1_ip_asc(param, options_.host.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, options_.host.c_str(), 0);
      // SNI (SSL_set_tlsext_host_name is a macro with a C-style cast).
      SSL_ctrl(conn->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(options_.host.c_str()));
    }
    BIO* bio = BIO_new(socketMethod());
    if (bio == nullptr) return fail(transportError("TLS: " + sslErrors()));
    BIO_set_data(bio, &conn->fd);  // the Connection outlives its SSL and BIO
    SSL_set_bio(conn->ssl, bio, bio);
    while (true) {
      const int rc = SSL_connect(conn->ssl);
      if (rc == 1) break;
      const int reason = SSL_get_error(conn->ssl, rc);
      const short wanted = reason == SSL_ERROR_WANT_READ    ? POLLIN
                           : reason == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                            : 0;
      if (wanted != 0) {
        const Wait waited = waitFor(conn->fd, wanted, deadline);
        if (waited == Wait::kReady) continue;
        if (waited == Wait::kAborted) return fail(cancelled());
        // A plain-TCP listener reads the ClientHello as a message and waits for the next; a
        // stalled receiver on the right port looks the same from here (a trial), so both are
        // named, the one that needs no config change first.
        return fail(core::makeError(
            core::ErrorCode::kTimeout,
            "TLS handshake timed out: the receiver took the connection but did not answer (a "
            "receiver that is stalled or overloaded, or outputs.leef.port a plain-TCP syslog "
            "port: then use protocol: tcp, or the TLS port)"));
      }
      const long verify = SSL_get_verify_result(conn->ssl);
      std::string why = verify != X509_V_OK ? X509_verify_cert_error_string(verify) : sslErrors();
      if (reason == SSL_ERROR_SYSCALL && verify == X509_V_OK) {
        why = "connection closed during the handshake";
      }
      why += verifyAdvice(verify, options_.ca_file);
      return fail(core::makeError(core::ErrorCode::kTls, "TLS handshake: " + why));
    }
  }
  connection_ = std::move(conn);
  failures_ = 0;
  return {};
}

bool SyslogSender::aborted() const {
  return options_.abort_flag != nullptr && options_.abort_flag->load();
}

SyslogSender::Wait SyslogSender::waitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    if (aborted()) return Wait::kAborted;
    const int left = remainingMs(deadline);
    pollfd p{fd, events, 0};
    const int n =
        ::poll(&p, 1, options_.abort_flag != nullptr ? std::min(left, kAbortCheckMs) : left);
    if (n > 0) return Wait::kReady;
    if (n == 0 && left <= kAbortCheckMs) return aborted() ? Wait::kAborted : Wait::kTimedOut;
    if (n < 0 && errno != EINTR) return Wait::kTimedOut;
  }
}

bool SyslogSender::peerClosed() {
  pollfd p{connection_->fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return true;
  if ((p.revents & POLLIN) == 0) return false;
  // Something to read: a syslog receiver sends no data, so it is either a TLS record (a session
  // ticket, or close_notify) or the end of the stream.
  char scratch[512];
  if (connection_->ssl != nullptr) {
    while (true) {
      const int n = SSL_read(connection_->ssl, scratch, sizeof scratch);
      if (n > 0) continue;
      const int reason = SSL_get_error(connection_->ssl, n);
      ERR_clear_error();
      return reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE;
    }
  }
  while (true) {
    const ssize_t n = ::recv(connection_->fd, scratch, sizeof scratch, MSG_DONTWAIT);
    if (n > 0) continue;
    if (n == 0) return true;
    return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  }
}

core::Status SyslogSender::writeAll(std::string_view bytes) {
  const Clock::time_point deadline = Clock::now() + options_.write_timeout;
  std::size_t written = 0;
  while (written < bytes.size()) {
    const char* data = bytes.data() + written;
    const std::size_t left = bytes.size() - written;
    short wanted = POLLOUT;
    if (connection_->ssl != nullptr) {
      ERR_clear_error();
      const int n = SSL_write(connection_->ssl, data,
                              static_cast<int>(std::min<std::size_t>(left, 1U << 20)));
      if (n > 0) {
        written += static_cast<std::size_t>(n);
        continue;
      }
      const int reason = SSL_get_error(connection_->ssl, n);
      if (reason == SSL_ERROR_WANT_READ) {
        wanted = POLLIN;
      } else if (reason != SSL_ERROR_WANT_WRITE) {
        return transportError("TLS write: " + (reason == SSL_ERROR_SYSCALL
                                                   ? std::string(std::strerror(errno))
                                                   : sslErrors()));
      }
    } else {
      const ssize_t n = ::send(connection_->fd, data, left, MSG_NOSIGNAL);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return transportError(std::string("write: ") + std::strerror(errno));
      }
    }
    const Wait waited = waitFor(connection_->fd, wanted, deadline);
    if (waited == Wait::kAborted) return cancelled();
    if (waited == Wait::kTimedOut) {
      return core::makeError(core::ErrorCode::kTimeout,
                             "write timed out after " + std::to_string(written) + " of " +
                                 std::to_string(bytes.size()) + " bytes");
    }
  }
  return {};
}

core::Status SyslogSender::awaitAcknowledged() {
  const Clock::time_point deadline = Clock::now() + options_.write_timeout;
  const int fd = connection_->fd;
  while (true) {
    int queued = 0;
    if (::ioctl(fd, SIOCOUTQ, &queued) != 0) return {};  // cannot tell: written must do
    tcp_info info{};
    socklen_t length = sizeof info;
    const bool known = ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) == 0;
    // A reset connection is TCP_CLOSE with its queue dropped: what was not acknowledged is lost.
    if (known && info.tcpi_state == TCP_CLOSE) {
      int error = 0;
      socklen_t error_length = sizeof error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_length);
      return transportError(
          "the receiver closed the connection before acknowledging the batch" +
          (error != 0 ? std::string(" (") + std::strerror(error) + ")" : std::string()));
    }
    if (queued == 0) return {};
    if (aborted()) return cancelled();
    if (Clock::now() >= deadline) {
      return core::makeError(core::ErrorCode::kTimeout, "the receiver did not acknowledge " +
                                                            std::to_string(queued) +
                                                            " bytes within the write timeout");
    }
    pollfd p{fd, 0, 0};  // POLLERR and POLLHUP wake it at once
    ::poll(&p, 1, std::min(2, remainingMs(deadline)));
  }
}

core::Status SyslogSender::checkFirstBatchTaken() {
  if (connection_->ssl != nullptr) return checkFirstBatchTakenTls();
  pollfd p{connection_->fd, POLLIN | POLLRDHUP, 0};
  const auto grace = static_cast<int>(options_.first_batch_grace.count());
  if (::poll(&p, 1, grace) <= 0) return {};  // silence: what a syslog receiver answers
  unsigned char answer[8];
  const ssize_t n = ::recv(connection_->fd, answer, sizeof answer, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return {};
  // TLS records start with their content type: 0x15 an alert, 0x16 a handshake message.
  if (n > 0 && (answer[0] == 0x15 || answer[0] == 0x16)) {
    return transportError(
        "the receiver answered the first batch in TLS and dropped it: it is a TLS listener "
        "(set outputs.leef.protocol: tls)");
  }
  if (n > 0) return transportError("the receiver wrote back, which a syslog receiver never does");
  return transportError(
      "the receiver closed the connection right after the first batch, which it then did not "
      "take (a TLS listener does this to plain TCP: is outputs.leef.protocol right?)");
}

// The same wait under TLS. A TLS server that is not a syslog receiver (the console's HTTPS port
// given as outputs.leef.port) completes the handshake, reads the batch as a bad request, answers
// (HTTP 400) or closes, and drops it. Records that carry no data (a TLS 1.3 session ticket) are
// read and waited past.
core::Status SyslogSender::checkFirstBatchTakenTls() {
  const Clock::time_point deadline = Clock::now() + options_.first_batch_grace;
  while (true) {
    pollfd p{connection_->fd, POLLIN | POLLRDHUP, 0};
    if (SSL_pending(connection_->ssl) == 0 && ::poll(&p, 1, remainingMs(deadline)) <= 0) {
      return {};  // silence: what a syslog receiver answers
    }
    char answer[256];
    const int n = SSL_read(connection_->ssl, answer, sizeof answer);
    if (n > 0) {
      return transportError(
          "the receiver wrote back after the first batch, which a syslog receiver never does: "
          "is outputs.leef.port a syslog port? (an HTTPS server answers like this)");
    }
    const int reason = SSL_get_error(connection_->ssl, n);
    ERR_clear_error();
    if (reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE) {
      return transportError(
          "the receiver closed the connection right after the first batch, which it then did "
          "not take: is outputs.leef.port a syslog port?");
    }
    if (remainingMs(deadline) <= 0) return {};
  }
}

core::Status SyslogSender::send(const std::vector<std::string>& messages) {
  std::string buffer;
  for (const auto& message : messages) {
    if (message.find_first_of("\r\n") != std::string::npos) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "a syslog message holds a line break");
    }
    buffer += message;
    buffer.push_back('\n');
  }
  if (buffer.empty()) return {};
  if (connection_ && peerClosed()) close();
  if (auto status = connect(); !status) return status;
  auto status = writeAll(buffer);
  if (status) status = awaitAcknowledged();
  if (status && !connection_->first_batch_sent) {
    connection_->first_batch_sent = true;
    status = checkFirstBatchTaken();
  }
  if (!status) {
    close();  // the stream's state is unknown: the next send starts on a new connection
    return status.error().withContext("syslog " + options_.host + ":" +
                                      std::to_string(options_.port));
  }
  return {};
}

}  // namespace aihunt::qradar

#pragma once
// A syslog client over TCP or TLS for QRadar's syslog intake: one message per line, each ended by
// a newline (RFC 6587 non-transparent framing), on one long-lived connection.
//
// - connect with a timeout to every address of the host in turn; TLS 1.2+ verified against the
//   configured CA file (or the system store), with the host name (or IP address) checked. There
//   is no plain-text fallback and no way to turn verification off.
// - a send either writes every byte and sees the receiver's TCP acknowledge them (the socket's
//   send queue empty, within write_timeout), or returns an error (and closes the connection);
//   the caller decides what to send again. Written is not enough: a batch that fits the socket
//   buffers is "written" at once, and a receiver that drops the connection then would lose it
//   unseen. Bytes the receiver's TCP acknowledged but its process never read are beyond what
//   syslog over TCP can tell (it has no application acknowledgement). Before a send, a
//   connection the peer has closed meanwhile is noticed and replaced, so that a batch is not
//   written into a dead socket.
// - after the first batch on a connection, the sender waits up to first_batch_grace for the
//   receiver to answer or hang up. A syslog receiver never writes back; a TLS listener given
//   plain text (outputs.leef.protocol: tcp against a TLS port) answers with a TLS alert and
//   closes, and an HTTPS server reached over TLS (the console's API port given as the syslog
//   port) answers HTTP 400 or closes, each after its TCP acknowledged the batch. Without this
//   every batch would count as sent and be lost.
// - after a failed connect, the next attempt waits out a backoff (initial_backoff doubling up to
//   max_backoff; a send during it fails at once), reset by a successful connect.
// - SIGPIPE is never raised (MSG_NOSIGNAL, also under TLS).
// - when `abort_flag` turns true, a connect or send under way ends within about 100 ms with
//   kCancelled (the daemon's stop, past its grace period: the batch stays in the outbox).
//
// Name resolution (getaddrinfo) is blocking and not covered by connect_timeout.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace aihunt::qradar {

enum class SyslogTransport { kTcp, kTls };

struct SyslogSenderOptions {
  std::string host;
  std::uint16_t port = 514;
  SyslogTransport transport = SyslogTransport::kTls;
  std::string ca_file;                               // TLS: empty means the system trust store
  std::chrono::milliseconds connect_timeout{5'000};  // TCP connect plus TLS handshake
  std::chrono::milliseconds write_timeout{10'000};   // per send
  std::chrono::milliseconds first_batch_grace{150};  // see above
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  std::shared_ptr<const std::atomic<bool>> abort_flag;  // optional: see above
};

class SyslogSender {
 public:
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

  explicit SyslogSender(SyslogSenderOptions options, SteadyNow now = {});
  ~SyslogSender();
  SyslogSender(const SyslogSender&) = delete;
  SyslogSender& operator=(const SyslogSender&) = delete;

  // Sends each message followed by '\n', all in order. A message holding '\n' or '\r' is refused
  // before anything is written (it would forge a second record).
  [[nodiscard]] core::Status send(const std::vector<std::string>& messages);
  // Connects now if not connected (send() does this itself).
  [[nodiscard]] core::Status connect();
  void close();
  [[nodiscard]] bool connected() const;
  [[nodiscard]] const SyslogSenderOptions& options() const { return options_; }

 private:
  struct Connection;
  enum class Wait { kReady, kTimedOut, kAborted };
  // Waits until the connection's socket (or `fd`) is ready for `events`, the deadline passes, or
  // the abort flag turns true.
  [[nodiscard]] Wait waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] bool aborted() const;
  [[nodiscard]] core::Status writeAll(std::string_view bytes);
  [[nodiscard]] core::Status awaitAcknowledged();
  [[nodiscard]] bool peerClosed();
  [[nodiscard]] core::Status checkFirstBatchTaken();
  [[nodiscard]] core::Status checkFirstBatchTakenTls();

  SyslogSenderOptions options_;
  SteadyNow now_;
  std::unique_ptr<Connection> connection_;
  int failures_ = 0;
  std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace aihunt::qradar

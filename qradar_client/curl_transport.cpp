#include "qradar_client/curl_transport.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <string.h>  // explicit_bzero (glibc)
#include <sys/socket.h>

#include <cstring>
#include <exception>

#include "core/display_text.h"
#include "core/shown_url.h"
#include "core/text.h"

namespace aihunt::qradar {
namespace {

struct Transfer {
  const BodySink* sink = nullptr;
  HttpResponse* response = nullptr;
  std::size_t cap = 0;
  std::size_t received = 0;
  bool over_cap = false;
  core::Status sink_status;
  const std::atomic<bool>* abort_flag = nullptr;
  bool aborted = false;
  // Plain http:// carries the token in clear text, so it may only reach a loopback peer: the
  // address is checked before the socket is opened and again (for a reused connection, or
  // whatever libcurl connected to) before the request is sent.
  bool plain_http = false;
  std::string refused_peer;  // the non-loopback address a plain-http request was refused for
};

// The numeric address of a socket address libcurl is about to connect to, or "".
std::string numericAddress(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    if (inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text) == nullptr) return {};
  } else if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text) == nullptr) return {};
  } else {
    return {};
  }
  return text;
}

curl_socket_t onOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  try {
    if (transfer->plain_http) {
      const std::string peer = numericAddress(&address->addr);
      if (!isLoopbackAddress(peer)) {
        transfer->refused_peer = peer.empty() ? "a non-IP address" : peer;
        return CURL_SOCKET_BAD;  // no packet leaves: nothing was connected
      }
    }
  } catch (const std::exception&) {
    return CURL_SOCKET_BAD;
  }
  (void)purpose;
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// Header lines hold the token: wiped before the list is freed, so no copy lingers in the heap.
void wipeAndFree(curl_slist* list) {
  for (curl_slist* item = list; item != nullptr; item = item->next) {
    if (item->data != nullptr) explicit_bzero(item->data, std::strlen(item->data));
  }
  curl_slist_free_all(list);
}

// Runs once connected (or on a reused connection), before a byte of the request is sent.
int onPrerequest(void* user, char* primary_ip, char* /*local_ip*/, int /*primary_port*/,
                 int /*local_port*/) {
  auto* transfer = static_cast<Transfer*>(user);
  try {
    if (transfer->plain_http && (primary_ip == nullptr || !isLoopbackAddress(primary_ip))) {
      transfer->refused_peer = primary_ip != nullptr ? primary_ip : "an unknown address";
      return CURL_PREREQFUNC_ABORT;
    }
  } catch (const std::exception&) {
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

// libcurl callbacks: nothing may throw through C code, so each catches everything.
std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  try {
    transfer->received += bytes;
    if (transfer->received > transfer->cap) {
      transfer->over_cap = true;
      return 0;
    }
    if (transfer->sink != nullptr) {
      transfer->sink_status = (*transfer->sink)(std::string_view(data, bytes));
      if (!transfer->sink_status) return 0;
    } else {
      transfer->response->body.append(data, bytes);
    }
    return bytes;
  } catch (const std::exception&) {
    transfer->sink_status = core::makeError(core::ErrorCode::kInternal, "out of memory");
    return 0;
  }
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  try {
    const std::string_view line(data, bytes);
    if (line.substr(0, 5) == "HTTP/") {
      transfer->response->headers.clear();  // a new response (after 100 Continue, proxies)
      return bytes;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      transfer->response->headers.emplace_back(std::string(core::trim(line.substr(0, colon))),
                                               std::string(core::trim(line.substr(colon + 1))));
    }
    return bytes;
  } catch (const std::exception&) {
    return 0;
  }
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->abort_flag != nullptr && transfer->abort_flag->load()) {
    transfer->aborted = true;
    return 1;
  }
  return 0;
}

// Said when an http:// URL gets an answer that is not HTTP, or none: the usual cause is a port
// that serves HTTPS (a TLS server drops or answers a plain request with TLS bytes), and without
// the hint the empty answer to a create reads as a lost answer to be searched for.
constexpr std::string_view kUseHttpsHint =
    "; if this port serves HTTPS, as QRadar's console does, the URL needs https://, not http://";

bool looksLikeHttpsPort(CURLcode code) {
  return code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR ||
         code == CURLE_WEIRD_SERVER_REPLY || code == CURLE_UNSUPPORTED_PROTOCOL;
}

// A web server's own answer to plain HTTP on its HTTPS port is a 400 saying so: Apache httpd's
// "You're speaking plain HTTP to an SSL-enabled server port", nginx's "The plain HTTP request was
// sent to HTTPS port". Both say "plain HTTP" (their error pages; not an IBM-documented answer).
bool saysPlainHttpToHttpsPort(const HttpResponse& response) {
  return response.status == 400 && core::icontainsLower(response.body, "plain http");
}

core::Error curlError(CURLcode code, const char* detail, const TransportOptions& options,
                      bool plain_http) {
  // libcurl's detail can quote the server (a certificate's subject name): one line, made inert,
  // since error messages reach the terminal through a printer that keeps our own line breaks.
  std::string text = core::displayText(
      (detail != nullptr && detail[0] != '\0') ? detail : curl_easy_strerror(code),
      core::DisplayOptions{.keep_tab = false});
  if (plain_http && looksLikeHttpsPort(code)) text += kUseHttpsHint;
  // Through a proxy, a refused connection or a certificate not the console's may be the
  // proxy's doing: say which one, credentials hidden.
  if (!plain_http && !options.https_proxy.empty()) {
    text += " (through the proxy " + core::shownUrl(options.https_proxy) + " from " +
            (options.https_proxy_origin.empty() ? std::string("the config")
                                                : options.https_proxy_origin) +
            ")";
  }
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS: {
      std::string advice;
      if (code == CURLE_SSL_CONNECT_ERROR) {
        // The handshake failed before any certificate was looked at: advice about the CA
        // would send the user the wrong way. OpenSSL's words when the far side is not TLS at
        // all (an HTTP answer, or a close, in place of the server's hello).
        const bool not_tls = core::icontainsLower(text, "wrong version number") ||
                             core::icontainsLower(text, "ssl_error_syscall") ||
                             core::icontainsLower(text, "unexpected eof") ||
                             core::icontainsLower(text, "packet length too long") ||
                             core::icontainsLower(text, "http request");
        // OpenSSL 3 reports a certificate whose signature does not verify against the CA file
        // (another CA of the same name: a test console's CA from an earlier start) as an ASN.1
        // "EVP lib" error during the handshake (an online trial; `openssl s_client` says verify
        // error 7, certificate signature failure).
        const bool bad_signature = !options.ca_file.empty() &&
                                   core::icontainsLower(text, "asn1 encoding routines") &&
                                   core::icontainsLower(text, "evp lib");
        advice = bad_signature
                     ? " (the console's certificate did not verify against " + options.ca_file +
                           ": check that it holds the CA that issued the console's certificate, "
                           "not another CA of the same name)"
                 : not_tls ? " (the port answered, but not in TLS, or something between cut the "
                             "handshake: is it the console's HTTPS port? a port that serves plain "
                             "HTTP needs an http:// URL, which aihunt takes for loopback only)"
                           : " (the TLS handshake failed before the certificate was checked: a "
                             "TLS version or cipher the two sides do not share, or something "
                             "between them that is not the console)";
      } else if (code == CURLE_SSL_PINNEDPUBKEYNOTMATCH) {
        advice =
            " (the console's public key does not match --pin-sha256; compute the pin with: "
            "openssl s_client -connect HOST:PORT </dev/null | openssl x509 -pubkey -noout "
            "| openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)";
      } else if (options.ca_file.empty()) {
        advice =
            " (a self-signed console needs its CA certificate, qradar.tls.ca_file or --ca-file, "
            "or its public-key pin, qradar.tls.pin_sha256 or --pin-sha256)";
      } else {
        advice = " (check that " + options.ca_file +
                 " holds the CA that issued the console's certificate, and that the URL's host "
                 "name is one the certificate names)";
      }
      return core::makeError(core::ErrorCode::kTls, "TLS: " + text + advice);
    }
    case CURLE_OPERATION_TIMEDOUT:
      return core::makeError(core::ErrorCode::kTimeout, "timed out: " + text);
    case CURLE_ABORTED_BY_CALLBACK:
      return core::makeError(core::ErrorCode::kCancelled, "cancelled");
    default:
      return core::makeError(core::ErrorCode::kTransport, text);
  }
}

// Whether a failed request may have reached the server. Name resolution, connecting and the TLS
// handshake all happen before a byte of the request is written, so those failures are kNotSent
// whatever the counters say. Anything else (a timeout, a reset, an empty answer: CURLE_RECV_ERROR,
// CURLE_GOT_NOTHING, CURLE_SEND_ERROR part-way) is kNotSent only when libcurl reports that no
// request bytes were issued (CURLINFO_REQUEST_SIZE, the bytes of the requests sent).
Reach reachOf(CURLcode code, CURL* curl) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return Reach::kNotSent;
    default:
      break;
  }
  long request_bytes = 0;
  if (curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_bytes) == CURLE_OK &&
      request_bytes == 0) {
    return Reach::kNotSent;
  }
  return Reach::kMaybeSent;
}

}  // namespace

struct CurlTransport::Impl {
  TransportOptions options;
  CURL* handle = nullptr;
  ~Impl() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

CurlTransport::CurlTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlTransport::~CurlTransport() = default;

core::Result<std::unique_ptr<CurlTransport>> CurlTransport::create(TransportOptions options) {
  static const CURLcode kGlobal = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (kGlobal != CURLE_OK) {
    return core::makeError(core::ErrorCode::kInternal, "libcurl failed to initialise");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handle = curl_easy_init();
  if (impl->handle == nullptr) {
    return core::makeError(core::ErrorCode::kInternal, "libcurl failed to make a handle");
  }
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(impl)));
}

Exchange CurlTransport::send(const HttpRequest& request, const BodySink* sink) {
  CURL* curl = impl_->handle;
  const TransportOptions& options = impl_->options;
  // Options are set in full for every request; the handle (and its connection cache) stays.
  curl_easy_reset(curl);
  HttpResponse response;
  Transfer transfer;
  transfer.sink = sink;
  transfer.response = &response;
  transfer.cap = options.max_response_bytes;
  transfer.abort_flag = request.abort_flag;
  transfer.plain_http = core::asciiLowered(std::string_view(request.url).substr(0, 7)) == "http://";
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // never carry the token to another host
  // libcurl's own resend (a reused connection that died with no answer, Curl_retry_request in
  // lib/transfer.c) applies to reused connections only: a fresh one is never resent. (libcurl
  // 8.16 has CURLOPT_FORBID_RETRY_ON_REUSE for this; Debian 12 ships 7.88.)
  if (request.send_once) curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  if (request.timeout.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  }
  curl_easy_setopt(curl, CURLOPT_SSLVERSION,
                   options.tls13_minimum ? CURL_SSLVERSION_TLSv1_3 : CURL_SSLVERSION_TLSv1_2);
  // Proxies only as configured: libcurl's own reading of http_proxy, ALL_PROXY and the like is
  // switched off by always setting CURLOPT_PROXY; plain http:// is never proxied.
  if (transfer.plain_http || options.https_proxy.empty()) {
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  } else {
    curl_easy_setopt(curl, CURLOPT_PROXY, options.https_proxy.c_str());
    // The caller already applied NO_PROXY: "" keeps libcurl from applying it a second time.
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "");
  }
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, onOpenSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, onPrerequest);
  curl_easy_setopt(curl, CURLOPT_PREREQDATA, &transfer);
  if (options.insecure) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!options.pin_sha256.empty() && options.ca_file.empty()) {
    // A pin without a CA file: the pin is the trust anchor (a self-signed console). libcurl
    // checks the pin whatever VERIFYPEER says; the chain is not checked against a CA.
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  }
  if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.pin_sha256.empty()) {
    curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, options.pin_sha256.c_str());
  }
  curl_slist* connect_to = nullptr;
  if (!options.connect_to.empty()) {
    connect_to = curl_slist_append(nullptr, options.connect_to.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to);
  }
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;  // may hold the token (SEC, Authorization)
    headers = curl_slist_append(headers, line.c_str());
    explicit_bzero(line.data(), line.size());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method == "POST" || !request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    }
    if (request.method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);

  const CURLcode code = curl_easy_perform(curl);
  wipeAndFree(headers);
  curl_slist_free_all(connect_to);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    if (transfer.over_cap) {
      return core::makeError(core::ErrorCode::kLimitExceeded,
                             "response larger than " + std::to_string(transfer.cap) + " bytes");
    }
    if (!transfer.sink_status) return transfer.sink_status.error();
    if (transfer.aborted) {
      return Exchange(core::makeError(core::ErrorCode::kCancelled, "cancelled"),
                      reachOf(code, curl));
    }
    if (!transfer.refused_peer.empty()) {
      // Not retried (a config error): nothing was sent, and the same route would be taken again.
      return Exchange(core::makeError(core::ErrorCode::kConfig,
                                      "plain http:// would go to " + transfer.refused_peer +
                                          ", not a loopback address (a proxy or --connect-to?); "
                                          "refused before anything was sent: use https://"),
                      Reach::kNotSent);
    }
    return Exchange(curlError(code, error_buffer, options, transfer.plain_http),
                    reachOf(code, curl));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  if (transfer.plain_http && saysPlainHttpToHttpsPort(response)) {
    // A TLS mismatch (kTls: not retried, the console is unreachable over this URL, exit 3); the
    // request never reached the API behind that server.
    return Exchange(core::makeError(core::ErrorCode::kTls,
                                    "the server answered 400 (plain HTTP sent to its HTTPS port)" +
                                        std::string(kUseHttpsHint)),
                    Reach::kNotSent);
  }
  return response;
}

}  // namespace aihunt::qradar

#pragma once
// How the transport reaches QRadar: TLS trust (CA file, public-key pin, or an explicit
// --insecure), timeouts, the response cap, and an optional connect-to address (a console whose
// certificate names a host that DNS does not know). Validated before any connection is made.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace aihunt::qradar {

struct TransportOptions {
  std::string ca_file;     // empty: the system trust store
  std::string pin_sha256;  // "sha256//<base64>" (several joined by ';'), empty: no pin
  bool insecure = false;   // no peer or host verification; loudly warned about
  std::chrono::milliseconds connect_timeout{10'000};
  std::size_t max_response_bytes = 64U << 20;
  std::string connect_to;      // "HOST:PORT:ADDR:PORT" as libcurl's CURLOPT_CONNECT_TO, optional
  bool tls13_minimum = false;  // TLS 1.3 at least (qradar.tls.min_version "1.3"); else 1.2
  // The proxy for https:// URLs, e.g. "http://proxy.corp:3128"; empty: none. libcurl never
  // reads proxy variables itself (NO_PROXY included): the caller decides
  // (service/proxy_choice.h), and plain http:// never goes through a proxy.
  std::string https_proxy;
  std::string https_proxy_origin;  // where it came from, for errors: "HTTPS_PROXY", ...
};

struct ParsedUrl {
  std::string scheme;  // "https" or "http"
  std::string host;    // without brackets
  std::string port;    // may be empty
  std::string base;    // scheme://host[:port] with any trailing path, no trailing '/'
  std::string path;    // that path ("/console"), or empty
};

// Accepts https:// anywhere and http:// only to loopback (127.0.0.0/8, ::1, localhost).
core::Result<ParsedUrl> parseConsoleUrl(std::string_view url);
bool isLoopbackHost(std::string_view host);
// True for a numeric loopback address as libcurl reports a peer: 127.0.0.0/8, ::1, and
// ::ffff:127.x.y.z. Plain http:// may only ever reach such a peer.
bool isLoopbackAddress(std::string_view address);

// Checks pins ("sha256//" + 44 base64 characters each), that the CA file is readable and the
// minimum TLS version is 1.2 or 1.3.
core::Status validateTransportOptions(const TransportOptions& options);
core::Status validateMinTlsVersion(std::string_view version);

}  // namespace aihunt::qradar

#pragma once
// Which proxy, if any, carries the requests to an https:// console, and where that came from.
// aihunt decides this itself instead of leaving it to libcurl's reading of the environment, so
// that an error can say "through the proxy X from HTTPS_PROXY" only when a proxy was in fact
// used, and a console reached directly is never blamed on one.
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/environment.h"

namespace aihunt::service {

struct ProxyChoice {
  std::string url;     // empty: the console is reached directly
  std::string origin;  // "qradar.proxy", "HTTPS_PROXY" or "https_proxy"; empty with no proxy
};

// qradar.proxy, else https_proxy, else HTTPS_PROXY (libcurl's order: lower case first, and the
// first one set decides, empty meaning none), unless no_proxy or NO_PROXY (the same way) names
// `host`. A plain http:// console never goes through a proxy.
ProxyChoice chooseProxy(const config::QRadarConfig& qradar, std::string_view scheme,
                        std::string_view host, const config::Environment& environment);

// NO_PROXY as libcurl reads it (CURLOPT_NOPROXY, libcurl 7.86 to 8.x: Debian 12 has 7.88): a
// list separated by commas or spaces; "*" alone exempts every host; a name exempts itself and
// the names below it ("example.com", ".example.com" and "example.com." all exempt
// www.example.com, never notexample.com); an IP address or CIDR network exempts the addresses
// in it. Case does not matter, and IPv6 addresses come with or without brackets. One addition
// to libcurl: a port after an entry ("qradar.corp:443", "10.0.0.5:443", "[::1]:443") is
// ignored rather than never matching, since the console's port is known anyway.
bool noProxyExempts(std::string_view list, std::string_view host);

}  // namespace aihunt::service

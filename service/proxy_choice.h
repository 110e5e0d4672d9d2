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

// qradar.proxy, else https_proxy, else HTTPS_PROXY (libcurl's order: lower case first), unless
// no_proxy or NO_PROXY names `host`. A plain http:// console never goes through a proxy.
ProxyChoice chooseProxy(const config::QRadarConfig& qradar, std::string_view scheme,
                        std::string_view host, const config::Environment& environment);

// NO_PROXY as libcurl reads it (CURLOPT_NOPROXY, libcurl 7.86 and later): a comma- or
// space-separated list; "*" alone exempts every host; a name exempts itself and the names below
// it ("example.com" and ".example.com" both exempt www.example.com, never notexample.com); an
// IP address or CIDR network exempts the addresses in it. Case does not matter, IPv6 addresses
// come without brackets (or in them, with a port), and a port after a name or an address is
// ignored.
bool noProxyExempts(std::string_view list, std::string_view host);

}  // namespace aihunt::service

#include "service/proxy_choice.h"

#include <algorithm>
#include <array>

#include "core/text.h"
#include "detection/cidr.h"

namespace aihunt::service {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The first of `names` that is set, as libcurl reads its variables: set but empty counts
// (https_proxy="" turns a global HTTPS_PROXY off, as it does for curl).
std::optional<std::string> firstSet(const config::Environment& environment,
                                    std::array<std::string_view, 2> names, std::string& origin) {
  for (const std::string_view name : names) {
    if (auto value = environment.get(name); value) {
      origin = std::string(name);
      return value;
    }
  }
  return std::nullopt;
}

// One NO_PROXY entry against the console's host name or address.
bool entryExempts(std::string_view entry, std::string_view host,
                  const std::optional<detection::IpAddress>& address) {
  if (address) {
    // An address is matched as an address or network only ("10.0.0.0/8", "::1"); a port after
    // an IPv4 address ("10.0.0.5:443") or a bracketed IPv6 one ("[::1]:443") is not compared.
    std::string plain(entry);
    if (!entry.empty() && entry.front() == '[') {
      // "[fd00::]/8" is "fd00::/8"; "[::1]:443" is "::1".
      const std::size_t close = entry.find(']');
      const std::string_view after =
          close == std::string_view::npos ? std::string_view() : entry.substr(close + 1);
      plain = std::string(entry.substr(1, close == std::string_view::npos ? close : close - 1));
      if (!after.empty() && after.front() == '/') plain += after;
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
      plain = std::string(entry.substr(0, entry.find(':')));
    }
    auto network = detection::Cidr::parse(plain);
    return network && network->contains(*address);
  }
  if (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
  if (const auto colon = entry.find(':'); colon != std::string_view::npos) {
    entry = entry.substr(0, colon);  // "example.com:443": the port is not compared
  }
  if (!entry.empty() && entry.back() == '.') entry.remove_suffix(1);  // "example.com."
  if (entry.empty() || entry.size() > host.size()) return false;
  const std::string_view tail = host.substr(host.size() - entry.size());
  if (!core::iequals(tail, entry)) return false;
  return entry.size() == host.size() || host[host.size() - entry.size() - 1] == '.';
}

}  // namespace

bool noProxyExempts(std::string_view list, std::string_view host) {
  list = trimmed(list);
  if (list == "*") return true;
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const auto address = detection::parseIpAddress(host);
  while (!list.empty()) {
    const std::size_t end = list.find_first_of(", ");
    const std::string_view entry = list.substr(0, end);
    if (!entry.empty() && entryExempts(entry, host, address)) return true;
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
  return false;
}

ProxyChoice chooseProxy(const config::QRadarConfig& qradar, std::string_view scheme,
                        std::string_view host, const config::Environment& environment) {
  ProxyChoice choice;
  if (scheme != "https") return choice;
  if (!qradar.proxy.empty()) {
    choice = {qradar.proxy, "qradar.proxy"};
  } else if (auto from_environment =
                 firstSet(environment, {"https_proxy", "HTTPS_PROXY"}, choice.origin);
             from_environment && !from_environment->empty()) {
    choice.url = *from_environment;
  } else {
    return {};
  }
  std::string unused;
  if (auto exempt = firstSet(environment, {"no_proxy", "NO_PROXY"}, unused);
      exempt && noProxyExempts(*exempt, host)) {
    return {};
  }
  return choice;
}

}  // namespace aihunt::service

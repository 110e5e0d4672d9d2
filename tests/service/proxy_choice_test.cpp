// Which proxy reaches an https:// console (service/proxy_choice.h). NO_PROXY follows libcurl's
// CURLOPT_NOPROXY rules (https://curl.se/libcurl/c/CURLOPT_NOPROXY.html): names match
// themselves and the names below them, a leading dot changes nothing, "*" exempts everything,
// and addresses match as addresses or CIDR networks.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <map>
#include <string>
#include <utility>

#include "config/environment.h"
#include "service/proxy_choice.h"

using aihunt::service::chooseProxy;
using aihunt::service::noProxyExempts;

namespace {

aihunt::config::MapEnvironment environment(
    std::initializer_list<std::pair<const std::string, std::string>> variables) {
  return aihunt::config::MapEnvironment(std::map<std::string, std::string, std::less<>>(variables));
}

}  // namespace

TEST_CASE("NO_PROXY exempts a host, its subdomains, addresses and networks, as libcurl does") {
  struct Case {
    const char* list;
    const char* host;
    bool exempt;
  };
  const Case cases[] = {
      {"qradar.corp", "qradar.corp", true},
      {"corp", "qradar.corp", true},
      {".corp", "qradar.corp", true},
      {"QRadar.Corp", "qradar.CORP", true},
      {"notcorp", "qradar.corp", false},
      {"adar.corp", "qradar.corp", false},  // a suffix, not a label
      {"qradar.corp.example", "qradar.corp", false},
      {"other.corp, qradar.corp", "qradar.corp", true},
      {"other.corp,,qradar.corp", "qradar.corp", true},
      {"other.corp qradar.corp", "qradar.corp", true},
      {"qradar.corp:443", "qradar.corp", true},
      {"qradar.corp", "qradar.corp.", true},  // a fully qualified name
      {"qradar.corp.", "qradar.corp", true},
      {"[fd00::]/8", "fd12::1", true},
      {"*", "anything.example", true},
      {" * ", "anything.example", true},
      {"*.corp", "qradar.corp", false},  // no wildcards but "*" alone
      {"", "qradar.corp", false},
      {"10.0.0.0/8", "10.1.2.3", true},
      {"10.0.0.0/8", "11.1.2.3", false},
      {"10.1.2.3", "10.1.2.3", true},
      {"10.1.2.3:8443", "10.1.2.3", true},
      {"[::1]:8443", "::1", true},
      {"[::1]", "::1", true},
      {"fd00::/8", "fd12::1", true},
      {"::1", "::1", true},
      {"1.2.3", "10.1.2.3", false},  // an address is not matched as a name
      {"10.0.0.0/8", "ten.corp", false},
  };
  for (const Case& c : cases) {
    INFO(c.list << " / " << c.host);
    CHECK(noProxyExempts(c.list, c.host) == c.exempt);
  }
}

TEST_CASE("the config's proxy comes first, then https_proxy, then HTTPS_PROXY, unless exempt") {
  aihunt::config::QRadarConfig qradar;
  const aihunt::config::MapEnvironment none;
  CHECK(chooseProxy(qradar, "https", "qradar.corp", none).url.empty());

  const auto upper = environment({{"HTTPS_PROXY", "http://proxy.corp:3128"}});
  auto chosen = chooseProxy(qradar, "https", "qradar.corp", upper);
  CHECK(chosen.url == "http://proxy.corp:3128");
  CHECK(chosen.origin == "HTTPS_PROXY");

  const auto both =
      environment({{"HTTPS_PROXY", "http://upper:3128"}, {"https_proxy", "http://lower:3128"}});
  chosen = chooseProxy(qradar, "https", "qradar.corp", both);
  CHECK(chosen.url == "http://lower:3128");
  CHECK(chosen.origin == "https_proxy");

  // Set but empty decides, as for libcurl: https_proxy="" turns a global HTTPS_PROXY off.
  const auto empty_lower = environment({{"https_proxy", ""}, {"HTTPS_PROXY", "http://upper:3128"}});
  CHECK(chooseProxy(qradar, "https", "qradar.corp", empty_lower).url.empty());

  // Plain http:// (loopback only) never goes through a proxy.
  CHECK(chooseProxy(qradar, "http", "localhost", upper).url.empty());

  qradar.proxy = "http://configured:8080";
  chosen = chooseProxy(qradar, "https", "qradar.corp", both);
  CHECK(chosen.url == "http://configured:8080");
  CHECK(chosen.origin == "qradar.proxy");

  // NO_PROXY (or no_proxy, read first) exempts the console from either proxy.
  const auto exempt = environment({{"HTTPS_PROXY", "http://upper:3128"}, {"NO_PROXY", ".corp"}});
  CHECK(chooseProxy(qradar, "https", "qradar.corp", exempt).url.empty());
  CHECK(chooseProxy(qradar, "https", "qradar.other", exempt).origin == "qradar.proxy");
  qradar.proxy.clear();
  CHECK(chooseProxy(qradar, "https", "qradar.corp", exempt).url.empty());
  const auto lower_first = environment(
      {{"HTTPS_PROXY", "http://upper:3128"}, {"no_proxy", "other.corp"}, {"NO_PROXY", ".corp"}});
  CHECK(chooseProxy(qradar, "https", "qradar.corp", lower_first).origin == "HTTPS_PROXY");
}

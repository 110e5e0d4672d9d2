#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "qradar_client/tls_options.h"

using namespace aihunt;

TEST_CASE("console URLs: https anywhere, http only to loopback", "[tls]") {
  auto https = qradar::parseConsoleUrl("https://qradar.example.com:8443/");
  REQUIRE(https.ok());
  CHECK(https->host == "qradar.example.com");
  CHECK(https->port == "8443");
  CHECK(https->base == "https://qradar.example.com:8443");
  CHECK(https->path.empty());  // a trailing '/' is no path
  auto with_path = qradar::parseConsoleUrl("https://[::1]:8443/console/");
  REQUIRE(with_path.ok());
  CHECK(with_path->path == "/console");
  CHECK(with_path->base == "https://[::1]:8443/console");
  CHECK(qradar::parseConsoleUrl("http://127.0.0.1:8080").ok());
  CHECK(qradar::parseConsoleUrl("http://[::1]:8080").ok());
  CHECK(qradar::parseConsoleUrl("http://localhost").ok());
  CHECK_FALSE(qradar::parseConsoleUrl("http://qradar.example.com").ok());
  CHECK_FALSE(qradar::parseConsoleUrl("http://127.example.com").ok());
  CHECK_FALSE(qradar::parseConsoleUrl("ftp://qradar").ok());
  CHECK_FALSE(qradar::parseConsoleUrl("qradar.example.com").ok());
  CHECK_FALSE(qradar::parseConsoleUrl("https://user:pw@qradar").ok());
  CHECK_FALSE(qradar::parseConsoleUrl("https://qradar/?x=1").ok());
  CHECK_FALSE(qradar::parseConsoleUrl("https://qradar:80x").ok());
}

TEST_CASE("a URL refused for a credential in it is shown without the credential", "[tls]") {
  // The token is not yet known to the redactor when the URL is checked.
  constexpr std::string_view kToken = "SECRETTOKEN-0123456789abcdef";
  const std::string token(kToken);
  for (const std::string& url :
       {"https://aihunt:" + token + "@qradar.example.com:8443", "https://" + token + "@qradar",
        "https://qradar.example.com/?SEC=" + token, "https://qradar.example.com/api#" + token,
        "aihunt:" + token + "@qradar.example.com", "https://a@b:" + token + "@qradar/x?y",
        // A typo in the scheme: the URL does not parse, and the credential is hidden all the same.
        "https//u:" + token + "@qradar", "https:/u:" + token + "@qradar",
        "https:///u:" + token + "@qradar", " https://u:" + token + "@qradar"}) {
    const auto parsed = qradar::parseConsoleUrl(url);
    REQUIRE_FALSE(parsed.ok());
    INFO(parsed.error().message);
    CHECK(parsed.error().message.find(token) == std::string::npos);
    CHECK(parsed.error().message.find("[hidden]") != std::string::npos);
  }
  const auto credentials = qradar::parseConsoleUrl("https://aihunt:" + token + "@qradar:8443/x");
  REQUIRE_FALSE(credentials.ok());
  CHECK(credentials.error().message.rfind("QRadar URL 'https://[hidden]@qradar:8443/x': ", 0) == 0);
  // Pasted with a space before it: said as such, not as a wrong scheme.
  const auto spaced = qradar::parseConsoleUrl(" https://qradar.example.com");
  REQUIRE_FALSE(spaced.ok());
  CHECK(spaced.error().message.find("white space") != std::string::npos);
}

TEST_CASE("plain http may reach only a loopback peer address", "[tls]") {
  for (const char* address : {"127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "0:0:0:0:0:0:0:1",
                              "::ffff:127.0.0.1", "::FFFF:127.0.0.2"}) {
    INFO(address);
    CHECK(qradar::isLoopbackAddress(address));
  }
  for (const char* address :
       {"192.0.2.1", "10.0.0.1", "128.0.0.1", "0.0.0.0", "::", "::2", "::ffff:192.0.2.1", "127.0.0",
        "127.0.0.1.5", "127.0.0.256", "127.0.0.01x", "localhost", "", "fe80::1"}) {
    INFO(address);
    CHECK_FALSE(qradar::isLoopbackAddress(address));
  }
}

TEST_CASE("pins must be sha256// with a 44-character base64 digest", "[tls]") {
  qradar::TransportOptions options;
  options.pin_sha256 = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
  CHECK(qradar::validateTransportOptions(options).ok());
  options.pin_sha256 += ";sha256//AAAAKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
  CHECK(qradar::validateTransportOptions(options).ok());
  options.pin_sha256 = "YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
  CHECK_FALSE(qradar::validateTransportOptions(options).ok());
  options.pin_sha256 = "sha256//short=";
  CHECK_FALSE(qradar::validateTransportOptions(options).ok());
  options.pin_sha256.clear();
  options.ca_file = "/nonexistent/ca.pem";
  const auto missing = qradar::validateTransportOptions(options);
  REQUIRE_FALSE(missing.ok());
  // Why, as the token file's error says it.
  CHECK(missing.error().message ==
        "CA file '/nonexistent/ca.pem' cannot be read: No such file or directory");
  CHECK(qradar::validateMinTlsVersion("1.2").ok());
  CHECK_FALSE(qradar::validateMinTlsVersion("1.1").ok());
}

TEST_CASE("a CA file must hold a PEM certificate: anything else is an options error", "[tls]") {
  // A throwaway self-signed certificate (CN=aihunt-test-ca), made for this test.
  const std::string pem =
      "-----BEGIN CERTIFICATE-----\n"
      "MIIBiDCCAS+gAwIBAgIULlW/hpgTw52+Vpdj6kUYS6vbDkcwCgYIKoZIzj0EAwIw\n"
      "GTEXMBUGA1UEAwwOYWlodW50LXRlc3QtY2EwIBcNMjYxMjAzMTU1NDE4WhgPMjEy\n"
      "NjExMDkxNTU0MThaMBkxFzAVBgNVBAMMDmFpaHVudC10ZXN0LWNhMFkwEwYHKoZI\n"
      "zj0CAQYIKoZIzj0DAQcDQgAE1QW990Hb/K+u0bQSBAXaB4hcMlUhzaKFm73H8IQX\n"
      "9VIqEIHJQcxOvJYr6OGQIPtXsliFn0TkRnlRthQCZvS1WqNTMFEwHQYDVR0OBBYE\n"
      "FHIKx+k7ujXBP3OL3mc3Xi7qIMyLMB8GA1UdIwQYMBaAFHIKx+k7ujXBP3OL3mc3\n"
      "Xi7qIMyLMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgNEErwzf0\n"
      "xy/226dUkFnWgHePx8VqoYjWdQDdcBK6OnICICaHLhpsd4SaAWCYqm+vIhZRLXXp\n"
      "WgTz4Cer827qAGYE\n"
      "-----END CERTIFICATE-----\n";
  const std::string path = "aihunt_tls_options_test_ca.pem";
  const auto withFile = [&](const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
    qradar::TransportOptions options;
    options.ca_file = path;
    auto status = qradar::validateTransportOptions(options);
    std::remove(path.c_str());
    return status;
  };
  CHECK(withFile(pem).ok());
  CHECK(withFile("# the console's CA\n" + pem).ok());  // text around it is allowed, as curl reads
  for (const std::string& wrong :
       {std::string(), std::string("\x30\x82\x01\x88\x30\x82", 6),  // the start of a DER file
        std::string("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        pem.substr(0, pem.size() / 2)}) {
    INFO(wrong);
    const auto status = withFile(wrong);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == core::ErrorCode::kConfig);  // exit 2, not a TLS failure
  }
}

TEST_CASE("a proxy libcurl could not use is a settings error, said with its credentials hidden",
          "[tls][proxy]") {
  qradar::TransportOptions options;
  options.https_proxy_origin = "HTTPS_PROXY";
  for (const char* usable :
       {"http://proxy.corp:3128", "proxy.corp:3128", "https://p:443", "socks5h://p:1080",
        "socks://p:1080", "http://user:pw@p:3128", "http://[::1]:3128"}) {
    INFO(usable);
    options.https_proxy = usable;
    CHECK(qradar::validateTransportOptions(options).ok());
  }
  // A '#' or '?' in a password: libcurl reads a fragment or a query there, and refuses the
  // port; the message must still show nothing before the last '@'.
  for (const char* unusable : {"::::", "http://", "ftp://p:21", "http://user:s3cr3t@:3128",
                               "http://user:s3cr3t#x@p:3128", "http://user:s3cr3t?x@p:3128"}) {
    INFO(unusable);
    options.https_proxy = unusable;
    const auto refused = qradar::validateTransportOptions(options);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == core::ErrorCode::kConfig);  // exit 2, not a connection failure
    CHECK(refused.error().message.find("from HTTPS_PROXY") != std::string::npos);
    CHECK(refused.error().message.find("s3cr3t") == std::string::npos);
    CHECK(refused.error().message.find("user") == std::string::npos);
  }
}

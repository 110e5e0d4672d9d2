#include "qradar_client/tls_options.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/shown_url.h"
#include "core/text.h"

namespace aihunt::qradar {
namespace {

core::Error urlError(std::string_view url, const std::string& why) {
  return core::makeError(core::ErrorCode::kConfig,
                         "QRadar URL '" + core::shownUrl(url) + "': " + why);
}

bool isBase64Char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=';
}

core::Status validatePin(std::string_view pin) {
  constexpr std::string_view kPrefix = "sha256//";
  if (pin.substr(0, kPrefix.size()) != kPrefix) {
    return core::makeError(core::ErrorCode::kConfig,
                           "pin must look like sha256//<base64 of the public key's SHA-256>");
  }
  const std::string_view digest = pin.substr(kPrefix.size());
  if (digest.size() != 44 || digest.back() != '=') {
    return core::makeError(core::ErrorCode::kConfig,
                           "pin digest must be 44 base64 characters (a SHA-256)");
  }
  for (const char c : digest) {
    if (!isBase64Char(c)) {
      return core::makeError(core::ErrorCode::kConfig, "pin digest is not base64");
    }
  }
  return {};
}

}  // namespace

bool isLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  if (host.substr(0, 4) != "127.") return false;
  for (const char c : host) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0 && c != '.') return false;
  }
  return true;
}

bool isLoopbackAddress(std::string_view address) {
  if (address == "::1" || address == "0:0:0:0:0:0:0:1") return true;
  constexpr std::string_view kMapped = "::ffff:";
  if (address.size() > kMapped.size() &&
      core::asciiLowered(address.substr(0, kMapped.size())) == kMapped) {
    address.remove_prefix(kMapped.size());
  }
  // Dotted quad 127.a.b.c, each part 0-255.
  int parts = 0;
  std::string_view rest = address;
  while (true) {
    const auto dot = rest.find('.');
    const std::string_view part = rest.substr(0, dot);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (const char c : part) {
      if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || (parts == 0 && value != 127)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return parts == 4;
}

core::Result<ParsedUrl> parseConsoleUrl(std::string_view url) {
  if (core::trim(url) != url) return urlError(url, "remove the white space before or after it");
  ParsedUrl parsed;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return urlError(url, "expected https://host[:port]");
  for (const char c : url.substr(0, scheme_end)) {
    parsed.scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (parsed.scheme != "https" && parsed.scheme != "http") {
    return urlError(url,
                    "the scheme must be https:// (http:// only to this machine's loopback, "
                    "for a test console)");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find('/');
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.empty()) return urlError(url, "no host");
  if (authority.find('@') != std::string_view::npos) {
    return urlError(url,
                    "credentials do not belong in the URL; give the token in a file "
                    "(--token-file, qradar.token_file) or in AIHUNT_QRADAR_TOKEN");
  }
  if (url.find('?') != std::string_view::npos || url.find('#') != std::string_view::npos) {
    return urlError(url,
                    "no query or fragment allowed (the token goes in a file, --token-file or "
                    "qradar.token_file, or in AIHUNT_QRADAR_TOKEN, never in the URL)");
  }
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return urlError(url, "unclosed IPv6 bracket");
    parsed.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return urlError(url, "bad port");
      parsed.port = std::string(authority.substr(close + 2));
    }
  } else {
    const auto colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) parsed.port = std::string(authority.substr(colon + 1));
  }
  if (parsed.host.empty()) return urlError(url, "no host");
  for (const char c : parsed.port) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return urlError(url, "bad port");
  }
  if (parsed.scheme == "http" && !isLoopbackHost(parsed.host)) {
    return urlError(url,
                    "plain http:// would send the token in clear text; use https:// (http:// is "
                    "accepted only for loopback addresses)");
  }
  parsed.base = std::string(url);
  while (!parsed.base.empty() && parsed.base.back() == '/') parsed.base.pop_back();
  if (path_start != std::string_view::npos) {
    parsed.path = parsed.base.substr(scheme_end + 3 + path_start);
  }
  return parsed;
}

core::Status validateMinTlsVersion(std::string_view version) {
  if (version == "1.2" || version == "1.3") return {};
  return core::makeError(core::ErrorCode::kConfig, "minimum TLS version must be 1.2 or 1.3, not '" +
                                                       std::string(version) + "'");
}

namespace {

bool holdsPemCertificate(const std::string& path) {
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
  X509* certificate = bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  ERR_clear_error();  // a failed read leaves its reasons on this thread's OpenSSL error queue
  const bool found = certificate != nullptr;
  X509_free(certificate);
  return found;
}

}  // namespace

namespace {

// The proxy as libcurl will read it (a URL, or host:port for http://): one it cannot use would
// fail every request as a connection error, exit 3, for what is a mistake in the settings.
core::Status validateProxy(const TransportOptions& options) {
  const std::string origin =
      options.https_proxy_origin.empty() ? "the config" : options.https_proxy_origin;
  const auto refuse = [&](const std::string& why) {
    return core::makeError(core::ErrorCode::kConfig,
                           "the proxy '" + core::shownUrl(options.https_proxy) + "' from " +
                               origin + " " + why + ": fix " + origin +
                               (origin == "qradar.proxy" ? "" : ", or unset it"));
  };
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url) return core::makeError(core::ErrorCode::kInternal, "libcurl failed to make a URL");
  if (curl_url_set(url.get(), CURLUPART_URL, options.https_proxy.c_str(),
                   CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return refuse("is not a URL (like http://proxy.example.com:3128)");
  }
  char* scheme = nullptr;
  char* host = nullptr;
  const bool parts = curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                     curl_url_get(url.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK;
  const std::string scheme_text = scheme != nullptr ? scheme : "";
  const std::string host_text = host != nullptr ? host : "";
  curl_free(scheme);
  curl_free(host);
  if (!parts || host_text.empty()) return refuse("names no host");
  for (const char* known : {"http", "https", "socks", "socks4", "socks4a", "socks5", "socks5h"}) {
    if (core::iequals(scheme_text, known)) return {};
  }
  return refuse(
      "has a scheme libcurl cannot proxy with (http, https, socks, socks4, socks4a, socks5 or "
      "socks5h)");
}

}  // namespace

core::Status validateTransportOptions(const TransportOptions& options) {
  if (!options.https_proxy.empty()) {
    if (auto proxy = validateProxy(options); !proxy) return proxy;
  }
  if (!options.pin_sha256.empty()) {
    std::string_view pins = options.pin_sha256;
    while (!pins.empty()) {
      const auto semicolon = pins.find(';');
      if (auto status = validatePin(pins.substr(0, semicolon)); !status) return status;
      if (semicolon == std::string_view::npos) break;
      pins.remove_prefix(semicolon + 1);
    }
  }
  if (!options.ca_file.empty()) {
    errno = 0;
    std::ifstream file(options.ca_file);
    if (!file) {
      const int error = errno;
      return core::makeError(core::ErrorCode::kConfig,
                             "CA file '" + options.ca_file + "' cannot be read" +
                                 (error != 0 ? std::string(": ") + std::strerror(error) : ""));
    }
    // libcurl reads CA files as PEM. Another format (DER, a key, a copy of the wrong file) would
    // fail every request as a TLS error, exit 3, for what is a mistake in the options (exit 2).
    if (!holdsPemCertificate(options.ca_file)) {
      return core::makeError(
          core::ErrorCode::kConfig,
          "CA file '" + options.ca_file +
              "' holds no PEM certificate (-----BEGIN CERTIFICATE-----); a DER certificate "
              "converts with: openssl x509 -inform der -in FILE -out FILE.pem");
    }
  }
  return {};
}

}  // namespace aihunt::qradar

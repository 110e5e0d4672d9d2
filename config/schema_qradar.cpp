// The `qradar:` section: where the console is, how to authenticate and how hard to push it.
#include "config/schema.h"
#include "config/yaml_reader.h"
#include "core/shown_url.h"
#include "core/text.h"

namespace aihunt::config {
namespace {

using std::chrono::milliseconds;

bool isLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host.starts_with("127.");
}

void checkUrl(const YamlNode& node, std::string& url, Diagnostics& diagnostics) {
  std::string_view rest = url;
  bool plain_http = false;
  if (core::istartsWith(rest, "https://")) {
    rest.remove_prefix(8);
  } else if (core::istartsWith(rest, "http://")) {
    rest.remove_prefix(7);
    plain_http = true;
  } else {
    diagnostics.error(node.path, "'" + core::shownUrl(url) + "' is not an http(s) URL", node.mark);
    return;
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    // Not echoed: whatever is before '@' is probably a credential.
    diagnostics.error(node.path,
                      "credentials do not belong in the URL; use AIHUNT_QRADAR_TOKEN or "
                      "qradar.token_file",
                      node.mark);
    return;
  }
  if (authority.empty() || authority.front() == ':') {
    diagnostics.error(node.path, "'" + core::shownUrl(url) + "' has no host", node.mark);
    return;
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    diagnostics.error(node.path, "the URL must not have a query or fragment", node.mark);
    return;
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\\' || c == 0x7f) {
      diagnostics.error(node.path, "the URL contains spaces or control characters", node.mark);
      return;
    }
  }
  const std::string_view host =
      authority.front() == '[' ? authority.substr(0, authority.find(']') == std::string_view::npos
                                                         ? authority.size()
                                                         : authority.find(']') + 1)
                               : authority.substr(0, authority.find(':'));
  if (plain_http && !isLoopbackHost(host)) {
    diagnostics.warning(node.path, "plain http: the token would cross the network unencrypted",
                        node.mark);
  }
  while (url.size() > 1 && url.back() == '/') url.pop_back();
}

bool isApiVersion(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != dot && !(text[i] >= '0' && text[i] <= '9')) return false;
  }
  return text.size() <= 8;
}

bool isPin(std::string_view text) {
  // libcurl's CURLOPT_PINNEDPUBLICKEY form: "sha256//" and a base64 SHA-256 (44 characters).
  if (!text.starts_with("sha256//")) return false;
  text.remove_prefix(8);
  if (text.size() != 44 || text.back() != '=') return false;
  for (const char c : text.substr(0, 43)) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

void readTls(const YamlNode& node, TlsConfig& tls, Diagnostics& diagnostics) {
  MapReader reader(node, diagnostics);
  reader.stringOrEmpty("ca_file", tls.ca_file);
  if (const YamlNode* pin = reader.get("pin_sha256")) {
    if (auto text = readString(*pin, diagnostics)) {
      if (isPin(*text)) {
        tls.pin_sha256 = *text;
      } else {
        diagnostics.error(pin->path, "expected 'sha256//' followed by a base64 SHA-256 digest",
                          pin->mark);
      }
    }
  }
  reader.boolean("insecure", tls.insecure);
  reader.choice<std::string>("min_version", tls.min_version, {{"1.2", "1.2"}, {"1.3", "1.3"}});
  if (tls.insecure) {
    const YamlNode* at = node.find("insecure");
    if (!tls.pin_sha256.empty()) {
      diagnostics.error(at->path, "insecure cannot be combined with pin_sha256", at->mark);
    } else {
      diagnostics.warning(at->path, "TLS certificate verification is disabled", at->mark);
    }
  }
}

}  // namespace

QRadarConfig readQRadarSection(const YamlNode& node, Diagnostics& diagnostics) {
  QRadarConfig qradar;
  MapReader reader(node, diagnostics);
  // Optional here: --qradar-url or AIHUNT_QRADAR_URL may name the console instead, and a run that
  // ends up with none says so when it connects (service/qradar_connection.cpp).
  if (const YamlNode* url = reader.get("url")) {
    if (auto text = readString(*url, diagnostics)) {
      qradar.url = *text;
      checkUrl(*url, qradar.url, diagnostics);
    }
  }
  if (const YamlNode* version = reader.get("api_version")) {
    if (auto text = readString(*version, diagnostics)) {
      if (isApiVersion(*text) || *text == "auto") {
        qradar.api_version = *text;
      } else {
        diagnostics.error(version->path,
                          "'" + core::printableExcerpt(*text) +
                              "' is not an API version (like \"20.0\"; quote it)",
                          version->mark);
      }
    }
  }
  reader.choice<QRadarAuth>("auth", qradar.auth,
                            {{"sec", QRadarAuth::kSec}, {"basic", QRadarAuth::kBasic}});
  reader.string("username", qradar.username);
  reader.forbid("token",
                "the QRadar token is never read from the config file; set the "
                "AIHUNT_QRADAR_TOKEN environment variable or point qradar.token_file at a file "
                "that holds it");
  reader.forbid("password",
                "passwords are never read from the config file; the basic-auth password is the "
                "token (AIHUNT_QRADAR_TOKEN or qradar.token_file)");
  reader.string("token_file", qradar.token_file);
  reader.boolean("allow_readable_token_file", qradar.allow_readable_token_file);
  if (const YamlNode* proxy = reader.get("proxy")) {
    if (auto text = readString(*proxy, diagnostics)) {
      const std::string_view scheme = std::string_view(*text).substr(0, text->find("://"));
      if (!text->empty() && (text->find("://") == std::string::npos ||
                             (scheme != "http" && scheme != "https" && scheme != "socks5h"))) {
        diagnostics.error(proxy->path,
                          "'" + core::shownUrl(*text) +
                              "' is not a proxy URL (http://, https:// or socks5h://host:port)",
                          proxy->mark);
      } else if (text->find('@') != std::string::npos) {
        diagnostics.error(proxy->path,
                          "credentials do not belong in the proxy URL (config files are copied "
                          "and shown): a proxy that needs them takes them from HTTPS_PROXY in "
                          "aihunt's environment",
                          proxy->mark);
      } else {
        qradar.proxy = *text;
      }
    }
  }
  if (const YamlNode* tls = reader.get("tls")) readTls(*tls, qradar.tls, diagnostics);
  if (const YamlNode* timeouts = reader.get("timeouts")) {
    MapReader t(*timeouts, diagnostics);
    t.duration("connect", qradar.timeouts.connect, milliseconds(100));
    t.duration("request", qradar.timeouts.request, milliseconds(1000));
    t.duration("hunt_deadline", qradar.timeouts.hunt_deadline, milliseconds(60'000));
  }
  reader.integer("max_concurrent_searches", qradar.max_concurrent_searches, 1, 64);
  reader.integer("page_size", qradar.page_size, 1, 100'000);
  reader.integer("page_size_max", qradar.page_size_max, 1, 100'000);
  if (qradar.page_size_max < qradar.page_size && node.find("page_size_max") != nullptr) {
    const YamlNode* at = node.find("page_size_max");
    diagnostics.error(at->path,
                      "must be at least page_size (" + std::to_string(qradar.page_size) + ")",
                      at->mark);
  }
  reader.integer("row_cap", qradar.row_cap, 1, 100'000'000);
  reader.duration("exceptions_refresh", qradar.exceptions_refresh, milliseconds(60'000));
  reader.integer("exceptions_max_values", qradar.exceptions_max_values, 1, 10'000'000);

  if (qradar.auth == QRadarAuth::kBasic && qradar.username.empty() &&
      node.find("username") == nullptr && node.isMap()) {
    diagnostics.error(childPath(node.path, "username"), "basic auth needs a username", node.mark);
  }
  if (qradar.auth == QRadarAuth::kSec && !qradar.username.empty()) {
    const YamlNode* at = node.find("username");
    diagnostics.error(at->path, "username only applies to auth: basic", at->mark);
  }
  return qradar;
}

}  // namespace aihunt::config

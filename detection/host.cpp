#include "detection/host.h"

namespace aihunt::detection {
namespace {

std::string_view stripWrapping(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"' || text.front() == '\'' ||
                           text.front() == '<' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '"' || text.back() == '\'' ||
                           text.back() == '>' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool isSchemeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

// The host inside an authority ("user@host:port", "[v6]:port").
std::optional<std::string_view> hostFromAuthority(std::string_view authority) {
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    return authority.substr(1, close - 1);
  }
  const std::size_t colon = authority.find(':');
  if (colon != std::string_view::npos) {
    // Two colons and no brackets: a bare IPv6 address, which has no port.
    if (authority.find(':', colon + 1) != std::string_view::npos) return authority;
    authority = authority.substr(0, colon);
  }
  while (!authority.empty() && authority.back() == '.') authority.remove_suffix(1);
  if (authority.empty()) return std::nullopt;
  return authority;
}

// Where the authority ends in a URL without its scheme. A browser reads a backslash as '/' in
// http(s) URLs (WHATWG URL): in "https://api.openai.com\@evil.example/" the host is
// api.openai.com.
std::size_t authorityEnd(std::string_view url_after_scheme) {
  // A plain loop: find_first_of calls memchr on the set once per character of the URL.
  for (std::size_t i = 0; i < url_after_scheme.size(); ++i) {
    const char c = url_after_scheme[i];
    if (c == '/' || c == '?' || c == '#' || c == '\\' || c == ' ') return i;
  }
  return url_after_scheme.size();
}

}  // namespace

std::optional<std::string_view> hostFromUrl(std::string_view url) {
  url = stripWrapping(url);
  const std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    bool scheme_ok = scheme_end > 0;
    for (std::size_t i = 0; i < scheme_end && scheme_ok; ++i) scheme_ok = isSchemeChar(url[i]);
    if (scheme_ok) url.remove_prefix(scheme_end + 3);
  } else if (url.starts_with("//")) {
    url.remove_prefix(2);  // scheme-relative
  }
  return hostFromAuthority(url.substr(0, authorityEnd(url)));
}

std::optional<std::string_view> hostFromHostPort(std::string_view text) {
  text = stripWrapping(text);
  if (text.find("://") != std::string_view::npos) return hostFromUrl(text);
  return hostFromAuthority(text);
}

bool isDomainName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  bool has_letter = false;
  for (const char c : host) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || byte >= 0x80) {
      has_letter = true;
    } else if (!((c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  // All digits and dots is an IPv4 literal, not a name.
  return has_letter;
}

}  // namespace aihunt::detection

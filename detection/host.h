#pragma once
// Host names out of the shapes telemetry carries them in: a URL, "host:port", an SNI or DNS
// query name. The result is the bare host: no scheme, userinfo, port, path or trailing dot.
// Case is left alone (callers compare ASCII case-insensitively).
#include <optional>
#include <string_view>

namespace aihunt::detection {

// "https://user:pw@API.OpenAI.com:443/v1/x?q" -> "API.OpenAI.com"; also scheme-less
// "api.openai.com/v1" and "api.openai.com:443". IPv6 literals come back without brackets.
std::optional<std::string_view> hostFromUrl(std::string_view url);

// "api.openai.com:443", "[::1]:443", "api.openai.com." -> the host; a bare name is itself.
std::optional<std::string_view> hostFromHostPort(std::string_view text);

// True when `host` looks like a DNS name we can classify (letters, digits, '-', '_', '.',
// or UTF-8 bytes of an IDN), not an IP literal and not empty.
bool isDomainName(std::string_view host);

}  // namespace aihunt::detection

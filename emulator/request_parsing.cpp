#include "emulator/request_parsing.h"

#include <charconv>

#include "core/text.h"

namespace aihunt::emulator {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

core::Error parseError(std::string message) {
  return core::makeError(core::ErrorCode::kParse, std::move(message));
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text) {
  text = core::trim(text);
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

core::Result<std::string> percentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return parseError("truncated percent escape");
      }
      const int hi = hexValue(text[i + 1]);
      const int lo = hexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return parseError("invalid percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

core::Result<std::map<std::string, std::string>> parseQueryString(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto key = percentDecode(pair.substr(0, eq), true);
    if (!key.ok()) return key.error().withContext("query parameter name");
    std::string value;
    if (eq != std::string_view::npos) {
      auto decoded = percentDecode(pair.substr(eq + 1), true);
      if (!decoded.ok()) return decoded.error().withContext("query parameter " + *key);
      value = std::move(*decoded);
    }
    out[std::move(*key)] = std::move(value);
  }
  return out;
}

core::Result<std::vector<std::string>> splitPath(std::string_view path) {
  std::vector<std::string> segments;
  if (path.empty() || path.front() != '/') return parseError("path must start with '/'");
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view raw = path.substr(start, slash - start);
    if (!raw.empty()) {
      auto decoded = percentDecode(raw, false);
      if (!decoded.ok()) return decoded.error();
      segments.push_back(std::move(*decoded));
    }
    start = slash + 1;
  }
  return segments;
}

core::Result<ItemRange> parseItemsRange(std::string_view header) {
  const std::string_view trimmed = core::trim(header);
  constexpr std::string_view kPrefix = "items=";
  if (!core::istartsWith(trimmed, kPrefix)) return parseError("expected items=x-y");
  const std::string_view spec = trimmed.substr(kPrefix.size());
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return parseError("expected items=x-y");
  const auto first = parseUnsigned(spec.substr(0, dash));
  const auto last = parseUnsigned(spec.substr(dash + 1));
  if (!first || !last || *last < *first) return parseError("expected items=x-y with x <= y");
  return ItemRange{*first, *last};
}

std::optional<std::int64_t> parsePreferWait(std::string_view header) {
  while (!header.empty()) {
    const std::size_t comma = header.find_first_of(",;");
    const std::string_view part = core::trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (!core::istartsWith(part, "wait=")) continue;
    const auto value = parseUnsigned(part.substr(5));
    if (!value) return std::nullopt;
    return static_cast<std::int64_t>(std::min<std::uint64_t>(*value, 3600));
  }
  return std::nullopt;
}

core::Result<std::string> base64Decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  bool padding = false;
  for (const char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    if (c >= '0' && c <= '9') value = c - '0' + 52;
    if (c == '+') value = 62;
    if (c == '/') value = 63;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (value < 0 || padding) return parseError("invalid base64");
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

core::Result<BasicCredentials> parseBasicAuth(std::string_view header) {
  const std::string_view trimmed = core::trim(header);
  if (!core::istartsWith(trimmed, "basic ")) return parseError("not Basic credentials");
  auto decoded = base64Decode(core::trim(trimmed.substr(6)));
  if (!decoded.ok()) return decoded.error();
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return parseError("Basic credentials without ':'");
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

core::Result<double> parseApiVersion(std::string_view text) {
  text = core::trim(text);
  if (text.empty() || text.size() > 16) return parseError("empty or long version");
  int whole = 0;
  int fraction = 0;
  int fraction_digits = 0;
  bool dot = false;
  for (const char c : text) {
    if (c == '.') {
      if (dot) return parseError("version has two dots");
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return parseError("version is not a number");
    if (dot) {
      if (fraction_digits >= 3) return parseError("version has too many decimals");
      fraction = fraction * 10 + (c - '0');
      ++fraction_digits;
    } else {
      if (whole > 10000) return parseError("version too large");
      whole = whole * 10 + (c - '0');
    }
  }
  double value = whole;
  double scale = 1;
  for (int i = 0; i < fraction_digits; ++i) scale *= 10;
  value += fraction / scale;
  return value;
}

std::optional<std::int64_t> parseId(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace aihunt::emulator

#pragma once
// Pure parsers for the untrusted parts of an HTTP request: percent-decoding, query strings and
// form bodies, path segments, `Range: items=a-b`, `Prefer: wait=N`, HTTP Basic credentials and
// the `Version` header. No I/O and no exceptions, so the fuzzer can call them directly.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace aihunt::emulator {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). Malformed escapes are errors.
core::Result<std::string> percentDecode(std::string_view text, bool plus_is_space);

// "a=1&b=two%20words" -> {a: 1, b: "two words"}; later duplicates win.
core::Result<std::map<std::string, std::string>> parseQueryString(std::string_view text);

// "/api/reference_data/sets/my%20set" -> {"api", "reference_data", "sets", "my set"}. An encoded
// '/' stays inside its segment.
core::Result<std::vector<std::string>> splitPath(std::string_view path);

struct ItemRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// "items=0-49" (spaces tolerated around the numbers). Anything else is an error.
core::Result<ItemRange> parseItemsRange(std::string_view header);

// The N of "wait=N" in a Prefer header (other preferences ignored); nullopt when absent.
std::optional<std::int64_t> parsePreferWait(std::string_view header);

struct BasicCredentials {
  std::string user;
  std::string password;
};

// "Basic dXNlcjpwYXNz" -> {user, pass}.
core::Result<BasicCredentials> parseBasicAuth(std::string_view header);

// Standard base64 (padding optional); errors on other characters.
core::Result<std::string> base64Decode(std::string_view text);

// A path's numeric id ("42"): a whole int64 and nothing else, or nullopt.
std::optional<std::int64_t> parseId(std::string_view text);

// "20.0" -> 20.0; "26" -> 26.0. Anything that is not a plain decimal is an error.
core::Result<double> parseApiVersion(std::string_view text);

}  // namespace aihunt::emulator

#pragma once
// A URL as an error message may show it. A user who put a credential in a URL (user:token@host,
// ?SEC=token) is told so by that very error, often before the token is known to the redactor,
// and a URL with a typo in its scheme ("https//user:token@host") is still one: so the rule does
// not depend on the URL parsing.
#include <string>
#include <string_view>

namespace aihunt::core {

// `url` with everything before its last '@' hidden (a leading "scheme://" kept), and after it
// everything from the first '?' or '#' on, made printable and cut as core::printableExcerpt
// does: "https://[hidden]@qradar:8443/x?[hidden]". A '?' or '#' before the last '@' may be part
// of a password, so it does not end what is hidden.
std::string shownUrl(std::string_view url);

}  // namespace aihunt::core

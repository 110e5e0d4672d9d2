#pragma once
// Whether a text is an IPv4 or IPv6 address as inet_pton(3) reads it: for values that a peer
// reads as an address (LEEF src/dst, an IP reference set, a TLS peer named by address), where
// anything else would be misread or refused.
#include <string_view>

namespace aihunt::core {

bool isIpLiteral(std::string_view text);

}  // namespace aihunt::core

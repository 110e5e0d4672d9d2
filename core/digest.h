#pragma once
// SHA-256 for stable identifiers (finding ids). A cryptographic hash, so that nobody can craft
// an event whose id collides with an earlier finding and so hide behind de-duplication.
#include <string>
#include <string_view>

namespace aihunt::core {

// Collects the input and digests it in one call at hex(): one OpenSSL call per id is far
// cheaper than one per field on the findings hot path.
class Sha256 {
 public:
  Sha256& update(std::string_view bytes);
  // Adds a length-prefixed field, so that fields "a","bc" and "ab","c" hash differently.
  Sha256& field(std::string_view bytes);
  // Lower-case hex of the digest, cut to `hex_chars` (at most 64). Starts a new digest.
  std::string hex(std::size_t hex_chars = 64);

 private:
  std::string input_;
};

}  // namespace aihunt::core

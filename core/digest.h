#pragma once
// SHA-256 for stable identifiers (finding ids). A cryptographic hash, so that nobody can craft
// an event whose id collides with an earlier finding and so hide behind de-duplication.
#include <memory>
#include <string>
#include <string_view>

namespace aihunt::core {

// Collects the input in a buffer and digests it with one OpenSSL context that lives as long as
// the object: keep one per pipeline and reuse it. Setting up a context (and fetching the
// algorithm, in OpenSSL 3) costs more than hashing a whole finding, and one update call per
// field costs more than copying the field.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(std::string_view bytes);
  // Adds a length-prefixed field, so that fields "a","bc" and "ab","c" hash differently.
  Sha256& field(std::string_view bytes);
  // Lower-case hex of the digest, cut to `hex_chars` (at most 64). Starts a new digest.
  std::string hex(std::size_t hex_chars = 64);
  // The same into `out`, reusing its storage.
  void hexInto(std::string& out, std::size_t hex_chars = 64);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  std::string input_;  // cleared at each digest; its capacity is kept
};

}  // namespace aihunt::core

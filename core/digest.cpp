#include "core/digest.h"

#include <openssl/sha.h>

#include <array>
#include <cstdint>

namespace aihunt::core {

Sha256& Sha256::update(std::string_view bytes) {
  input_.append(bytes);
  return *this;
}

Sha256& Sha256::field(std::string_view bytes) {
  std::array<char, 8> length{};
  std::uint64_t size = bytes.size();
  for (auto& byte : length) {
    byte = static_cast<char>(size & 0xFF);
    size >>= 8;
  }
  input_.append(length.data(), length.size());
  return update(bytes);
}

std::string Sha256::hex(std::size_t hex_chars) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(input_.data()), input_.size(), digest.data());
  input_.clear();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0F]);
  }
  if (hex_chars < out.size()) out.resize(hex_chars);
  return out;
}

}  // namespace aihunt::core

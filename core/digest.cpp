#include "core/digest.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <new>

namespace aihunt::core {

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr) throw std::bad_alloc();
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

Sha256& Sha256::update(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::field(std::string_view bytes) {
  std::array<std::uint8_t, 8> length{};
  std::uint64_t size = bytes.size();
  for (auto& byte : length) {
    byte = static_cast<std::uint8_t>(size & 0xFF);
    size >>= 8;
  }
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), length.data(), length.size());
  return update(bytes);
}

std::string Sha256::hex(std::size_t hex_chars) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest.data(), &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  if (hex_chars < out.size()) out.resize(hex_chars);
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr);
  return out;
}

}  // namespace aihunt::core

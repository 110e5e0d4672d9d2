#include "core/digest.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <new>

namespace aihunt::core {
namespace {

// Fetched once per process: OpenSSL 3's implicit fetch inside SHA256() takes a lock and a hash
// lookup on every call. EVP_sha256() (the implicit fetch) stays as the fallback.
const EVP_MD* sha256Algorithm() {
  static const EVP_MD* const algorithm = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return algorithm;
}

}  // namespace

struct Sha256::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {}
Sha256::~Sha256() = default;

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
  input_.append(bytes);
  return *this;
}

void Sha256::hexInto(std::string& out, std::size_t hex_chars) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // These fail only when memory runs out; an id from a half-done digest would be silently wrong.
  if (context_->ctx == nullptr ||
      EVP_DigestInit_ex2(context_->ctx, sha256Algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(context_->ctx, input_.data(), input_.size()) != 1 ||
      EVP_DigestFinal_ex(context_->ctx, digest.data(), &length) != 1) {
    throw std::bad_alloc();
  }
  input_.clear();
  static constexpr char kHex[] = "0123456789abcdef";
  out.clear();
  for (unsigned int i = 0; i < length && out.size() < hex_chars; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    if (out.size() < hex_chars) out.push_back(kHex[digest[i] & 0x0F]);
  }
}

std::string Sha256::hex(std::size_t hex_chars) {
  std::string out;
  hexInto(out, hex_chars);
  return out;
}

}  // namespace aihunt::core

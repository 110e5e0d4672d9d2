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
  bool started = false;
  ~Context() { EVP_MD_CTX_free(ctx); }

  void start() {
    if (started) return;
    // Neither fails for a built-in algorithm short of memory exhaustion, so they are reported
    // as such: an id from a half-initialised context would be silently wrong.
    if (ctx == nullptr || EVP_DigestInit_ex2(ctx, sha256Algorithm(), nullptr) != 1) {
      throw std::bad_alloc();
    }
    started = true;
  }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {}
Sha256::~Sha256() = default;

Sha256& Sha256::update(std::string_view bytes) {
  context_->start();
  EVP_DigestUpdate(context_->ctx, bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::field(std::string_view bytes) {
  std::array<unsigned char, 8> length{};
  std::uint64_t size = bytes.size();
  for (auto& byte : length) {
    byte = static_cast<unsigned char>(size & 0xFF);
    size >>= 8;
  }
  context_->start();
  EVP_DigestUpdate(context_->ctx, length.data(), length.size());
  EVP_DigestUpdate(context_->ctx, bytes.data(), bytes.size());
  return *this;
}

void Sha256::hexInto(std::string& out, std::size_t hex_chars) {
  context_->start();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->ctx, digest.data(), &length);
  context_->started = false;
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

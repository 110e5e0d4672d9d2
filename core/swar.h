#pragma once
// Eight bytes at a time without intrinsics ("SIMD within a register"): the byte tests the hot
// paths use to skip over plain text. Each test returns the high bit of every byte that passes;
// a flag is exact for the lowest passing byte, while bytes above it may be flagged wrongly. So
// "is there one?" and "where is the first?" are answered exactly, which is all the callers ask.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace aihunt::core::swar {

static_assert(std::endian::native == std::endian::little,
              "firstFlagged reads the first byte of the text from the low end of a word");

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

inline std::uint64_t load(const char* bytes) {
  std::uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

constexpr std::uint64_t zeroBytes(std::uint64_t word) { return (word - kOnes) & ~word & kHighBits; }

constexpr std::uint64_t bytesEqual(std::uint64_t word, char c) {
  return zeroBytes(word ^ (static_cast<unsigned char>(c) * kOnes));
}

// Bytes below `limit` (at most 0x80).
constexpr std::uint64_t bytesBelow(std::uint64_t word, unsigned char limit) {
  return (word - limit * kOnes) & ~word & kHighBits;
}

// Whether n bytes at a and b are equal: for the short keys of a row, where a call to memcmp
// costs more than the comparison.
inline bool equalBytes(const char* a, const char* b, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (load(a + i) != load(b + i)) return false;
  }
  for (; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Offset of the first flagged byte; `flags` must not be zero.
constexpr std::size_t firstFlagged(std::uint64_t flags) {
  return static_cast<std::size_t>(std::countr_zero(flags)) / 8;
}

}  // namespace aihunt::core::swar

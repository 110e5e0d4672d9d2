#pragma once
// Finds many short keywords in one pass over a text, ASCII case-insensitively. The detection
// looks for dozens of key variables, SDK names, secret labels and user-agent fragments in every
// command line and header; one pass with an index by first byte replaces a scan per keyword,
// which is what keeps command-line-heavy telemetry (Sysmon 1, 4688) fast.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace aihunt::core {

class AsciiPatternSet {
 public:
  AsciiPatternSet() = default;
  // Patterns are kept lower-cased, in the given order; an empty pattern never matches.
  explicit AsciiPatternSet(const std::vector<std::string>& patterns);

  [[nodiscard]] std::size_t size() const { return patterns_.size(); }
  [[nodiscard]] const std::string& pattern(std::size_t index) const { return patterns_[index]; }

  // Calls visit(index, position) for each occurrence starting at or after `from`, in position
  // order and, at one position, in pattern order. Stops as soon as visit returns false.
  template <typename Visit>
  void forEachMatch(std::string_view text, Visit&& visit, std::size_t from = 0) const {
    const std::size_t size = text.size();
    for (std::size_t at = nextCandidate(text, from); at < size; at = nextCandidate(text, at + 1)) {
      const auto first = static_cast<unsigned char>(asciiLower(text[at]));
      const std::uint32_t end = bucket_start_[first + 1U];
      for (std::uint32_t slot = bucket_start_[first]; slot < end; ++slot) {
        const std::uint32_t index = by_first_byte_[slot];
        if (matchesAt(text, at, patterns_[index]) && !visit(std::size_t{index}, at)) return;
      }
    }
  }

  // Whether any pattern occurs anywhere in `text`.
  [[nodiscard]] bool containsAny(std::string_view text) const;

 private:
  // The first position at or after `at` whose bytes pass startsSomePattern, or text.size(). Most
  // positions of a command line pass no filter, so this is where a scan spends its time: with
  // SSSE3, sixteen positions a step go through a nibble-table filter first (nibble_tables_).
  [[nodiscard]] std::size_t nextCandidate(std::string_view text, std::size_t at) const;
  [[nodiscard]] std::size_t nextCandidateBytewise(std::string_view text, std::size_t at) const;
  [[nodiscard]] std::size_t nextCandidateSsse3(std::string_view text, std::size_t at) const;

  // Whether some pattern starts with these two bytes, in any case; a one-byte pattern starts
  // every pair that begins with its byte. In command lines most letters start some keyword, but
  // few letter pairs do: this is what keeps the scan close to one look per byte.
  [[nodiscard]] bool startsSomePattern(unsigned char first, unsigned char second) const {
    const std::size_t pair = std::size_t{first} << 8U | second;
    return (pair_bits_[pair / 64] >> (pair % 64) & 1U) != 0;
  }
  // The last byte of a text: whether a one-byte pattern is this byte, in any case.
  [[nodiscard]] bool startsSomePattern(unsigned char last) const {
    return (single_bits_[last / 64] >> (last % 64) & 1U) != 0;
  }

  static bool matchesAt(std::string_view text, std::size_t at, const std::string& lower) {
    if (lower.size() > text.size() - at) return false;
    for (std::size_t i = 1; i < lower.size(); ++i) {
      if (asciiLower(text[at + i]) != lower[i]) return false;
    }
    return true;
  }

  std::vector<std::string> patterns_;
  // Pattern indices grouped by first byte; bucket b is by_first_byte_[start[b], start[b+1]).
  std::array<std::uint32_t, 257> bucket_start_{};
  std::vector<std::uint32_t> by_first_byte_;
  std::array<std::uint64_t, 65536 / 64> pair_bits_{};  // see startsSomePattern
  std::array<std::uint64_t, 256 / 64> single_bits_{};  // one-byte patterns, both cases
  // A filter that sixteen positions can be tested against at once (pshufb), looser than
  // pair_bits_ in one way and tighter in another: the patterns fall in eight groups by their
  // first byte; per group, which low and high nibbles the first, second and third bytes of its
  // patterns have (any byte past a pattern's end). A position passes when, for some group, all
  // six nibbles are among the group's; it then still needs the exact pair. Tables: 16 bytes of
  // low nibbles and 16 of high ones for each of the three bytes (bit g: group g).
  alignas(16) std::array<std::uint8_t, 96> nibble_tables_{};
};

}  // namespace aihunt::core

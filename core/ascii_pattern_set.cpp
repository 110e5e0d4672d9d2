#include "core/ascii_pattern_set.h"

namespace aihunt::core {

AsciiPatternSet::AsciiPatternSet(const std::vector<std::string>& patterns) {
  patterns_.reserve(patterns.size());
  for (const auto& pattern : patterns) patterns_.push_back(asciiLowered(pattern));
  // Counting sort by first byte keeps pattern order within each bucket.
  std::array<std::uint32_t, 257> counts{};
  for (const auto& pattern : patterns_) {
    if (!pattern.empty()) ++counts[static_cast<unsigned char>(pattern.front()) + 1U];
  }
  for (std::size_t b = 1; b < counts.size(); ++b) counts[b] += counts[b - 1];
  bucket_start_ = counts;
  by_first_byte_.resize(counts.back());
  for (std::uint32_t index = 0; index < patterns_.size(); ++index) {
    const std::string& pattern = patterns_[index];
    if (pattern.empty()) continue;
    const auto first = static_cast<unsigned char>(pattern.front());
    by_first_byte_[counts[first]++] = index;
    // Marked on raw bytes in every case combination, so the scan need not lower-case.
    const auto cases = [](unsigned char lower) {
      const auto upper =
          static_cast<unsigned char>(lower >= 'a' && lower <= 'z' ? lower - 32 : lower);
      return std::array<unsigned char, 2>{lower, upper};
    };
    const auto markPair = [&](unsigned char a, unsigned char b) {
      const std::size_t pair = std::size_t{a} << 8U | b;
      pair_bits_[pair / 64] |= std::uint64_t{1} << (pair % 64);
    };
    for (const unsigned char a : cases(first)) {
      if (pattern.size() == 1) {
        single_bits_[a / 64] |= std::uint64_t{1} << (a % 64);
        for (unsigned second = 0; second < 256; ++second) {
          markPair(a, static_cast<unsigned char>(second));
        }
      } else {
        for (const unsigned char b : cases(static_cast<unsigned char>(pattern[1]))) markPair(a, b);
      }
    }
  }
}

bool AsciiPatternSet::containsAny(std::string_view text) const {
  bool found = false;
  forEachMatch(text, [&](std::size_t, std::size_t) {
    found = true;
    return false;
  });
  return found;
}

}  // namespace aihunt::core

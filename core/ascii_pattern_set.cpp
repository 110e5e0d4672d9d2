#include "core/ascii_pattern_set.h"

#include <bit>

#if defined(__x86_64__) && defined(__GNUC__)
#define AIHUNT_PATTERN_SSSE3 1
#include <tmmintrin.h>
#endif

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
    const auto group = static_cast<std::uint8_t>(1U << (first & 7U));
    for (const unsigned char a : cases(first)) {
      nibble_tables_[a & 0xFU] |= group;
      nibble_tables_[16 + (a >> 4U)] |= group;
    }
    // The second and third bytes; any byte where the pattern is shorter.
    for (std::size_t at = 1; at < 3; ++at) {
      const std::size_t table = 32 * at;
      if (pattern.size() <= at) {
        for (std::size_t nibble = table; nibble < table + 32; ++nibble) {
          nibble_tables_[nibble] |= group;
        }
        continue;
      }
      for (const unsigned char b : cases(static_cast<unsigned char>(pattern[at]))) {
        nibble_tables_[table + (b & 0xFU)] |= group;
        nibble_tables_[table + 16 + (b >> 4U)] |= group;
      }
    }
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

std::size_t AsciiPatternSet::nextCandidateBytewise(std::string_view text, std::size_t at) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  // One table look per byte on the raw bytes (both cases are marked): no lower-casing.
  for (; at + 1 < size; ++at) {
    if (startsSomePattern(bytes[at], bytes[at + 1])) return at;
  }
  if (at + 1 == size && startsSomePattern(bytes[at])) return at;
  return size;
}

#if defined(AIHUNT_PATTERN_SSSE3)

namespace {

// For sixteen bytes, the groups whose tables (16 bytes for low nibbles at `low`, 16 for high
// nibbles at `high`) hold both of a byte's nibbles: pshufb looks each nibble up.
__attribute__((target("ssse3"))) __m128i groupsOf(__m128i block, const std::uint8_t* low,
                                                  const std::uint8_t* high) {
  const __m128i low_nibble = _mm_set1_epi8(0x0F);
  const __m128i lows = _mm_shuffle_epi8(_mm_load_si128(reinterpret_cast<const __m128i*>(low)),
                                        _mm_and_si128(block, low_nibble));
  const __m128i highs = _mm_shuffle_epi8(_mm_load_si128(reinterpret_cast<const __m128i*>(high)),
                                         _mm_and_si128(_mm_srli_epi16(block, 4), low_nibble));
  return _mm_and_si128(lows, highs);
}

}  // namespace

__attribute__((target("ssse3"))) std::size_t AsciiPatternSet::nextCandidateSsse3(
    std::string_view text, std::size_t at) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::uint8_t* tables = nibble_tables_.data();
  // Sixteen positions a step, each with the two bytes after it (so 18 bytes must be there).
  for (; at + 18 <= text.size(); at += 16) {
    const __m128i firsts = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + at));
    const __m128i seconds = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + at + 1));
    const __m128i thirds = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + at + 2));
    const __m128i both = _mm_and_si128(_mm_and_si128(groupsOf(firsts, tables, tables + 16),
                                                     groupsOf(seconds, tables + 32, tables + 48)),
                                       groupsOf(thirds, tables + 64, tables + 80));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(both, _mm_setzero_si128())));
    mask = ~mask & 0xFFFFU;  // positions some group lets through
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t position = at + static_cast<std::size_t>(std::countr_zero(mask));
      if (startsSomePattern(bytes[position], bytes[position + 1])) return position;
    }
  }
  return nextCandidateBytewise(text, at);
}

#endif

std::size_t AsciiPatternSet::nextCandidate(std::string_view text, std::size_t at) const {
  if (at >= text.size()) return text.size();  // also keeps `at + 18` from overflowing
#if defined(AIHUNT_PATTERN_SSSE3)
  // SSSE3 came with CPUs of 2006; the baseline x86-64 that Debian builds for lacks it.
  static const bool kHasSsse3 = __builtin_cpu_supports("ssse3") != 0;
  if (kHasSsse3) return nextCandidateSsse3(text, at);
#endif
  return nextCandidateBytewise(text, at);
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

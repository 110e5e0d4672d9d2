#include "results/flat_row.h"

#include <bit>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/char_class.h"
#include "core/swar.h"
#include "core/text.h"
#include "results/json_text.h"

namespace aihunt::results {
namespace {

// The high bit of each byte that is a '"', a '\\' or a control character, where a string scan
// must stop (see core/swar.h for what the flags promise).
std::uint64_t stringStops(std::uint64_t word) {
  return core::swar::bytesBelow(word, 0x20) | core::swar::bytesEqual(word, '"') |
         core::swar::bytesEqual(word, '\\');
}

bool isAscii(std::string_view text) {
  std::size_t at = 0;
  std::uint64_t high = 0;
  for (; at + 8 <= text.size(); at += 8) high |= core::swar::load(text.data() + at);
  for (; at < text.size(); ++at) high |= static_cast<unsigned char>(text[at]);
  return (high & core::swar::kHighBits) == 0;
}

}  // namespace

bool FlatRowScanner::start(std::string_view row) {
  row_ = row;
  at_ = 0;
  closed_ = false;
  scratch_.clear();
  // Every unescaped string is shorter than its escaped form, so this never reallocates during
  // the row and views into it stay valid.
  scratch_.reserve(row.size());
  if (!isAscii(row) && !core::isValidUtf8(row)) return false;
  skipSpace();
  if (at_ >= row_.size() || row_[at_] != '{') return false;
  ++at_;
  skipSpace();
  if (at_ < row_.size() && row_[at_] == '}') {
    ++at_;
    skipSpace();
    closed_ = true;
    return at_ == row_.size();
  }
  return at_ < row_.size() && row_[at_] == '"';
}

void FlatRowScanner::skipSpace() {
  while (at_ < row_.size() &&
         (row_[at_] == ' ' || row_[at_] == '\t' || row_[at_] == '\n' || row_[at_] == '\r')) {
    ++at_;
  }
}

FlatRowScanner::Step FlatRowScanner::next(std::string_view expected_key, FlatMember& member) {
  if (closed_) return Step::kEnd;
  // row_[at_] is the key's opening quote. The expected key is plain (see scan()), so it is
  // there exactly when the row holds its bytes followed by the closing quote.
  const std::size_t key_end = at_ + 1 + expected_key.size();
  if (!expected_key.empty() && key_end < row_.size() && row_[key_end] == '"' &&
      core::swar::equalBytes(row_.data() + at_ + 1, expected_key.data(), expected_key.size())) {
    member.key = row_.substr(at_ + 1, expected_key.size());
    member.key_was_expected = true;
    at_ = key_end + 1;
  } else {
    member.key_was_expected = false;
    if (!readString(member.key, /*allow_escapes=*/false)) return Step::kDecline;
  }
  skipSpace();
  if (at_ >= row_.size() || row_[at_] != ':') return Step::kDecline;
  ++at_;
  skipSpace();
  if (at_ >= row_.size()) return Step::kDecline;
  const char first = row_[at_];
  bool read = false;
  if (first == '"') {
    member.kind = ScalarKind::kString;
    read = readString(member.value, /*allow_escapes=*/true);
  } else if (first == '-' || core::isAsciiDigit(first)) {
    member.kind = ScalarKind::kNumber;
    read = readNumber(member.value);
  } else if (first == 't' || first == 'f') {
    member.kind = ScalarKind::kBoolean;
    read = readLiteral(first == 't' ? "true" : "false", member.value);
  } else if (first == 'n') {
    member.kind = ScalarKind::kNull;
    read = readLiteral("null", member.value);
    member.value = {};
  }
  if (!read) return Step::kDecline;
  skipSpace();
  if (at_ >= row_.size()) return Step::kDecline;
  if (row_[at_] == ',') {
    ++at_;
    skipSpace();
    return at_ < row_.size() && row_[at_] == '"' ? Step::kMember : Step::kDecline;
  }
  if (row_[at_] != '}') return Step::kDecline;
  ++at_;
  skipSpace();
  closed_ = true;
  return at_ == row_.size() ? Step::kMember : Step::kDecline;
}

std::size_t FlatRowScanner::nextStringStop(std::size_t from) const {
  std::size_t i = from;
#if defined(__SSE2__)
  // Sixteen bytes at a time where the baseline x86-64 instruction set allows (strings are most
  // of a row's bytes). SSE2 compares bytes as signed, so "below 0x20" is min(byte, 0x1f) == byte.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i last_control = _mm_set1_epi8(0x1f);
  while (i + 16 <= row_.size()) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row_.data() + i));
    const __m128i stops =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                     _mm_cmpeq_epi8(_mm_min_epu8(bytes, last_control), bytes));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stops));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
    i += 16;
  }
#endif
  while (i + 8 <= row_.size()) {
    const std::uint64_t stops = stringStops(core::swar::load(row_.data() + i));
    if (stops != 0) return i + core::swar::firstFlagged(stops);
    i += 8;
  }
  while (i < row_.size() && row_[i] != '"' && row_[i] != '\\' &&
         static_cast<unsigned char>(row_[i]) >= 0x20) {
    ++i;
  }
  return i;
}

bool FlatRowScanner::readString(std::string_view& out, bool allow_escapes) {
  const std::size_t begin = at_ + 1;  // row_[at_] is the opening quote
  std::size_t stop = nextStringStop(begin);
  if (stop < row_.size() && row_[stop] == '"') {
    out = row_.substr(begin, stop - begin);
    at_ = stop + 1;
    return true;
  }
  if (!allow_escapes) return false;
  // Escapes: the value is rebuilt in the scratch buffer, a clean run at a time.
  const std::size_t scratch_begin = scratch_.size();
  std::size_t run = begin;
  while (stop < row_.size() && row_[stop] == '\\' && stop + 1 < row_.size()) {
    const char plain = jsonSimpleEscape(row_[stop + 1]);  // \u and invalid: declined
    if (plain == 0) return false;
    scratch_.append(row_.substr(run, stop - run));
    scratch_.push_back(plain);
    run = stop + 2;
    stop = nextStringStop(run);
  }
  if (stop >= row_.size() || row_[stop] != '"') return false;  // control character or the end
  scratch_.append(row_.substr(run, stop - run));
  out = std::string_view(scratch_).substr(scratch_begin);
  at_ = stop + 1;
  return true;
}

bool FlatRowScanner::readNumber(std::string_view& out) {
  const std::size_t length = jsonNumberLength(row_.substr(at_));
  if (length == 0) return false;
  out = row_.substr(at_, length);
  at_ += length;
  return true;
}

bool FlatRowScanner::readLiteral(std::string_view literal, std::string_view& out) {
  if (row_.substr(at_, literal.size()) != literal) return false;
  out = row_.substr(at_, literal.size());
  at_ += literal.size();
  return true;
}

}  // namespace aihunt::results

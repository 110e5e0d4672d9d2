#include "core/json_text.h"

#include <bit>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/display_text.h"
#include "core/swar.h"
#include "core/text.h"

namespace aihunt::core {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// The first byte at or after `from` that a JSON string cannot carry as it is (a control
// character, '"', '\\', DEL) or that must be checked for valid UTF-8 (not ASCII); text.size()
// when there is none. Sixteen bytes a step where SSE2 is there (every x86-64 CPU), eight
// otherwise, because most values need no escaping at all.
std::size_t nextAttention(std::string_view text, std::size_t from) {
  std::size_t i = from;
  const char* data = text.data();
  const std::size_t size = text.size();
#if defined(__SSE2__)
  // Signed compares: "below 0x20" as signed also takes every byte from 0x80 up, which is wanted.
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i del = _mm_set1_epi8(0x7F);
  for (; i + 16 <= size; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i flagged =
        _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(bytes, space), _mm_cmpeq_epi8(bytes, quote)),
                     _mm_or_si128(_mm_cmpeq_epi8(bytes, backslash), _mm_cmpeq_epi8(bytes, del)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(flagged));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
  }
#endif
  for (; i + 8 <= size; i += 8) {
    const std::uint64_t word = swar::load(data + i);
    const std::uint64_t flags = swar::bytesBelow(word, 0x20) | swar::bytesEqual(word, '"') |
                                swar::bytesEqual(word, '\\') | swar::bytesEqual(word, 0x7F) |
                                (word & swar::kHighBits);
    if (flags != 0) return i + swar::firstFlagged(flags);
  }
  for (; i < size; ++i) {
    const auto byte = static_cast<unsigned char>(data[i]);
    if (byte < 0x20 || byte == '"' || byte == '\\' || byte >= 0x7F) return i;
  }
  return size;
}

// How many bytes one U+FFFD stands for when the UTF-8 sequence at `at` is invalid: the lead byte
// and the continuation bytes that could still have completed it (Unicode's "maximal subpart",
// which is also what nlohmann::json's replacing serialiser does).
std::size_t invalidSequenceLength(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong below
    if (lead == 0xED) high = 0x9F;  // surrogates above
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong below
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF above
  } else {
    return 1;
  }
  std::size_t valid = 1;
  for (; valid < length && at + valid < text.size(); ++valid) {
    const auto next = static_cast<unsigned char>(text[at + valid]);
    if (next < (valid == 1 ? low : 0x80) || next > (valid == 1 ? high : 0xBF)) break;
  }
  return valid;
}

bool byteNeedsEscape(unsigned char byte) {
  return byte < 0x20 || byte == '"' || byte == '\\' || byte == 0x7F;
}

void appendUnicodeEscape(std::string& out, std::uint32_t unit) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(unit >> shift) & 0xF]);
}

void appendEscapedByte(std::string& out, unsigned char byte) {
  switch (byte) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      appendUnicodeEscape(out, byte);
  }
}

// A code point above U+FFFF is written as a UTF-16 surrogate pair, as JSON requires.
void appendCodePointEscape(std::string& out, char32_t code) {
  if (code <= 0xFFFF) {
    appendUnicodeEscape(out, code);
    return;
  }
  const std::uint32_t offset = code - 0x10000;
  appendUnicodeEscape(out, 0xD800 + (offset >> 10));
  appendUnicodeEscape(out, 0xDC00 + (offset & 0x3FF));
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t run_start = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while ((i = nextAttention(text, i)) < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {  // a byte to escape
      out.append(text.substr(run_start, i - run_start));
      appendEscapedByte(out, byte);
      run_start = ++i;
      continue;
    }
    if (const Utf8Char decoded = decodeUtf8At(text, i); decoded.length != 0) {
      if (isHiddenOrControl(decoded.code)) {
        // A C1 control or a bidi override would reach whoever `cat`s the file as it is.
        out.append(text.substr(run_start, i - run_start));
        appendCodePointEscape(out, decoded.code);
        run_start = i + decoded.length;
      }
      i += decoded.length;  // other valid UTF-8 passes through as it is
      continue;
    }
    out.append(text.substr(run_start, i - run_start));
    out.append("\xEF\xBF\xBD");  // U+FFFD: JSON text is UTF-8, these bytes were not
    i += invalidSequenceLength(text, i);
    run_start = i;
  }
  out.append(text.substr(run_start));
  out.push_back('"');
}

void appendJsonStringEscapingHidden(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (byteNeedsEscape(byte)) {
        appendEscapedByte(out, byte);
      } else {
        out.push_back(text[i]);
      }
      ++i;
      continue;
    }
    const Utf8Char decoded = decodeUtf8At(text, i);
    if (decoded.length == 0) {
      appendUnicodeEscape(out, 0xFFFD);
      ++i;
      continue;
    }
    if (isHiddenOrControl(decoded.code)) {
      appendCodePointEscape(out, decoded.code);
    } else {
      out.append(text.substr(i, decoded.length));
    }
    i += decoded.length;
  }
  out.push_back('"');
}

void appendJsonStringOrNull(std::string& out, std::string_view prefix, std::string_view value) {
  out.append(prefix);
  if (value.empty()) {
    out.append("null");
  } else {
    appendJsonString(out, value);
  }
}

}  // namespace aihunt::core

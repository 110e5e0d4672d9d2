#include "core/display_text.h"

#include <cstdint>

#include "core/display_width.h"
#include "core/text.h"

namespace aihunt::core {
namespace {

constexpr char kReplacement = '?';
constexpr std::size_t kMaxCombiningMarks = 4;

// What an ASCII byte is shown as: itself, or for a control character, a space when it only
// separates words (tab, CR, LF: a multi-line server message still reads as words, on one line)
// and '?' otherwise, so that a removed escape sequence stays visible as damage.
char asciiShown(char c, DisplayOptions options) {
  if (c >= 0x20 && c < 0x7F) return c;
  if (c == '\t') return options.keep_tab ? c : ' ';
  if (c == '\n') return options.keep_newline ? c : ' ';
  if (c == '\r') return ' ';
  return kReplacement;
}

}  // namespace

bool isHiddenOrControl(char32_t c) {
  if (c < 0x20 || c == 0x7F) return true;
  if (c >= 0x80 && c <= 0x9F) return true;  // C1 controls
  switch (c) {
    case 0x00AD:  // soft hyphen
    case 0x034F:  // combining grapheme joiner
    case 0x061C:  // Arabic letter mark
    case 0x115F:  // Hangul fillers render as nothing
    case 0x1160:
    case 0x17B4:  // Khmer inherent vowels
    case 0x17B5:
    case 0x180E:  // Mongolian vowel separator
    case 0x2028:  // line separator
    case 0x2029:  // paragraph separator
    case 0x3164:  // Hangul filler
    case 0xFEFF:  // byte order mark / zero-width no-break space
    case 0xFFA0:  // half-width Hangul filler
      return true;
    default:
      break;
  }
  if (c >= 0x180B && c <= 0x180F) return true;    // Mongolian variation selectors
  if (c >= 0x200B && c <= 0x200F) return true;    // zero-width space, joiners, LRM, RLM
  if (c >= 0x202A && c <= 0x202E) return true;    // bidi embeddings and overrides
  if (c >= 0x2060 && c <= 0x206F) return true;    // word joiner, invisible operators, isolates
  if (c >= 0xFE00 && c <= 0xFE0F) return true;    // variation selectors
  if (c >= 0xFFF9 && c <= 0xFFFB) return true;    // interlinear annotation
  if (c >= 0x1D173 && c <= 0x1D17A) return true;  // musical format characters
  if (c >= 0xE0000 && c <= 0xE0FFF) return true;  // tags and variation selectors supplement
  // The other format characters (Unicode category Cf): number signs and marks that attach to
  // what follows, and format controls that lay out other characters.
  if (c >= 0x0600 && c <= 0x0605) return true;                 // Arabic number signs
  if (c == 0x06DD || c == 0x070F || c == 0x08E2) return true;  // Arabic and Syriac marks
  if (c >= 0x0890 && c <= 0x0891) return true;                 // Arabic currency marks above
  if (c == 0x110BD || c == 0x110CD) return true;               // Kaithi number signs
  if (c >= 0x13430 && c <= 0x1343F) return true;  // Egyptian hieroglyph format controls
  if (c >= 0x1BCA0 && c <= 0x1BCA3) return true;  // shorthand format controls
  return false;
}

void appendDisplayText(std::string& out, std::string_view text, DisplayOptions options) {
  std::size_t i = 0;
  std::size_t marks = 0;  // combining marks in a row just written
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out.push_back(asciiShown(text[i], options));
      ++i;
      marks = 0;
      continue;
    }
    const Utf8Char decoded = decodeUtf8At(text, i);
    if (decoded.length == 0) {
      // One '?' per byte that is not UTF-8: a damaged sequence stays visible as damage.
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    if (isHiddenOrControl(decoded.code)) {
      out.push_back(kReplacement);
      marks = 0;
    } else if (decoded.code >= 0x300 && codePointColumns(decoded.code) == 0) {
      // Combining marks stack on one character: a few are writing (Vietnamese takes two), a
      // long run is a value that overwrites the lines above and below it. Past the cap, the run
      // is one '?'.
      ++marks;
      if (marks <= kMaxCombiningMarks) {
        out.append(text.substr(i, decoded.length));
      } else if (marks == kMaxCombiningMarks + 1) {
        out.push_back(kReplacement);
      }
    } else {
      out.append(text.substr(i, decoded.length));
      marks = 0;
    }
    i += decoded.length;
  }
}

std::string displayText(std::string_view text, DisplayOptions options) {
  std::string out;
  out.reserve(text.size());
  appendDisplayText(out, text, options);
  return out;
}

bool csvLooksLikeFormula(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const Utf8Char decoded = decodeUtf8At(text, i);
    if (decoded.length == 0) return false;
    switch (decoded.code) {
      case '=':
      case '+':
      case '-':
      case '@':
      case '\t':
      case '\r':
      case 0xFF1D:  // full-width '='
      case 0xFF0B:  // full-width '+'
      case 0xFF0D:  // full-width '-'
      case 0xFF20:  // full-width '@'
        return true;
      case ' ':
      case '\n':    // shown as a space by displayText, so blank in the cell a spreadsheet
      case '\v':    // reads; vertical tab and form feed count as blank too (a spreadsheet
      case '\f':    // may trim them), which costs at most an apostrophe
      case 0x00A0:  // no-break space
      case 0x3000:  // ideographic space
        i += decoded.length;
        continue;
      default:
        // The other Unicode spaces (Zs: en and em spaces, thin, narrow no-break, ...) and the
        // line and paragraph separators: blank to a reader as the ones above (a trial's em
        // space before '=' went without the apostrophe that a no-break space got).
        if (decoded.code == 0x1680 || (decoded.code >= 0x2000 && decoded.code <= 0x200A) ||
            decoded.code == 0x2028 || decoded.code == 0x2029 || decoded.code == 0x202F ||
            decoded.code == 0x205F) {
          i += decoded.length;
          continue;
        }
        return false;
    }
  }
  return false;
}

std::string csvCellText(std::string_view text) {
  // The formula test runs on the raw text too: a tab or CR at the start is a trigger even though
  // displayText turns the CR into '?'.
  const bool formula = csvLooksLikeFormula(text);
  std::string out;
  out.reserve(text.size() + 1);
  if (formula) out.push_back('\'');
  // Tabs become spaces: a cell pasted into a spreadsheet as tab-separated text would otherwise
  // split at the tab, and what follows it ("=HYPERLINK(...)") would start a cell of its own,
  // where the leading-character test above never looked.
  appendDisplayText(out, text, DisplayOptions{.keep_tab = false});
  return out;
}

}  // namespace aihunt::core

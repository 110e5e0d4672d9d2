#include "config/yaml_text.h"

namespace aihunt::config {
namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The length of the UTF-8 sequence at `at` if it is one libyaml reads as an ordinary character,
// else 0 (the byte is to be replaced).
std::size_t acceptedSequence(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) {
    return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0U;
  };
  const unsigned lead = byte(0);
  if (lead < 0x80U) {
    // Tab, line feed and carriage return; the rest of C0 and DEL are control characters.
    return (lead >= 0x20U && lead != 0x7FU) || lead == '\t' || lead == '\n' || lead == '\r' ? 1 : 0;
  }
  std::size_t length = 0;
  unsigned code = 0;
  if (lead >= 0xC2U && lead <= 0xDFU) {
    length = 2;
    code = lead & 0x1FU;
  } else if (lead >= 0xE0U && lead <= 0xEFU) {
    length = 3;
    code = lead & 0x0FU;
  } else if (lead >= 0xF0U && lead <= 0xF4U) {
    length = 4;
    code = lead & 0x07U;
  } else {
    return 0;  // a continuation byte, an overlong lead (C0, C1) or past U+10FFFF (F5..FF)
  }
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned next = byte(i);
    if ((next & 0xC0U) != 0x80U) return 0;
    code = (code << 6U) | (next & 0x3FU);
  }
  const bool overlong = (length == 3 && code < 0x800U) || (length == 4 && code < 0x10000U);
  const bool surrogate = code >= 0xD800U && code <= 0xDFFFU;
  const bool c1 = code >= 0x80U && code <= 0x9FU;             // NEL (U+0085) among them
  const bool separator = code == 0x2028U || code == 0x2029U;  // line, paragraph
  const bool noncharacter = code == 0xFFFEU || code == 0xFFFFU;
  if (overlong || surrogate || c1 || separator || noncharacter || code > 0x10FFFFU) return 0;
  return length;
}

}  // namespace

PreparedYaml prepareYamlText(std::string_view text, std::size_t max_directives) {
  PreparedYaml prepared;
  const bool wide = startsWith(text, "\xFF\xFE") || startsWith(text, "\xFE\xFF") ||
                    startsWith(text, std::string_view("\x00\x00\xFE\xFF", 4));
  if (wide) {
    prepared.text = std::string(text);
    return prepared;
  }
  prepared.text.reserve(text.size());
  std::size_t line = 1;
  bool line_start = true;
  for (std::size_t at = 0; at < text.size();) {
    if (line_start && text[at] == '%' && ++prepared.directives > max_directives &&
        prepared.first_excess == 0) {
      prepared.first_excess = line;
    }
    const std::size_t length = acceptedSequence(text, at);
    if (length == 0) {
      prepared.text += kReplacementCharacter;
      ++prepared.replaced;
      ++at;
      line_start = false;
      continue;
    }
    const char c = text[at];
    prepared.text.append(text.substr(at, length));
    at += length;
    // Lines as libyaml counts them: "\r\n", "\r" and "\n" each end one.
    const bool ends_line = c == '\n' || (c == '\r' && (at >= text.size() || text[at] != '\n'));
    if (ends_line) ++line;
    line_start = ends_line;
  }
  return prepared;
}

}  // namespace aihunt::config

#include "aql/lexer.h"

#include <cstdio>
#include <optional>

#include "aql/limits.h"
#include "core/char_class.h"
#include "core/text.h"

namespace aihunt::aql {
namespace {

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentPart(char c) { return isIdentStart(c) || core::isAsciiDigit(c); }
// Tabs are tolerated inside literals (regex patterns use them); other control characters are
// never meaningful in AQL and would let a value smuggle a line break into logs and displays.
bool isForbiddenControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

class Lexer {
 public:
  Lexer(std::string_view text, SyntaxError* detail) : text_(text), detail_(detail) {}

  core::Result<std::vector<Token>> run() {
    std::vector<Token> tokens;
    while (true) {
      if (auto skipped = skipSpaceAndComments(); !skipped.ok()) return skipped.error();
      // IBM: comments "can occur only in the body of the query and not at the beginning or the
      // end"; one there is a parsing error on a console (support page 6959337).
      if (comment_ && tokens.empty()) {
        return fail(*comment_, "/*",
                    "a comment before the query: QRadar reads /* ... */ only "
                    "inside the query's body");
      }
      Token token;
      token.pos = here();
      if (pos_ >= text_.size()) {
        if (comment_ && comment_->offset > tokens.back().pos.offset) {
          return fail(*comment_, "/*",
                      "a comment after the query's last clause: QRadar reads "
                      "/* ... */ only inside the query's body");
        }
        token.kind = TokenKind::kEnd;
        tokens.push_back(std::move(token));
        return tokens;
      }
      const char c = text_[pos_];
      core::Status status;
      if (isIdentStart(c)) {
        lexIdentifier(token);
      } else if (core::isAsciiDigit(c)) {
        status = lexNumber(token);
      } else if (c == '\'' || c == '"') {
        status = lexQuoted(token, c);
      } else {
        status = lexSymbol(token);
      }
      if (!status.ok()) return status.error();
      tokens.push_back(std::move(token));
    }
  }

 private:
  Position here() const { return Position{line_, static_cast<int>(pos_ - line_start_) + 1, pos_}; }

  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  // Blanks, and /* ... */ comments (IBM documents them inside a query's body); `comment_` is
  // where the last one began.
  core::Status skipSpaceAndComments() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        const Position start = here();
        const std::size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) {
          return fail(start, "/*", "unterminated comment: /* without */");
        }
        while (pos_ < end + 2) advance();
        comment_ = start;
        continue;
      }
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
      advance();
    }
    return {};
  }

  core::Error fail(const Position& pos, std::string_view near, std::string_view why) const {
    return syntaxError(pos, near, why, detail_);
  }

  void lexIdentifier(Token& token) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && isIdentPart(text_[pos_])) ++pos_;
    token.kind = TokenKind::kIdentifier;
    token.text = std::string(text_.substr(start, pos_ - start));
    token.raw = token.text;
  }

  core::Status lexNumber(Token& token) {
    const std::size_t start = pos_;
    bool is_float = false;
    while (pos_ < text_.size() && core::isAsciiDigit(text_[pos_])) ++pos_;
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' && core::isAsciiDigit(text_[pos_ + 1])) {
      is_float = true;
      ++pos_;
      while (pos_ < text_.size() && core::isAsciiDigit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t look = pos_ + 1;
      if (look < text_.size() && (text_[look] == '+' || text_[look] == '-')) ++look;
      if (look < text_.size() && core::isAsciiDigit(text_[look])) {
        is_float = true;
        pos_ = look;
        while (pos_ < text_.size() && core::isAsciiDigit(text_[pos_])) ++pos_;
      }
    }
    token.kind = is_float ? TokenKind::kFloat : TokenKind::kInteger;
    token.text = std::string(text_.substr(start, pos_ - start));
    token.raw = token.text;
    // "10abc" is one mistake, not a number followed by a name.
    if (pos_ < text_.size() && isIdentStart(text_[pos_])) {
      return fail(token.pos, text_.substr(start, pos_ - start + 1), "malformed number");
    }
    return {};
  }

  core::Status lexQuoted(Token& token, char quote) {
    const std::size_t start = pos_;
    advance();  // opening quote
    std::string value;
    while (true) {
      if (pos_ >= text_.size()) {
        return fail(token.pos, text_.substr(start, 20),
                    quote == '\'' ? "unterminated string literal" : "unterminated quoted name");
      }
      const char c = text_[pos_];
      if (c == quote) {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == quote) {  // doubled quote
          value.push_back(quote);
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\n' || c == '\r') {
        // Most often the closing quote is missing (or a quote inside was written \' instead
        // of twice): said at the opening quote, not at the line's end.
        return fail(token.pos, core::printableExcerpt(text_.substr(start, pos_ - start), 40),
                    quote == '\''
                        ? "unterminated string literal: no closing quote before the end of the "
                          "line (a quote inside a string is written twice: 'O''Brien')"
                        : "unterminated quoted name: no closing quote before the end of the line");
      }
      if (isForbiddenControl(c)) {
        return fail(here(), core::printableExcerpt(text_.substr(start, pos_ - start + 1), 40),
                    "control character inside a quoted literal");
      }
      value.push_back(c);
      advance();
    }
    token.kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuotedIdentifier;
    token.text = std::move(value);
    token.raw = std::string(text_.substr(start, pos_ - start));
    if (token.kind == TokenKind::kQuotedIdentifier && token.text.empty()) {
      return fail(token.pos, token.raw, "empty quoted name");
    }
    return {};
  }

  // The whole character, named by its code point: a typographic quote pasted from a web page
  // or a word processor shows as itself, not as the first byte of it.
  core::Error unexpectedCharacter(const Token& token) const {
    const core::Utf8Char decoded = core::decodeUtf8At(text_, pos_);
    if (decoded.length == 0) {
      return fail(token.pos, core::printableExcerpt(text_.substr(pos_, 1)),
                  "unexpected byte (not UTF-8 text)");
    }
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(decoded.code));
    std::string why = std::string("unexpected character ") + code;
    switch (decoded.code) {
      case 0x2018:
      case 0x2019:
      case 0x201A:
      case 0x201B:
        why += " (a typographic quote: AQL strings take the ASCII ' quote)";
        break;
      case 0x201C:
      case 0x201D:
      case 0x201E:
      case 0x201F:
        why += " (a typographic quote: AQL names take the ASCII \" quote, strings ')";
        break;
      case 0xFEFF:
        why += " (a byte-order mark, which some editors save: save the text without it)";
        break;
      default:
        break;
    }
    return fail(token.pos, core::printableExcerpt(text_.substr(pos_, decoded.length)), why);
  }

  core::Status lexSymbol(Token& token) {
    static constexpr std::string_view kTwo[] = {"!=", "<>", "<=", ">="};
    for (std::string_view two : kTwo) {
      if (text_.substr(pos_, 2) == two) {
        token.kind = TokenKind::kSymbol;
        token.text = std::string(two);
        token.raw = token.text;
        pos_ += 2;
        return {};
      }
    }
    const char c = text_[pos_];
    static constexpr std::string_view kOne = "(),*+-/%^=<>;";
    if (kOne.find(c) == std::string_view::npos) return unexpectedCharacter(token);
    token.kind = TokenKind::kSymbol;
    token.text = std::string(1, c);
    token.raw = token.text;
    ++pos_;
    return {};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  std::optional<Position> comment_;  // where the last /* ... */ began
  int line_ = 1;
  SyntaxError* detail_;
};

}  // namespace

std::string describePosition(const Position& pos, std::string_view near) {
  std::string out = "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column);
  if (near.empty()) return out + " (end of query)";
  return out + " near '" + core::printableExcerpt(near, 40) + "'";
}

core::Error syntaxError(const Position& pos, std::string_view near, std::string_view why,
                        SyntaxError* detail) {
  if (detail != nullptr) *detail = SyntaxError{pos, std::string(near), std::string(why)};
  return core::makeError(
      core::ErrorCode::kParse,
      "AQL syntax error at " + describePosition(pos, near) + ": " + std::string(why));
}

core::Result<std::vector<Token>> tokenize(std::string_view text, SyntaxError* detail) {
  if (text.size() > kMaxQueryBytes) {
    if (detail != nullptr) *detail = SyntaxError{Position{}, "", "query too long"};
    return core::makeError(core::ErrorCode::kLimitExceeded,
                           "AQL query is " + std::to_string(text.size()) + " bytes; the limit is " +
                               std::to_string(kMaxQueryBytes));
  }
  return Lexer(text, detail).run();
}

}  // namespace aihunt::aql

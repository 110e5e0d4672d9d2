#pragma once
// Tokens of AQL. Keywords are not a token kind: AQL keywords are case-insensitive and many are
// also plausible property names, so the parser recognises them in context.
#include <cstdint>
#include <string>

namespace aihunt::aql {

// 1-based line and column of a token's first character (columns count bytes).
struct Position {
  int line = 1;
  int column = 1;
  std::size_t offset = 0;
};

enum class TokenKind : std::uint8_t {
  kEnd,
  kIdentifier,        // sourceip, SELECT, count
  kQuotedIdentifier,  // "Bytes Sent" (text holds the name without quotes)
  kString,            // 'api.openai.com' (text holds the value, doubled quotes undone)
  kInteger,
  kFloat,
  kSymbol,  // ( ) , * + - / % = != <> < <= > >= ;
};

// Where and why parsing failed, for callers that show positions (lint, the CLI, the emulator's
// 422 answer). The core::Error message carries the same facts as text.
struct SyntaxError {
  Position pos;
  std::string near;  // the offending token as written ("" at the end of the query)
  std::string why;
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // decoded text; for symbols the symbol itself
  std::string raw;   // the source text as written, for error messages
  Position pos;
};

}  // namespace aihunt::aql

#pragma once
// Limits on untrusted AQL. Queries come from config, files and (in the emulator) the network;
// these bounds keep hostile text from exhausting the stack, memory or CPU.
#include <cstddef>

namespace aihunt::aql {

// Longest query text we accept. QRadar itself rejects very long URLs; builder output for large
// host lists stays far below this.
inline constexpr std::size_t kMaxQueryBytes = 1 << 20;
// Deepest expression nesting (parentheses, NOT, unary minus, operator chains). The printer,
// compiler and evaluator recurse over the tree, so this bounds their stack use too.
inline constexpr int kMaxDepth = 200;
// MATCHES/IMATCHES patterns: longer patterns are rejected before std::regex sees them.
inline constexpr std::size_t kMaxRegexBytes = 512;
// Product of all {m,n} repetition bounds in one pattern (each bound expands the automaton).
inline constexpr long kMaxRegexRepetition = 1000;

}  // namespace aihunt::aql

#pragma once
// Splits a stream of result bytes into one JSON object per row, without parsing the rows:
//   - an Ariel results document {"events": [ {...}, ... ]} (or "flows"), or a bare array;
//   - JSON Lines, one object per line.
// Memory is bounded by the largest row plus one read chunk, whatever the input size.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "results/byte_source.h"

namespace aihunt::results {

struct SplitLimits {
  std::size_t max_row_bytes =
      4U << 20;                // a PowerShell script block can be large; 50 MB is not a row
  std::size_t max_depth = 64;  // Ariel rows nest two levels at most
  std::size_t chunk_bytes = 1U << 20;
  // The option that raises max_row_bytes, named in the error a larger row gets (empty: none).
  std::string_view raised_by;
};

enum class InputShape { kUnknown, kDocument, kArray, kJsonLines };

struct RowText {
  std::string_view json;    // valid until the next call to next()
  std::uint64_t index = 0;  // zero-based row number
  std::uint64_t line = 0;   // one-based line where the row starts
  // Bytes that may be read (not used) past the end of `json`: the rest of the splitter's buffer.
  // A parser that over-reads, as simdjson does, can then work on the row where it lies.
  std::size_t readable_after = 0;
  // JSON Lines: the input's last line, with no line end after it. A row there that does not
  // parse is most likely a file cut short, which errors say.
  bool unterminated = false;
};

// How the splitter's error for input that reads like CSV begins: commands add their advice.
inline constexpr std::string_view kReadsLikeCsv = "input reads like CSV";

class RowSplitter {
 public:
  RowSplitter(ByteSource& source, SplitLimits limits = {});

  // The next row, nullopt at a clean end, or an error that names the row and line.
  [[nodiscard]] core::Result<std::optional<RowText>> next();
  [[nodiscard]] InputShape shape() const { return shape_; }
  [[nodiscard]] std::uint64_t rowsSeen() const { return rows_; }

 private:
  core::Result<bool> fill();  // false at end of input
  core::Status detectShape();
  core::Result<std::optional<RowText>> nextInArray();
  core::Result<std::optional<RowText>> nextLine();
  core::Result<std::size_t> scanValue(std::size_t start);  // end offset of the value at start
  core::Status expectEnd();
  bool skipWhitespace();  // false when input ends first
  core::Error errorHere(std::string_view what) const;
  std::string rowLimitText() const;
  // Whether the buffer holds a first non-blank line that is one object, "{...}" whole.
  [[nodiscard]] bool firstLineIsObject() const;
  [[nodiscard]] RowText rowAt(std::string_view json, std::uint64_t line);

  ByteSource& source_;
  SplitLimits limits_;
  // The most buffer_ may hold: the longest row and one read chunk.
  [[nodiscard]] std::size_t capacity() const;

  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unconsumed byte
  std::size_t end_ = 0;    // one past the last byte read
  bool eof_ = false;
  InputShape shape_ = InputShape::kUnknown;
  std::string_view rows_key_ = "events";  // a document's key of its rows: "events" or "flows"
  bool after_element_ = false;
  bool finished_ = false;
  std::uint64_t rows_ = 0;
  std::uint64_t line_ = 1;  // line of buffer_[begin_]
};

}  // namespace aihunt::results

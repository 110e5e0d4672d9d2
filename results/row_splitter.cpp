#include "results/row_splitter.h"

#include <algorithm>
#include <cstring>

#include "core/csv_sniff.h"
#include "core/text.h"

namespace aihunt::results {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// How a JSON value nests, counting brackets outside strings: the deepest level, and where the
// value that opens the text closes (the offset of its last bracket; npos when it goes on past
// the text's end).
struct Nesting {
  std::size_t deepest = 0;
  std::size_t close = std::string_view::npos;
};

Nesting nestingOf(std::string_view json) {
  Nesting nesting;
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      nesting.deepest = std::max(nesting.deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0 &&
               nesting.close == std::string_view::npos) {
      nesting.close = i;
    }
  }
  return nesting;
}

// '{' and '[' in one test ('[' | 0x20 == '{', and no other byte maps there), counted in
// 32-bit lanes: this loop vectorises well, where a two-way predicate counted in size_t did not.
std::size_t countOpeners(std::string_view text) {
  std::uint32_t count = 0;
  for (const char c : text)
    count += static_cast<std::uint32_t>((static_cast<unsigned char>(c) | 0x20U) == '{');
  return count;
}

// Past the JSON string whose opening quote is at `at` in `head`; npos when it ends beyond.
std::size_t stringEnd(std::string_view head, std::size_t at) {
  for (++at; at < head.size(); ++at) {
    if (head[at] == '\\') {
      ++at;
    } else if (head[at] == '"') {
      return at + 1;
    }
  }
  return std::string_view::npos;
}

// Past the JSON value at `at` in `head` (a string, a nested value with its brackets counted
// outside strings, or a scalar up to the next ',', '}' or ']'); npos when it ends beyond.
std::size_t valueEnd(std::string_view head, std::size_t at) {
  if (at < head.size() && head[at] == '"') return stringEnd(head, at);
  std::size_t depth = 0;
  while (at < head.size()) {
    const char c = head[at];
    if (c == '"') {
      at = stringEnd(head, at);
      if (at == std::string_view::npos) return at;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return at;
      if (--depth == 0) return at + 1;
    } else if (c == ',' && depth == 0) {
      return at;
    }
    ++at;
  }
  return std::string_view::npos;
}

// Whether `at` in `head`, past spaces, is a ',': another key follows the value before it.
bool commaNext(std::string_view head, std::size_t at) {
  while (at < head.size() && isSpace(head[at])) ++at;
  return at < head.size() && head[at] == ',';
}

// The key ("events" or "flows") of a rows array of objects that the object opening `head` (at
// its '{') holds at its top level after other keys, within `head`: a results document such as
// {"search_id": ..., "events": [{...}]}, which read as JSON Lines would be one row holding
// nothing. No key when there is none. An array that does not start with an object (or end at
// once) is a row's column (some AQL functions yield arrays), not rows. `cut` when `head` ended
// before the answer was known: more of the input may tell.
struct RowsKey {
  std::string_view key;
  bool cut = false;
};
RowsKey rowsArrayAfterOtherKeys(std::string_view head) {
  std::size_t at = 1;
  const auto skipSpace = [&] {
    while (at < head.size() && isSpace(head[at])) ++at;
  };
  const RowsKey cut{{}, true};
  while (true) {
    skipSpace();
    if (at >= head.size()) return cut;
    if (head[at] != '"') return {};
    const std::size_t key_start = at;
    at = stringEnd(head, at);
    if (at == std::string_view::npos) return cut;
    const std::string_view key = head.substr(key_start, at - key_start);
    skipSpace();
    if (at >= head.size()) return cut;
    if (head[at] != ':') return {};
    ++at;
    skipSpace();
    if (at >= head.size()) return cut;
    if ((key == "\"events\"" || key == "\"flows\"") && head[at] == '[') {
      std::size_t element = at + 1;
      while (element < head.size() && isSpace(head[element])) ++element;
      if (element >= head.size()) return cut;
      if (head[element] == '{' || head[element] == ']') return {key.substr(1, key.size() - 2)};
    }
    at = valueEnd(head, at);
    if (at == std::string_view::npos) return cut;
    while (at < head.size() && isSpace(head[at])) ++at;
    if (at >= head.size()) return cut;
    if (head[at] != ',') return {};
    ++at;
  }
}

std::string sizeText(std::size_t bytes) {
  if (bytes >= (1U << 20) && bytes % (1U << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

// The buffer starts at two read chunks and doubles as a longer row needs it, up to the limit:
// a limit raised to 1 GiB for one large script block cost 1 GiB of memory on any input (a
// trial), since the whole buffer was allocated and zeroed at the start.
RowSplitter::RowSplitter(ByteSource& source, SplitLimits limits)
    : source_(source),
      limits_(limits),
      buffer_(std::min(capacity(), 2 * std::max<std::size_t>(limits.chunk_bytes, 1))) {}

std::size_t RowSplitter::capacity() const { return limits_.max_row_bytes + limits_.chunk_bytes; }

std::string RowSplitter::rowLimitText() const {
  return sizeText(limits_.max_row_bytes) + " (the row size limit" +
         (limits_.raised_by.empty() ? std::string()
                                    : "; " + std::string(limits_.raised_by) + " raises it") +
         ")";
}

core::Error RowSplitter::errorHere(std::string_view what) const {
  return core::makeError(core::ErrorCode::kParse,
                         "line " + std::to_string(line_) + ": " + std::string(what));
}

RowText RowSplitter::rowAt(std::string_view json, std::uint64_t line) {
  const auto end = static_cast<std::size_t>(json.data() + json.size() - buffer_.data());
  return RowText{json, rows_++, line, buffer_.size() - end};
}

core::Result<bool> RowSplitter::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {
    // Full: the caller decides whether that is an error, once the buffer holds all it may.
    if (buffer_.size() >= capacity()) return true;
    buffer_.resize(std::min(capacity(), 2 * buffer_.size()));
  }
  auto got = source_.read(std::span<char>(buffer_.data() + end_, buffer_.size() - end_));
  if (!got) return got.error();
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  end_ += *got;
  return true;
}

bool RowSplitter::skipWhitespace() {
  while (true) {
    while (begin_ < end_ && isSpace(buffer_[begin_])) {
      if (buffer_[begin_] == '\n') ++line_;
      ++begin_;
    }
    if (begin_ < end_) return true;
    auto more = fill();
    if (!more || !*more) return false;
  }
}

core::Status RowSplitter::detectShape() {
  // A byte order mark: Windows tools write one before UTF-8 text (passed over), and UTF-16 text
  // starts with one (said as such: the rows would otherwise read as no JSON at all).
  while (end_ - begin_ < 3 && !eof_) {
    auto more = fill();
    if (!more) return more.error();
  }
  const auto lead = [&](std::size_t i) {
    return begin_ + i < end_ ? static_cast<unsigned char>(buffer_[begin_ + i]) : 0U;
  };
  if (lead(0) == 0xEFU && lead(1) == 0xBBU && lead(2) == 0xBFU) {
    begin_ += 3;
  } else if ((lead(0) == 0xFFU && lead(1) == 0xFEU) || (lead(0) == 0xFEU && lead(1) == 0xFFU)) {
    return errorHere(
        "input is UTF-16 text (it starts with a UTF-16 byte order mark): export it "
        "as UTF-8");
  } else if (end_ - begin_ >= 2 && (lead(0) == 0U || lead(1) == 0U)) {
    // JSON text holds no NUL byte; UTF-16 without a mark has one in every ASCII character.
    return errorHere("input starts with NUL bytes: UTF-16 text? Export it as UTF-8");
  }
  if (!skipWhitespace()) {
    shape_ = InputShape::kJsonLines;  // empty input: zero rows
    return {};
  }
  const char first = buffer_[begin_];
  if (first == '[') {
    shape_ = InputShape::kArray;
    ++begin_;
    return {};
  }
  if (first != '{') {
    // gzip (1f 8b) and zstd (28 b5 2f fd) say what they are in their first bytes.
    while (end_ - begin_ < 4 && !eof_) {
      auto more = fill();
      if (!more) return more.error();
      if (!*more) break;
    }
    const auto byte = [&](std::size_t i) {
      return begin_ + i < end_ ? static_cast<unsigned char>(buffer_[begin_ + i]) : 0U;
    };
    if ((byte(0) == 0x1fU && byte(1) == 0x8bU) ||
        (byte(0) == 0x28U && byte(1) == 0xb5U && byte(2) == 0x2fU && byte(3) == 0xfdU)) {
      return errorHere(
          "input is compressed (gzip or zstd): results are read as plain JSON; decompress them "
          "first (zcat or zstdcat FILE | aihunt triage --input -); 'aihunt hunt --offline' reads "
          "compressed events");
    }
    // The first line, as far as 4 KiB of it, to tell CSV by (a source may hand over a few
    // bytes at a time).
    constexpr std::size_t kFirstLine = 4096;
    while (!eof_ && end_ - begin_ < std::min(kFirstLine, capacity()) &&
           std::memchr(buffer_.data() + begin_, '\n', end_ - begin_) == nullptr) {
      auto more = fill();
      if (!more) return more.error();
    }
    const std::string_view held(buffer_.data() + begin_, end_ - begin_);
    if (core::looksLikeCsvLine(held.substr(0, held.find('\n')))) {
      // A Log Activity "Export to CSV" or a --format csv file (a trial's first try): said as
      // such; each command adds what it reads instead.
      return errorHere(std::string(kReadsLikeCsv) +
                       ", not JSON ({\"events\": [...]}, a JSON array or JSON Lines)");
    }
    return errorHere(
        "input is neither an Ariel results document ({\"events\": [...]}) nor "
        "JSON Lines (one object per line)");
  }
  // Look ahead for {"events": [ without consuming; a JSON Lines row starts the same way. The
  // look-ahead also covers the keys a results document may hold before its rows.
  constexpr std::size_t kLookahead = 4096;
  // (A buffer smaller than that, with tiny test limits, is looked at as far as it holds.) A
  // first line that is a whole object is all there is to look at: a slow pipe's first row is
  // not held back for more (a review).
  while (end_ - begin_ < std::min(kLookahead, capacity()) && !eof_ && !firstLineIsObject()) {
    auto more = fill();
    if (!more) return more.error();
  }
  const std::string_view head(buffer_.data() + begin_, std::min(end_ - begin_, kLookahead));
  std::size_t at = 1;
  const auto skip = [&] {
    while (at < head.size() && isSpace(head[at])) ++at;
  };
  skip();
  for (const std::string_view key :
       {std::string_view("\"events\""), std::string_view("\"flows\"")}) {
    if (head.substr(at, key.size()) != key) continue;
    std::size_t probe = at + key.size();
    while (probe < head.size() && isSpace(head[probe])) ++probe;
    if (probe >= head.size() || head[probe] != ':') break;
    ++probe;
    while (probe < head.size() && isSpace(head[probe])) ++probe;
    if (probe >= head.size()) break;
    if (head[probe] != '[') {
      // {"events": "none"} claims to be a results document but holds no rows: malformed, not
      // one empty row.
      return errorHere("input is malformed: " + std::string(key) +
                       " in an Ariel results document must be an array of rows");
    }
    // An array of values followed by more keys ({"events": ["a"], "URL": ...}) is a row's
    // column (some AQL functions yield arrays), not rows: rows are objects (a review). Alone,
    // {"events": [1, 2]} stays a document whose rows are wrong.
    std::size_t element = probe + 1;
    while (element < head.size() && isSpace(head[element])) ++element;
    if (element < head.size() && head[element] != '{' && head[element] != ']') {
      const std::size_t after = valueEnd(head, probe);
      if (after != std::string_view::npos && commaNext(head, after)) break;
    }
    for (std::size_t i = 0; i <= probe; ++i) {
      if (head[i] == '\n') ++line_;
    }
    begin_ += probe + 1;
    shape_ = InputShape::kDocument;
    rows_key_ = key.substr(1, key.size() - 2);
    return {};
  }
  RowsKey found = rowsArrayAfterOtherKeys(head);
  if (found.cut && head.size() == kLookahead) {
    // The keys before a document's rows can outgrow the look-ahead (a trial's 5 KB note): then
    // the first line is looked at as far as a row may be long. A first line that is a whole
    // object (JSON Lines) is all there is to look at, as above.
    while (end_ - begin_ < capacity() && !eof_ && !firstLineIsObject()) {
      auto more = fill();
      if (!more) return more.error();
    }
    found = rowsArrayAfterOtherKeys(std::string_view(buffer_.data() + begin_, end_ - begin_));
  }
  if (!found.key.empty()) {
    // As with keys after the array (expectEnd): said, not read as one row that holds nothing.
    const std::string name(found.key);
    return errorHere("the results document has other keys before its " + name +
                     " array: triage reads the document Ariel's results give, {\"" + name +
                     "\": [...]} alone (keep only that key, e.g. jq -c '{" + name + "}' FILE)");
  }
  shape_ = InputShape::kJsonLines;
  return {};
}

bool RowSplitter::firstLineIsObject() const {
  const std::string_view held(buffer_.data() + begin_, end_ - begin_);
  std::size_t from = 0;
  while (true) {
    const std::size_t newline = held.find('\n', from);
    if (newline == std::string_view::npos) return false;
    const std::string_view line = core::trim(held.substr(from, newline - from));
    if (!line.empty()) return line.front() == '{' && line.back() == '}';
    from = newline + 1;
  }
}

core::Result<std::size_t> RowSplitter::scanValue(std::size_t start) {
  // Offsets are relative to begin_, because fill() moves the data to the front.
  std::size_t rel = start - begin_;
  std::size_t depth = 0;
  bool in_string = false;
  while (true) {
    const char* data = buffer_.data() + begin_;
    const std::size_t available = end_ - begin_;
    for (; rel < available; ++rel) {
      const char c = data[rel];
      if (in_string) {
        if (c == '\\') {
          if (rel + 1 >= available) break;  // need the escaped byte; refill first
          ++rel;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        if (++depth > limits_.max_depth) {
          return errorHere("row " + std::to_string(rows_ + 1) + " nests deeper than " +
                           std::to_string(limits_.max_depth) + " levels");
        }
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return begin_ + rel + 1;
      }
    }
    if (rel >= limits_.max_row_bytes) {
      return errorHere("row " + std::to_string(rows_ + 1) + " is larger than " + rowLimitText());
    }
    auto more = fill();
    if (!more) return more.error();
    if (!*more) {
      return errorHere("input is truncated: it ends inside row " + std::to_string(rows_ + 1));
    }
  }
}

core::Status RowSplitter::expectEnd() {
  if (shape_ == InputShape::kDocument) {
    if (!skipWhitespace()) {
      return errorHere("input is truncated: expected '}' after the events array");
    }
    if (buffer_[begin_] == ',') {
      // Not cut short: a document of its own making (a trial read it as truncated).
      const std::string name(rows_key_);
      return errorHere("the results document has more keys after its " + name +
                       " array: triage reads the document Ariel's results give, {\"" + name +
                       "\": [...]} alone (keep only that key, e.g. jq '{" + name + "}' FILE)");
    }
    if (buffer_[begin_] != '}') {
      return errorHere("input is malformed: expected '}' after the events array");
    }
    ++begin_;
  }
  if (skipWhitespace()) {
    return errorHere("unexpected content after the end of the results document");
  }
  return {};
}

core::Result<std::optional<RowText>> RowSplitter::nextInArray() {
  if (!skipWhitespace()) {
    return errorHere("input is truncated: it ends inside the events array after " +
                     core::counted(rows_, "row"));
  }
  char c = buffer_[begin_];
  if (c == ']') {
    ++begin_;
    if (auto status = expectEnd(); !status) return status.error();
    finished_ = true;
    return std::optional<RowText>();
  }
  if (after_element_) {
    if (c != ',') return errorHere("expected ',' or ']' after row " + std::to_string(rows_));
    ++begin_;
    if (!skipWhitespace()) {
      return errorHere("input is truncated: it ends after row " + std::to_string(rows_));
    }
    c = buffer_[begin_];
  }
  if (c != '{') return errorHere("row " + std::to_string(rows_ + 1) + " is not a JSON object");
  const std::uint64_t row_line = line_;
  auto end = scanValue(begin_);
  if (!end) return end.error();
  const RowText row = rowAt(std::string_view(buffer_.data() + begin_, *end - begin_), row_line);
  line_ += static_cast<std::uint64_t>(std::count(row.json.begin(), row.json.end(), '\n'));
  begin_ = *end;
  after_element_ = true;
  return std::optional<RowText>(row);
}

core::Result<std::optional<RowText>> RowSplitter::nextLine() {
  while (true) {
    const void* newline = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_);
    if (newline == nullptr && !eof_) {
      if (end_ - begin_ >= limits_.max_row_bytes) {
        return errorHere("row " + std::to_string(rows_ + 1) + " is larger than " + rowLimitText());
      }
      auto more = fill();
      if (!more) return more.error();
      continue;
    }
    const std::size_t stop =
        newline == nullptr
            ? end_
            : static_cast<std::size_t>(static_cast<const char*>(newline) - buffer_.data());
    std::string_view line = core::trim(std::string_view(buffer_.data() + begin_, stop - begin_));
    const std::uint64_t row_line = line_;
    begin_ = newline == nullptr ? end_ : stop + 1;
    if (newline != nullptr) ++line_;
    if (line.empty()) {
      if (newline == nullptr) {
        finished_ = true;
        return std::optional<RowText>();
      }
      continue;
    }
    if (line.size() > limits_.max_row_bytes) {
      return core::makeError(core::ErrorCode::kParse, "line " + std::to_string(row_line) +
                                                          ": row is larger than " + rowLimitText());
    }
    if (line.front() != '{') {
      return core::makeError(core::ErrorCode::kParse,
                             "line " + std::to_string(row_line) + ": not a JSON object");
    }
    if (rows_ == 0 && newline != nullptr && line.back() != '}') {
      // An object that closes on the line with text after it is a line that is not JSON (a
      // trial's one-line file read as "a document over several lines").
      if (const std::size_t close = nestingOf(line).close; close != std::string_view::npos) {
        return core::makeError(core::ErrorCode::kParse,
                               "line " + std::to_string(row_line) +
                                   ": not JSON: text follows the object that ends at column " +
                                   std::to_string(close + 1) +
                                   " (JSON Lines holds one object per line and nothing else)");
      }
      // A first line that opens an object and goes on below is a pretty-printed document
      // (an API answer, a saved search) rather than a row cut short.
      return core::makeError(
          core::ErrorCode::kParse,
          "line " + std::to_string(row_line) +
              ": input is a JSON document over several lines whose first key is not "
              "\"events\" or \"flows\": neither an Ariel results document ({\"events\": "
              "[...]}) nor JSON Lines (one object per line)");
    }
    // Counting openers is a cheap bound (vectorised); only rows that could nest too deep are
    // scanned exactly.
    if (line.size() > limits_.max_depth && countOpeners(line) > limits_.max_depth &&
        nestingOf(line).deepest > limits_.max_depth) {
      return core::makeError(core::ErrorCode::kParse,
                             "line " + std::to_string(row_line) + ": row " +
                                 std::to_string(rows_ + 1) + " nests deeper than " +
                                 std::to_string(limits_.max_depth) + " levels");
    }
    RowText row = rowAt(line, row_line);
    row.unterminated = newline == nullptr;
    return std::optional<RowText>(row);
  }
}

core::Result<std::optional<RowText>> RowSplitter::next() {
  if (finished_) return std::optional<RowText>();
  if (shape_ == InputShape::kUnknown) {
    if (auto status = detectShape(); !status) return status.error();
  }
  if (shape_ == InputShape::kJsonLines) return nextLine();
  return nextInArray();
}

}  // namespace aihunt::results

// The row splitter over generated documents, cut into random chunks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "results/row_splitter.h"
#include "tests/support/chunked_source.h"

using namespace aihunt;
using results::InputShape;
using results::RowSplitter;
using results::SplitLimits;

namespace {

// Rows whose strings hold every character that could confuse a splitter.
std::vector<std::string> generatedRows(std::mt19937& random, int count) {
  const std::vector<std::string> awkward = {"plain",
                                            "{",
                                            "}",
                                            "[",
                                            "]",
                                            "\\\"",
                                            "\\\\",
                                            "a\\\\\\\"b",
                                            "\\n",
                                            "line,with,commas",
                                            "\\u00e9",
                                            "caf\xC3\xA9",
                                            "\xF0\x9F\x98\x80",
                                            "\\/",
                                            " ",
                                            ""};
  std::uniform_int_distribution<std::size_t> pick(0, awkward.size() - 1);
  std::uniform_int_distribution<int> fields(1, 6);
  std::vector<std::string> rows;
  for (int i = 0; i < count; ++i) {
    std::string row = "{";
    const int n = fields(random);
    for (int f = 0; f < n; ++f) {
      if (f > 0) row += ", ";
      row += "\"k" + std::to_string(f) + awkward[pick(random)] + "\": ";
      switch (f % 4) {
        case 0:
          row += "\"" + awkward[pick(random)] + awkward[pick(random)] + "\"";
          break;
        case 1:
          row += std::to_string(i * 7919);
          break;
        case 2:
          row += "[\"" + awkward[pick(random)] + "\", {\"x\": null}]";
          break;
        default:
          row += "null";
          break;
      }
    }
    row += "}";
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::string> splitAll(const std::string& input, unsigned seed, std::size_t chunk,
                                  InputShape expected_shape) {
  testing::ChunkedByteSource source(input, seed, chunk);
  SplitLimits limits;
  limits.chunk_bytes = 64;  // small buffers: rows straddle refills constantly
  limits.max_row_bytes = 4096;
  RowSplitter splitter(source, limits);
  std::vector<std::string> rows;
  while (true) {
    auto row = splitter.next();
    REQUIRE(row);
    if (!row->has_value()) break;
    rows.emplace_back((*row)->json);
  }
  CHECK(splitter.shape() == expected_shape);
  return rows;
}

}  // namespace

TEST_CASE("rows come out exactly as written, in every shape and chunking") {
  std::mt19937 random(20261126);
  for (int round = 0; round < 60; ++round) {
    const auto rows = generatedRows(random, 1 + round % 17);
    const std::vector<std::string> separators = {",", ", ", ",\n  ", "\r\n,\t"};
    const std::string& sep = separators[static_cast<std::size_t>(round) % separators.size()];
    std::string document = round % 2 == 0 ? "{\"events\": [" : " \n{ \"flows\" :\n[\n";
    std::string array = "[";
    std::string lines;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i > 0) {
        document += sep;
        array += sep;
      }
      document += rows[i];
      array += rows[i];
      lines += rows[i] + (i % 3 == 0 ? "\r\n" : "\n") + (i % 5 == 0 ? "\n" : "");
    }
    document += "]}\n";
    array += "]";
    const unsigned seed = static_cast<unsigned>(round);
    const std::size_t chunk = 1 + static_cast<std::size_t>(round) % 23;
    INFO("round " << round);
    CHECK(splitAll(document, seed, chunk, InputShape::kDocument) == rows);
    CHECK(splitAll(array, seed, chunk, InputShape::kArray) == rows);
    CHECK(splitAll(lines, seed, chunk, InputShape::kJsonLines) == rows);
  }
}

TEST_CASE("empty inputs give no rows") {
  CHECK(splitAll("", 1, 4, InputShape::kJsonLines).empty());
  CHECK(splitAll("\n\n", 1, 4, InputShape::kJsonLines).empty());
  CHECK(splitAll("{\"events\": []}", 1, 4, InputShape::kDocument).empty());
  CHECK(splitAll("[ ]", 1, 4, InputShape::kArray).empty());
}

TEST_CASE("line numbers point at the row") {
  testing::ChunkedByteSource source("{\"events\": [\n{\"a\": 1},\n\n{\"a\": \"x\"}\n]}", 3, 5);
  RowSplitter splitter(source);
  auto first = splitter.next();
  REQUIRE((first && first->has_value()));
  CHECK((*first)->line == 2);
  auto second = splitter.next();
  REQUIRE((second && second->has_value()));
  CHECK((*second)->line == 4);
  CHECK((*second)->index == 1);
}

namespace {

std::string firstError(const std::string& input, SplitLimits limits = {}) {
  testing::ChunkedByteSource source(input, 7, 13);
  limits.chunk_bytes = 64;
  RowSplitter splitter(source, limits);
  for (int guard = 0; guard < 1000; ++guard) {
    auto row = splitter.next();
    if (!row) return row.error().message;
    if (!row->has_value()) return "";
  }
  return "no end";
}

}  // namespace

TEST_CASE("a results document whose rows are not an array is malformed") {
  for (const std::string input :
       {"{\"events\": \"none\"}", "{\"events\": null}", "{\"events\":{}}", "{ \"flows\" :\n 0 }",
        "{\"events\": true}\n{\"events\": []}\n"}) {
    INFO(input);
    for (unsigned seed = 1; seed <= 8; ++seed) {
      testing::ChunkedByteSource source(input, seed, 3);
      RowSplitter splitter(source);
      auto row = splitter.next();
      CHECK_FALSE(row.ok());
      CHECK(splitter.rowsSeen() == 0);
    }
  }
  // A JSON Lines row that merely has another first key stays a row.
  CHECK(splitAll("{\"event\": \"none\"}\n", 1, 4, InputShape::kJsonLines).size() == 1);
}

namespace {

// Gives its text on the first read, then fails: a pipe whose writer has sent one row so far.
class OneReadSource final : public results::ByteSource {
 public:
  explicit OneReadSource(std::string text) : text_(std::move(text)) {}
  core::Result<std::size_t> read(std::span<char> buffer) override {
    if (done_) return core::makeError(core::ErrorCode::kIo, "no more yet");
    done_ = true;
    const std::size_t n = std::min(buffer.size(), text_.size());
    std::copy_n(text_.data(), n, buffer.data());
    return n;
  }

 private:
  std::string text_;
  bool done_ = false;
};

}  // namespace

TEST_CASE("a first row that is a whole line is read without waiting for more input") {
  OneReadSource source("{\"sourceip\": \"10.0.0.1\", \"URL\": \"https://api.openai.com/\"}\n");
  RowSplitter splitter(source);
  auto first = splitter.next();
  REQUIRE(first);  // no second read before the first row
  REQUIRE(first->has_value());
  CHECK((*first)->json.find("10.0.0.1") != std::string_view::npos);
}

TEST_CASE("bad input gets a clear, positioned error") {
  CHECK(firstError("{\"events\": [{\"a\": 1}, {\"a\": 2}") ==
        "line 1: input is truncated: it ends inside the events array after 2 rows");
  CHECK(firstError("{\"events\": [{\"a\": 1}, {\"a\": ") ==
        "line 1: input is truncated: it ends inside row 2");
  CHECK(firstError("{\"events\": [{\"a\": 1} {\"a\": 2}]}") ==
        "line 1: expected ',' or ']' after row 1");
  CHECK(firstError("{\"events\": [1, 2]}") == "line 1: row 1 is not a JSON object");
  CHECK(firstError("{\"events\": [{\"a\": 1}]} trailing") ==
        "line 1: unexpected content after the end of the results document");
  CHECK(firstError("{\"events\": [{\"a\": 1}]") ==
        "line 1: input is truncated: expected '}' after the events array");
  CHECK(firstError("{\"events\": [{\"a\": 1}] 7") ==
        "line 1: input is malformed: expected '}' after the events array");
  // Keys after the array: a document of the user's, not one cut short (a trial).
  CHECK(firstError("{\"events\": [{\"a\": 1}], \"extra\": {}}")
            .find("line 1: the results document has more keys after its events array") == 0);
  // Keys before the array: read as JSON Lines it would be one row holding nothing (a trial).
  for (const std::string& head :
       {std::string("{\"search_id\": \"s-1\", "),
        std::string("{\"n\": 12, \"range\": [0, {\"x\": \"]\"}], "),
        std::string("{\"status\": \"COMPLETED\",\n  \"note\": \"a \\\" b\", \n  ")}) {
    for (const auto& [rows, key] :
         {std::pair<std::string, std::string>{"\"events\": [{\"a\": 1}]}", "events"},
          {"\"flows\": [ ]}", "flows"}}) {
      INFO(head << rows);
      CHECK(firstError(head + rows)
                .find("line 1: the results document has other keys before its " + key + " array") ==
            0);
    }
  }
  // CSV is named as such, however few bytes the source hands over at a time (incidents reads
  // through a decompressing source that starts with a few).
  CHECK(firstError("finding_id,hunt,event_time,source_ip\r\nabc,triage,,\r\n")
            .find("line 1: input reads like CSV, not JSON") == 0);
  CHECK(firstError("plain text, no JSON\n").find("line 1: input is neither") == 0);
  // Keys longer than the splitter's first look (4 KiB) before the rows: still said (a trial's
  // 5 KB note read as one row that named no column).
  for (const std::size_t note : {std::size_t{5000}, std::size_t{70'000}}) {
    INFO(note);
    CHECK(firstError("{\"note\": \"" + std::string(note, 'n') +
                     "\", \"n\": [1, 2],\n \"events\": [{\"a\": 1}]}")
              .find("line 1: the results document has other keys before its events array") == 0);
  }
  // A first JSON Lines row longer than that look stays a row, and so does its document-like
  // column.
  {
    const std::string long_row = "{\"note\": \"" + std::string(6000, 'n') +
                                 "\", \"events\": [1, 2], \"URL\": \"https://api.openai.com/\"}\n";
    testing::ChunkedByteSource source(long_row + "{\"a\": 2}\n", 5, 97);
    SplitLimits limits;
    limits.chunk_bytes = 64;
    RowSplitter splitter(source, limits);
    std::vector<std::string> rows;
    for (int guard = 0; guard < 10; ++guard) {
      auto row = splitter.next();
      REQUIRE(row);
      if (!row->has_value()) break;
      rows.emplace_back((*row)->json);
    }
    CHECK(splitter.shape() == InputShape::kJsonLines);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].size() == long_row.size() - 1);
  }
  // ... but a row whose "events" column is a string, null or an array of values (some AQL
  // functions yield arrays) stays a row (a review).
  CHECK(splitAll("{\"a\": 1, \"events\": \"x\"}\n{\"a\": 2, \"events\": null}\n", 2, 4,
                 InputShape::kJsonLines)
            .size() == 2);
  CHECK(splitAll("{\"events\": [\"a\", \"b\"], \"URL\": \"https://api.openai.com/\"}\n"
                 "{\"events\": [1], \"URL\": \"https://api.openai.com/\"}\n",
                 2, 4, InputShape::kJsonLines)
            .size() == 2);
  CHECK(splitAll("{\"sourceip\": \"10.0.0.1\", \"events\": [\"a\", \"b\"], \"n\": 2}\n"
                 "{\"sourceip\": \"10.0.0.2\", \"flows\": [1, 2]}\n",
                 3, 4, InputShape::kJsonLines)
            .size() == 2);
  // The array's key is named, and the advice keeps that key.
  const std::string flows = firstError("{\"search_id\": \"s\", \"flows\": []}");
  CHECK(flows.find("other keys before its flows array") != std::string::npos);
  CHECK(flows.find("jq -c '{flows}'") != std::string::npos);
  CHECK(firstError("{\"flows\": [{\"a\": 1}], \"x\": 1}").find("jq '{flows}' FILE") !=
        std::string::npos);
  CHECK(firstError("hello") ==
        "line 1: input is neither an Ariel results document ({\"events\": [...]}) nor JSON "
        "Lines (one object per line)");
  CHECK(firstError("{\"a\": 1}\n[1]\n") == "line 2: not a JSON object");
  // A pretty-printed object that is not a results document is named as such, not as a row cut
  // short; a last line cut short is still a row.
  CHECK(firstError("{\n  \"search_id\": \"x\",\n  \"status\": \"COMPLETED\"\n}\n")
            .find("input is a JSON document over several lines") != std::string::npos);
  CHECK(firstError("\n{ \"a\": [\n1]}\n").rfind("line 2: input is a JSON document", 0) == 0);
  CHECK(firstError("{\"a\": 1}\n{\"b\": \n").empty());
  // One object, then text on its line: not JSON, not a document over several lines.
  CHECK(firstError("{\"a\": \"}\"} trailing\n") ==
        "line 1: not JSON: text follows the object that ends at column 10 (JSON Lines holds one "
        "object per line and nothing else)");
  // Compressed input says so (gzip, zstd magic bytes).
  CHECK(firstError(std::string("\x1f\x8b\x08\x00\x00\x00", 6)).find("input is compressed") !=
        std::string::npos);
  CHECK(firstError(std::string("\x28\xb5\x2f\xfd\x00", 5)).find("input is compressed") !=
        std::string::npos);
  SplitLimits small;
  small.max_row_bytes = 1024;
  CHECK(firstError("{\"events\": [{\"a\": \"" + std::string(5000, 'x') + "\"}]}", small) ==
        "line 1: row 1 is larger than 1024 bytes (the row size limit)");
  CHECK(firstError("{\"a\": \"" + std::string(5000, 'x') + "\"}\n", small) ==
        "line 1: row 1 is larger than 1024 bytes (the row size limit)");
  // A caller with an option for the limit has it named.
  small.raised_by = "--max-row-bytes";
  CHECK(firstError("{\"a\": \"" + std::string(5000, 'x') + "\"}\n", small) ==
        "line 1: row 1 is larger than 1024 bytes (the row size limit; --max-row-bytes raises it)");
  std::string deep = "{\"events\": [";
  for (int i = 0; i < 100; ++i) deep += "{\"a\": ";
  CHECK(firstError(deep) == "line 1: row 1 nests deeper than 64 levels");
  std::string deep_line = "{\"a\": ";
  for (int i = 0; i < 100; ++i) deep_line += "[";
  for (int i = 0; i < 100; ++i) deep_line += "]";
  CHECK(firstError("{\"ok\": 1}\n" + deep_line + "}\n") ==
        "line 2: row 2 nests deeper than 64 levels");
}

TEST_CASE("a UTF-8 byte order mark is passed over in every shape; UTF-16 is said") {
  // A newcomer's trial: a Windows export starting with a BOM read as neither shape.
  const std::string bom = "\xEF\xBB\xBF";
  const std::vector<std::string> rows = {R"({"a": 1})", R"({"b": "x"})"};
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const std::size_t chunk = seed;  // a chunk of 1 or 2 bytes splits the mark itself
    CHECK(splitAll(bom + rows[0] + "\n" + rows[1] + "\n", seed, chunk, InputShape::kJsonLines) ==
          rows);
    CHECK(splitAll(bom + "[" + rows[0] + "," + rows[1] + "]", seed, chunk, InputShape::kArray) ==
          rows);
    CHECK(splitAll(bom + R"({"events": [)" + rows[0] + "," + rows[1] + "]}", seed, chunk,
                   InputShape::kDocument) == rows);
  }
  CHECK(splitAll(bom, 1, 1, InputShape::kJsonLines).empty());
  // Only at the start: the same bytes later are no row.
  CHECK_FALSE(firstError(rows[0] + "\n" + bom + rows[1] + "\n").empty());
  for (const std::string& utf16 : {std::string("\xFF\xFE{\0", 4), std::string("\xFE\xFF\0{", 4)}) {
    CHECK(firstError(utf16).find("input is UTF-16 text") != std::string::npos);
  }
  // Without the mark, its NUL bytes give it away (a re-trial: it read as a JSON document).
  for (const std::string& utf16 : {std::string("{\0\"\0a\0", 6), std::string("\0{\0\"\0a", 6)}) {
    CHECK(firstError(utf16).find("UTF-16 text?") != std::string::npos);
  }
}

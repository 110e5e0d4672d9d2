#include "cli/aql_lint_queries.h"

#include <charconv>
#include <string>

#include "core/text.h"

namespace aihunt::cli {
namespace {

struct QueryText {
  int lines_before = 0;  // the file's lines ahead of the query
  std::string_view text;
};

bool startsWithSelect(std::string_view line) {
  line = core::trim(line);
  return line.size() >= 6 && core::iequals(line.substr(0, 6), "select") &&
         (line.size() == 6 || line[6] == ' ' || line[6] == '\t');
}

// Whether a /* comment is still open at the end of `line`, given whether one was at its start.
// Quoted text ('...' and "...", which cannot span lines in AQL) holds no comment.
bool commentOpenAfter(std::string_view line, bool open) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (open) {
      if (line[i] == '*' && i + 1 < line.size() && line[i + 1] == '/') {
        open = false;
        ++i;
      }
    } else if (line[i] == '\'' || line[i] == '"') {
      const std::size_t close = line.find(line[i], i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (line[i] == '/' && i + 1 < line.size() && line[i + 1] == '*') {
      open = true;
      ++i;
    }
  }
  return open;
}

std::vector<QueryText> splitQueries(std::string_view text) {
  std::vector<QueryText> queries(1);
  int line_number = 0;
  bool after_blank = false;
  bool seen_text = false;
  bool in_comment = false;
  std::size_t query_start = 0;
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t end = text.find('\n', from);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view line = text.substr(from, end - from);
    const bool blank = core::trim(line).empty();
    if (!blank && after_blank && seen_text && !in_comment && startsWithSelect(line)) {
      queries.back().text = text.substr(query_start, from - query_start);
      queries.push_back(QueryText{line_number, {}});
      query_start = from;
    }
    ++line_number;
    in_comment = commentOpenAfter(line, in_comment);
    if (!blank) seen_text = true;
    after_blank = blank;
    from = end;
  }
  queries.back().text = text.substr(query_start);
  return queries;
}

// "AQL syntax error at line 2, column 1 ...": the parser's line, of the query alone, made the
// file's.
void shiftMessageLine(std::string& message, int lines_before) {
  constexpr std::string_view kAt = "AQL syntax error at line ";
  if (lines_before == 0 || message.rfind(kAt, 0) != 0) return;
  int line = 0;
  const char* first = message.data() + kAt.size();
  const auto [end, error] = std::from_chars(first, message.data() + message.size(), line);
  if (error != std::errc()) return;
  message.replace(kAt.size(), static_cast<std::size_t>(end - first),
                  std::to_string(line + lines_before));
}

}  // namespace

std::size_t countQueries(std::string_view text) { return splitQueries(text).size(); }

std::vector<aql::Diagnostic> lintQueries(std::string_view text) {
  std::vector<aql::Diagnostic> diagnostics;
  for (const QueryText& query : splitQueries(text)) {
    for (aql::Diagnostic& diagnostic : aql::lint(query.text)) {
      diagnostic.pos.line += query.lines_before;
      shiftMessageLine(diagnostic.message, query.lines_before);
      diagnostics.push_back(std::move(diagnostic));
    }
  }
  return diagnostics;
}

}  // namespace aihunt::cli

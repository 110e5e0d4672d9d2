#include "cli/aql_file.h"

#include "cli/aql_lint_queries.h"
#include "core/text.h"
#include "core/text_file.h"

namespace aihunt::cli {
namespace {

// "SELECT ..." with a space or line break after the keyword: no file is named like that by
// accident, while a query always starts so.
bool readsLikeQuery(const std::string& path) {
  constexpr std::string_view kSelect = "select";
  if (path.size() <= kSelect.size()) return false;
  const char after = path[kSelect.size()];
  return core::iequals(std::string_view(path).substr(0, kSelect.size()), kSelect) &&
         (after == ' ' || after == '\t' || after == '\n' || after == '\r');
}

}  // namespace

core::Result<std::string> readAqlFile(const std::string& path) {
  auto text = core::readTextFile(path);
  if (!text && readsLikeQuery(path)) {
    return core::makeError(core::ErrorCode::kIo,
                           "\"" + core::printableExcerpt(path, 40) +
                               "\" is a query, not a file name: write the query to a file and "
                               "give that file's name");
  }
  // A byte-order mark that an editor on Windows saves is no part of the query: the console
  // would refuse the query for it.
  if (text && std::string_view(*text).substr(0, 3) == "\xEF\xBB\xBF") text->erase(0, 3);
  // A file of events or results given for the query (--aql events.jsonl): JSON, never AQL.
  if (text) {
    const std::string_view head = core::trim(std::string_view(*text).substr(0, 64));
    if (!head.empty() && (head.front() == '{' || head.front() == '[')) {
      return core::makeError(core::ErrorCode::kParse,
                             core::printableExcerpt(path, 200) +
                                 " holds JSON, not an AQL query: exported events are hunted "
                                 "with --offline FILE, Ariel results read with 'aihunt triage "
                                 "FILE'");
    }
  }
  return text;
}

core::Error queryFileError(const core::Error& parse_error, const std::string& path,
                           std::string_view text) {
  const std::size_t queries = countQueries(text);
  if (queries < 2) return parse_error.withContext(path);
  return core::makeError(parse_error.code,
                         path + " holds " + std::to_string(queries) +
                             " queries (each after a blank line, as 'aihunt aql lint' reads "
                             "it); --aql runs one query: give each its own file (" +
                             parse_error.message + ")");
}

}  // namespace aihunt::cli

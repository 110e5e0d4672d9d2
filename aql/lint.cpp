#include "aql/lint.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "aql/function_catalog.h"
#include "aql/lexer.h"
#include "aql/parser.h"
#include "aql/printer.h"
#include "aql/time_window.h"
#include "core/text.h"

namespace aihunt::aql {
namespace {

bool isStartTime(const Expr& e) {
  return e.kind == ExprKind::kField && core::iequals(e.text, "starttime");
}

// Finds a `starttime > ...` style filter: people write it believing it sets the search range.
const Expr* findStartTimeFilter(const Expr& e) {
  if (e.kind == ExprKind::kBinary && e.binary_op >= BinaryOp::kLt && e.binary_op <= BinaryOp::kGe &&
      (isStartTime(e.args[0]) || isStartTime(e.args[1]))) {
    return &e;
  }
  if (e.kind == ExprKind::kBetween && isStartTime(e.args[0])) return &e;
  for (const Expr& arg : e.args) {
    if (const Expr* hit = findStartTimeFilter(arg)) return hit;
  }
  return nullptr;
}

// A pattern written in double quotes: in AQL they name a property ("User Agent"), single
// quotes make a string (IBM's quotation marks table: LIKE and = take single-quoted VARCHARs).
// A name holding a wildcard or a regular expression's metacharacters is a pattern meant as one.
void checkQuotedPattern(const Expr& e, std::vector<Diagnostic>& out) {
  const Expr& right = e.args[1];
  if (right.kind != ExprKind::kField) return;
  const bool regex = e.like_op == LikeOp::kMatches || e.like_op == LikeOp::kIMatches;
  const bool pattern = regex ? right.text.find_first_of("*^$\\[|+?") != std::string::npos
                             : right.text.find('%') != std::string::npos;
  if (!pattern) return;
  out.push_back({Severity::kError, "double-quoted-pattern", right.pos,
                 "\"" + core::printableExcerpt(right.text, 60) +
                     "\" is a property name: in AQL double quotes name a property and single "
                     "quotes make a string; write the pattern as '" +
                     core::printableExcerpt(right.text, 60) + "'"});
}

// `*` in a LIKE pattern is an asterisk: the wildcards are % (any run of characters) and _ (one).
void checkStarWildcard(const Expr& e, std::vector<Diagnostic>& out) {
  const std::string& pattern = e.args[1].text;
  if (pattern.find('*') == std::string::npos || pattern.find('%') != std::string::npos) return;
  out.push_back({Severity::kWarning, "like-star", e.args[1].pos,
                 "'*' in a LIKE pattern matches only an asterisk; the wildcard for any "
                 "characters is '%' (and '_' for one)"});
}

void checkLikePatterns(const Expr& e, std::vector<Diagnostic>& out) {
  if (e.kind == ExprKind::kLike) checkQuotedPattern(e, out);
  if (e.kind == ExprKind::kLike && e.args[1].kind == ExprKind::kString &&
      (e.like_op == LikeOp::kLike || e.like_op == LikeOp::kILike)) {
    checkStarWildcard(e, out);
  }
  if (e.kind == ExprKind::kLike && e.args[1].kind == ExprKind::kString) {
    const std::string& pattern = e.args[1].text;
    const bool regex = e.like_op == LikeOp::kMatches || e.like_op == LikeOp::kIMatches;
    if (!regex &&
        (pattern.find("\\%") != std::string::npos || pattern.find("\\_") != std::string::npos)) {
      out.push_back({Severity::kWarning, "like-escape", e.args[1].pos,
                     "backslash before '%' or '_' makes it a literal character in aihunt's "
                     "evaluator; check that QRadar reads the pattern the same way"});
    }
    const bool lowered = e.args[0].kind == ExprKind::kFunction && e.args[0].text == "LOWER";
    if (!regex && lowered &&
        std::any_of(pattern.begin(), pattern.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
      out.push_back({Severity::kWarning, "lower-like-uppercase", e.args[1].pos,
                     "LOWER(...) is compared with a pattern containing upper case letters; it "
                     "can never match"});
    }
  }
  for (const Expr& arg : e.args) checkLikePatterns(arg, out);
}

// DATEFORMAT takes Java's date patterns (IBM's AQL date and time functions), in which Y is the
// week-based year and D the day of the year: 'YYYY-MM-DD' prints 2027-12-365 on 31 December
// 2026. Letters inside 'quoted text' are literal.
void checkDatePattern(const Expr& e, std::vector<Diagnostic>& out) {
  if (e.text != "DATEFORMAT" || e.args.size() < 2 || e.args[1].kind != ExprKind::kString) return;
  bool quoted = false;
  bool week_year = false;
  bool week = false;
  bool day_of_year = false;
  for (const char c : e.args[1].text) {
    if (c == '\'') quoted = !quoted;
    if (quoted) continue;
    week_year = week_year || c == 'Y';
    week = week || c == 'w';
    day_of_year = day_of_year || c == 'D';
  }
  // With the week of the year ('YYYY-ww'), the week-based year is the right one (a trial:
  // 'yyyy-ww' labels 31 December 2026 as week 1 of 2026).
  if (week_year && !week) {
    out.push_back({Severity::kWarning, "week-year", e.args[1].pos,
                   "'Y' in a DATEFORMAT pattern is the week-based year, which differs from the "
                   "calendar year around New Year; write 'yyyy'"});
  }
  if (day_of_year) {
    out.push_back({Severity::kWarning, "day-of-year", e.args[1].pos,
                   "'D' in a DATEFORMAT pattern is the day of the year (1-366); write 'dd' for "
                   "the day of the month"});
  }
}

// Every call against the function catalog: QRadar answers 422 to a function it does not know.
void checkFunctions(const Expr& e, std::vector<Diagnostic>& out) {
  if (e.kind == ExprKind::kFunction) {
    checkDatePattern(e, out);
    if (auto problem = functionCallProblem(e)) {
      const bool unknown = findFunction(e.text) == nullptr;
      out.push_back(
          {Severity::kError, unknown ? "unknown-function" : "function-arguments", e.pos, *problem});
    } else if (findFunction(e.text)->kind == FunctionKind::kDocumented) {
      out.push_back({Severity::kWarning, "unevaluated-function", e.pos,
                     e.text + "() is an AQL function, but aihunt's engine (offline hunts, "
                              "qradar-emu) does not evaluate it"});
    }
  }
  for (const Expr& arg : e.args) checkFunctions(arg, out);
}

void checkAllFunctions(const Query& query, std::vector<Diagnostic>& out) {
  for (const SelectItem& item : query.select) checkFunctions(item.expr, out);
  if (query.where) checkFunctions(*query.where, out);
  for (const Expr& e : query.group_by) checkFunctions(e, out);
  if (query.having) checkFunctions(*query.having, out);
  for (const OrderItem& item : query.order_by) checkFunctions(item.expr, out);
}

// Zone-less START/STOP text is read in the console's time zone, which differs between consoles.
void checkTimeZone(const TimeClause& clause, std::vector<Diagnostic>& out) {
  if (clause.kind != TimeClause::Kind::kStartStop) return;
  const auto zoneless = [](const TimePoint& p) {
    if (p.kind != TimePoint::Kind::kText) return false;
    auto parsed = parseAqlTimeText(p.text);
    return parsed.ok() && !parsed.value().utc;
  };
  if (zoneless(clause.start) || (clause.has_stop && zoneless(clause.stop))) {
    out.push_back({Severity::kWarning, "zoneless-time", clause.pos,
                   "START/STOP text without a Z suffix is read in the console's time zone; "
                   "write 'yyyy-MM-dd HH:mmZ' (UTC) or epoch milliseconds"});
  }
}

// START at or after STOP: the search covers no time. Where both ends are instants (UTC text or
// epoch milliseconds), or both zone-less text (one console zone moves both alike); not for
// PARSEDATETIME or a mix, which depend on the console.
void checkEmptyRange(const TimeClause& clause, std::vector<Diagnostic>& out) {
  if (clause.kind != TimeClause::Kind::kStartStop || !clause.has_stop) return;
  // 1: a fixed instant, 2: zone-less text, 0: neither.
  const auto kind = [](const TimePoint& p) {
    if (p.kind == TimePoint::Kind::kEpochMs) return 1;
    if (p.kind != TimePoint::Kind::kText) return 0;
    auto parsed = parseAqlTimeText(p.text);
    if (!parsed.ok()) return 0;
    return parsed.value().utc ? 1 : 2;
  };
  const int start = kind(clause.start);
  const int stop = kind(clause.stop);
  if (start == 0 || stop == 0 || (start == 2) != (stop == 2)) return;
  auto range = resolveTimeRange(clause, 0);
  if (!range.ok() || range.value().from < range.value().to) return;
  // Said only when it is the reason: STOP 10:00 ends at 09:59:59, before START 10:00.
  bool minute_end = false;
  if (clause.stop.kind == TimePoint::Kind::kText) {
    auto text = parseAqlTimeText(clause.stop.text);
    minute_end = text.ok() && !text.value().has_seconds && range.value().to == range.value().from;
  }
  out.push_back({Severity::kWarning, "empty-range", clause.pos,
                 std::string("START is not before STOP") +
                     (minute_end ? " (STOP without seconds ends before its minute)" : "") +
                     ": the search covers no time and returns no row"});
}

}  // namespace

std::vector<Diagnostic> lintQuery(const Query& query) {
  std::vector<Diagnostic> out;
  checkAllFunctions(query, out);
  checkTimeZone(query.time, out);
  checkEmptyRange(query.time, out);
  if (query.time.kind == TimeClause::Kind::kNone) {
    std::string message =
        "no time clause: without LAST n MINUTES|HOURS|DAYS or START ... STOP ..., QRadar searches "
        "only the last 60 seconds";
    if (query.where) {
      if (findStartTimeFilter(*query.where) != nullptr) {
        message +=
            "; the starttime filter in WHERE narrows rows within that minute, it does not widen "
            "the search range";
      }
    }
    out.push_back({Severity::kWarning, "no-time-clause", query.end_pos, message});
  }
  if (query.limit) {
    out.push_back({Severity::kWarning, "limit", query.limit_pos,
                   "LIMIT " + std::to_string(*query.limit) +
                       " silently caps the results: a hunt cannot tell a quiet window from a "
                       "truncated one"});
  }
  for (const SelectItem& item : query.select) {
    if (!item.alias && item.expr.kind != ExprKind::kField && item.expr.kind != ExprKind::kStar) {
      out.push_back({Severity::kWarning, "unaliased-column", item.expr.pos,
                     "column '" + printExpr(item.expr).substr(0, 60) +
                         "' has no alias; Ariel names it with a generated key (e.g. "
                         "categoryname_category). Add AS <name>"});
    }
  }
  if (query.where) checkLikePatterns(*query.where, out);
  for (const SelectItem& item : query.select) checkLikePatterns(item.expr, out);
  for (const OrderItem& item : query.order_by) {
    if (item.collate) {
      out.push_back({Severity::kWarning, "collate", item.expr.pos,
                     "COLLATE is AQL (IBM documents it for ORDER BY), but aihunt's engine "
                     "(offline hunts, qradar-emu) sorts by byte order: a console may order "
                     "non-ASCII text differently"});
    }
  }
  return out;
}

// Whether the word before `offset` (past blanks) is TEXT: `TEXT SEARCH`, not another SEARCH.
bool followsWordText(std::string_view text, std::size_t offset) {
  std::size_t end = std::min(offset, text.size());
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\n' ||
                     text[end - 1] == '\r')) {
    --end;
  }
  return end >= 4 && core::iequals(text.substr(end - 4, 4), "TEXT") &&
         (end == 4 ||
          !(std::isalnum(static_cast<unsigned char>(text[end - 5])) != 0 || text[end - 5] == '_'));
}

namespace {

// The first `--` written as two adjacent minus signs and followed by a blank, a word or the end
// of the text: SQL's line comment, which AQL does not have (IBM documents /* ... */ only), so the
// words after it are read as part of the query. `5--1` (five minus minus one) is arithmetic.
std::optional<Position> findDoubleDash(std::string_view text) {
  auto tokens = tokenize(text);
  if (!tokens.ok()) return std::nullopt;
  const std::vector<Token>& list = tokens.value();
  for (std::size_t i = 0; i + 1 < list.size(); ++i) {
    if (list[i].kind != TokenKind::kSymbol || list[i].text != "-" ||
        list[i + 1].kind != TokenKind::kSymbol || list[i + 1].text != "-" ||
        list[i + 1].pos.offset != list[i].pos.offset + 1) {
      continue;
    }
    const std::size_t after = list[i].pos.offset + 2;
    const char next = after < text.size() ? text[after] : ' ';
    if (next == ' ' || next == '\t' || next == '\r' || next == '\n' ||
        std::isalpha(static_cast<unsigned char>(next)) != 0) {
      return list[i].pos;
    }
  }
  return std::nullopt;
}

constexpr const char* kDoubleDash =
    "'--' is not a comment in AQL (QRadar reads /* ... */ inside a query, nothing else): the "
    "text after it is read as part of the query, '--' as two minus signs";

}  // namespace

std::optional<Diagnostic> doubleDashComment(std::string_view text) {
  const std::optional<Position> dash = findDoubleDash(text);
  if (!dash) return std::nullopt;
  return Diagnostic{Severity::kError, "double-dash", *dash, kDoubleDash};
}

std::vector<Diagnostic> lint(std::string_view text) {
  SyntaxError detail;
  auto parsed = parse(text, &detail);
  const std::optional<Position> dash = findDoubleDash(text);
  if (!parsed.ok() && dash && dash->offset <= detail.pos.offset) {
    // The words of a comment are the syntax error: said as what they are.
    return {Diagnostic{Severity::kError, "double-dash", *dash,
                       std::string(kDoubleDash) + "; the query was not checked past it"}};
  }
  if (!parsed.ok()) {
    // IBM documents full-text search (`WHERE TEXT SEARCH 'term'`, AQL quotation marks page);
    // aihunt's engine does not run it. Not a syntax error a console would answer with 422: said
    // as what it is, and that nothing past it was checked.
    if (core::iequals(detail.near, "SEARCH") && followsWordText(text, detail.pos.offset)) {
      return {Diagnostic{Severity::kError, "unsupported", detail.pos,
                         "TEXT SEARCH is AQL (IBM documents full-text search), but aihunt's "
                         "engine (offline hunts, qradar-emu) does not run it; the query was not "
                         "checked past this point"}};
    }
    return {Diagnostic{Severity::kError, "syntax", detail.pos, parsed.error().message}};
  }
  std::vector<Diagnostic> out = lintQuery(parsed.value());
  // A one-word comment parses (`'%x%' -- note` is `'%x%' - (-note)`) and silently matches
  // nothing: an error all the same.
  if (dash)
    out.insert(out.begin(), Diagnostic{Severity::kError, "double-dash", *dash, kDoubleDash});
  return out;
}

std::string formatDiagnostic(const Diagnostic& d) {
  return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " +
         (d.severity == Severity::kError ? "error" : "warning") + " [" + d.code +
         "]: " + d.message +
         // For a person, not what a console would say.
         (d.code == "unknown-function" ? ": not in IBM's AQL reference; a console refuses the "
                                         "query (422) unless it has a custom function of that "
                                         "name"
                                       : "");
}

bool filtersOnStartTime(const Query& query) {
  return query.where && findStartTimeFilter(*query.where) != nullptr;
}

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace aihunt::aql

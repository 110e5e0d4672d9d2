#include "aql/lint.h"

#include <algorithm>

#include "aql/parser.h"
#include "aql/printer.h"
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

void checkLikePatterns(const Expr& e, std::vector<Diagnostic>& out) {
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

}  // namespace

std::vector<Diagnostic> lintQuery(const Query& query) {
  std::vector<Diagnostic> out;
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
  return out;
}

std::vector<Diagnostic> lint(std::string_view text) {
  SyntaxError detail;
  auto parsed = parse(text, &detail);
  if (!parsed.ok()) {
    return {Diagnostic{Severity::kError, "syntax", detail.pos, parsed.error().message}};
  }
  return lintQuery(parsed.value());
}

std::string formatDiagnostic(const Diagnostic& d) {
  return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " +
         (d.severity == Severity::kError ? "error" : "warning") + " [" + d.code + "]: " + d.message;
}

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace aihunt::aql

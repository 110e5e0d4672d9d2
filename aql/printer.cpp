#include "aql/printer.h"

#include <charconv>

#include "aql/parser.h"

namespace aihunt::aql {
namespace {

// Binding strength, loosest first. IF has no closing keyword, so its ELSE branch swallows
// anything after it: it binds loosest of all and is parenthesised wherever it is an operand.
enum Level : int {
  kLevelIf = 0,
  kLevelOr = 1,
  kLevelAnd = 2,
  kLevelNot = 3,
  kLevelCompare = 4,
  kLevelAdd = 5,
  kLevelMul = 6,
  kLevelPow = 7,
  kLevelUnary = 8,
  kLevelPrimary = 9,
};

int levelOf(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kIf:
      return kLevelIf;
    case ExprKind::kOr:
      return kLevelOr;
    case ExprKind::kAnd:
      return kLevelAnd;
    case ExprKind::kNot:
      return kLevelNot;
    case ExprKind::kLike:
    case ExprKind::kIn:
    case ExprKind::kBetween:
    case ExprKind::kIsNull:
      return kLevelCompare;
    case ExprKind::kBinary:
      switch (e.binary_op) {
        case BinaryOp::kAdd:
        case BinaryOp::kSub:
          return kLevelAdd;
        case BinaryOp::kMul:
        case BinaryOp::kDiv:
        case BinaryOp::kMod:
          return kLevelMul;
        case BinaryOp::kPow:
          return kLevelPow;
        default:
          return kLevelCompare;
      }
    case ExprKind::kNegate:
      return kLevelUnary;
    default:
      return kLevelPrimary;
  }
}

void printTo(const Expr& e, std::string& out);

// Prints `e`, parenthesised if it binds looser than `min_level`.
void printAt(const Expr& e, int min_level, std::string& out) {
  if (levelOf(e) < min_level) {
    out += '(';
    printTo(e, out);
    out += ')';
  } else {
    printTo(e, out);
  }
}

void printList(const std::vector<Expr>& items, std::size_t from, std::string& out) {
  for (std::size_t i = from; i < items.size(); ++i) {
    if (i > from) out += ", ";
    printAt(items[i], kLevelIf, out);
  }
}

void printFloat(double value, std::string& out) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  // "3" would read back as an integer.
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  out += text;
}

void printTo(const Expr& e, std::string& out) {
  switch (e.kind) {
    case ExprKind::kNull:
      out += "NULL";
      return;
    case ExprKind::kBool:
      out += e.bool_value ? "TRUE" : "FALSE";
      return;
    case ExprKind::kInteger:
      out += std::to_string(e.int_value);
      return;
    case ExprKind::kFloat:
      printFloat(e.float_value, out);
      return;
    case ExprKind::kString:
      out += quoteString(e.text);
      return;
    case ExprKind::kField:
      out += quoteName(e.text);
      return;
    case ExprKind::kStar:
      out += '*';
      return;
    case ExprKind::kFunction:
      out += e.text;
      out += '(';
      printList(e.args, 0, out);
      out += ')';
      return;
    case ExprKind::kNot:
      out += "NOT ";
      printAt(e.args[0], kLevelNot, out);
      return;
    case ExprKind::kNegate:
      out += '-';
      // "--x" reads as two minus signs, but looks like a comment to people: print "- -x". Not
      // "-(-x)": each parenthesis is a level of the parser's nesting limit, so a long chain of
      // minus signs that parsed would print to text that no longer does.
      if (e.args[0].kind == ExprKind::kNegate) out += ' ';
      printAt(e.args[0], kLevelUnary, out);
      return;
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      const bool is_and = e.kind == ExprKind::kAnd;
      // A nested chain of the same kind keeps its parentheses, so the tree reads back unchanged.
      const int child_level = is_and ? kLevelNot : kLevelAnd;
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i > 0) out += is_and ? " AND " : " OR ";
        printAt(e.args[i], child_level, out);
      }
      return;
    }
    case ExprKind::kBinary: {
      const int level = levelOf(e);
      const bool compare = level == kLevelCompare;
      printAt(e.args[0], compare ? kLevelAdd : level, out);
      out += ' ';
      out += binaryOpText(e.binary_op);
      out += ' ';
      printAt(e.args[1], compare ? kLevelAdd : level + 1, out);
      return;
    }
    case ExprKind::kLike:
      printAt(e.args[0], kLevelAdd, out);
      out += e.negated ? " NOT " : " ";
      out += likeOpText(e.like_op);
      out += ' ';
      printAt(e.args[1], kLevelAdd, out);
      return;
    case ExprKind::kIn:
      printAt(e.args[0], kLevelAdd, out);
      out += e.negated ? " NOT IN (" : " IN (";
      printList(e.args, 1, out);
      out += ')';
      return;
    case ExprKind::kBetween:
      printAt(e.args[0], kLevelAdd, out);
      out += e.negated ? " NOT BETWEEN " : " BETWEEN ";
      printAt(e.args[1], kLevelAdd, out);
      out += " AND ";
      printAt(e.args[2], kLevelAdd, out);
      return;
    case ExprKind::kIsNull:
      printAt(e.args[0], kLevelAdd, out);
      out += e.negated ? " IS NOT NULL" : " IS NULL";
      return;
    case ExprKind::kCase: {
      out += "CASE";
      std::size_t i = 0;
      if (e.has_operand) {
        out += ' ';
        printAt(e.args[0], kLevelOr, out);
        i = 1;
      }
      const std::size_t pairs_end = e.args.size() - (e.has_else ? 1 : 0);
      for (; i + 2 <= pairs_end; i += 2) {
        out += " WHEN ";
        printAt(e.args[i], kLevelOr, out);
        out += " THEN ";
        printAt(e.args[i + 1], kLevelOr, out);
      }
      if (e.has_else) {
        out += " ELSE ";
        printAt(e.args.back(), kLevelOr, out);
      }
      out += " END";
      return;
    }
    case ExprKind::kIf:
      // An IF inside CASE or in IF's condition or THEN part is parenthesised: a following
      // ELSE would otherwise attach to the inner IF (the dangling else).
      out += "IF ";
      printAt(e.args[0], kLevelOr, out);
      out += " THEN ";
      printAt(e.args[1], kLevelOr, out);
      if (e.has_else) {
        out += " ELSE ";
        printAt(e.args[2], kLevelIf, out);
      }
      return;
  }
}

// Bare only for lower-case words such as sourceip: Ariel's built-in columns. Custom properties
// ("URL", "Bytes Sent") keep the double quotes SOC analysts write and QRadar always accepts.
bool isBareName(std::string_view name) {
  if (name.empty()) return false;
  const auto first = name.front();
  if (!((first >= 'a' && first <= 'z') || first == '_')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return !isReservedWord(name);
}

std::string printTimePoint(const TimePoint& p) {
  switch (p.kind) {
    case TimePoint::Kind::kText:
      return quoteString(p.text);
    case TimePoint::Kind::kEpochMs:
      return std::to_string(p.epoch_ms);
    case TimePoint::Kind::kParseDateTime:
      return "PARSEDATETIME(" + quoteString(p.text) + ")";
  }
  return "";
}

}  // namespace

std::string quoteString(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string quoteName(std::string_view name) {
  if (isBareName(name)) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string printExpr(const Expr& expr) {
  std::string out;
  printTo(expr, out);
  return out;
}

std::string printTimeClause(const TimeClause& clause) {
  switch (clause.kind) {
    case TimeClause::Kind::kNone:
      return "";
    case TimeClause::Kind::kLast:
      return "LAST " + std::to_string(clause.amount) + " " + std::string(timeUnitText(clause.unit));
    case TimeClause::Kind::kStartStop:
      return "START " + printTimePoint(clause.start) +
             (clause.has_stop ? " STOP " + printTimePoint(clause.stop) : std::string());
  }
  return "";
}

std::string print(const Query& query) {
  std::string out = "SELECT ";
  for (std::size_t i = 0; i < query.select.size(); ++i) {
    if (i > 0) out += ", ";
    printTo(query.select[i].expr, out);
    if (query.select[i].alias) {
      out += " AS ";
      out += quoteName(*query.select[i].alias);
    }
  }
  out += query.database == Database::kFlows ? "\nFROM flows" : "\nFROM events";
  if (query.where) {
    out += "\nWHERE ";
    printTo(*query.where, out);
  }
  if (!query.group_by.empty()) {
    out += "\nGROUP BY ";
    printList(query.group_by, 0, out);
  }
  if (query.having) {
    out += "\nHAVING ";
    printTo(*query.having, out);
  }
  if (!query.order_by.empty()) {
    out += "\nORDER BY ";
    for (std::size_t i = 0; i < query.order_by.size(); ++i) {
      if (i > 0) out += ", ";
      printTo(query.order_by[i].expr, out);
      out += query.order_by[i].descending ? " DESC" : " ASC";
      if (query.order_by[i].collate) out += " COLLATE " + quoteString(*query.order_by[i].collate);
    }
  }
  if (query.limit) out += "\nLIMIT " + std::to_string(*query.limit);
  if (query.time.kind != TimeClause::Kind::kNone) out += "\n" + printTimeClause(query.time);
  return out;
}

}  // namespace aihunt::aql

#include "aql/ast.h"

#include <algorithm>

#include "aql/function_catalog.h"

namespace aihunt::aql {

bool operator==(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.args.size() != b.args.size()) return false;
  switch (a.kind) {
    case ExprKind::kBool:
      if (a.bool_value != b.bool_value) return false;
      break;
    case ExprKind::kInteger:
      if (a.int_value != b.int_value) return false;
      break;
    case ExprKind::kFloat:
      if (a.float_value != b.float_value) return false;
      break;
    case ExprKind::kString:
    case ExprKind::kField:
    case ExprKind::kFunction:
      if (a.text != b.text) return false;
      break;
    case ExprKind::kBinary:
      if (a.binary_op != b.binary_op) return false;
      break;
    case ExprKind::kLike:
      if (a.like_op != b.like_op || a.negated != b.negated) return false;
      break;
    case ExprKind::kIn:
    case ExprKind::kBetween:
    case ExprKind::kIsNull:
      if (a.negated != b.negated) return false;
      break;
    case ExprKind::kCase:
    case ExprKind::kIf:
      if (a.has_operand != b.has_operand || a.has_else != b.has_else) return false;
      break;
    default:
      break;
  }
  return std::equal(a.args.begin(), a.args.end(), b.args.begin());
}

bool operator==(const TimeClause& a, const TimeClause& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TimeClause::Kind::kNone:
      return true;
    case TimeClause::Kind::kLast:
      return a.amount == b.amount && a.unit == b.unit;
    case TimeClause::Kind::kStartStop:
      return a.start == b.start && a.has_stop == b.has_stop && (!a.has_stop || a.stop == b.stop);
  }
  return false;
}

bool operator==(const Query& a, const Query& b) {
  return a.select == b.select && a.database == b.database && a.where == b.where &&
         a.group_by == b.group_by && a.having == b.having && a.order_by == b.order_by &&
         a.limit == b.limit && a.time == b.time;
}

void updateDepth(Expr& expr) {
  int deepest = 0;
  for (const Expr& arg : expr.args) deepest = std::max(deepest, arg.depth);
  expr.depth = deepest + 1;
}

Expr makeNull() { return Expr{}; }

Expr makeInteger(std::int64_t value) {
  Expr e;
  e.kind = ExprKind::kInteger;
  e.int_value = value;
  return e;
}

Expr makeString(std::string value) {
  Expr e;
  e.kind = ExprKind::kString;
  e.text = std::move(value);
  return e;
}

Expr makeField(std::string name) {
  Expr e;
  e.kind = ExprKind::kField;
  e.text = std::move(name);
  return e;
}

Expr makeStar() {
  Expr e;
  e.kind = ExprKind::kStar;
  return e;
}

Expr makeNode(ExprKind kind, std::vector<Expr> args) {
  Expr e;
  e.kind = kind;
  e.args = std::move(args);
  updateDepth(e);
  return e;
}

Expr makeFunction(std::string name, std::vector<Expr> args) {
  Expr e = makeNode(ExprKind::kFunction, std::move(args));
  e.text = std::move(name);
  return e;
}

Expr makeBinary(BinaryOp op, Expr left, Expr right) {
  std::vector<Expr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  Expr e = makeNode(ExprKind::kBinary, std::move(args));
  e.binary_op = op;
  return e;
}

Expr makeLike(LikeOp op, bool negated, Expr left, Expr right) {
  std::vector<Expr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  Expr e = makeNode(ExprKind::kLike, std::move(args));
  e.like_op = op;
  e.negated = negated;
  return e;
}

namespace {
Expr makeChain(ExprKind kind, std::vector<Expr> parts) {
  if (parts.size() == 1) return std::move(parts.front());
  std::vector<Expr> flat;
  for (Expr& part : parts) {
    if (part.kind == kind) {
      for (Expr& inner : part.args) flat.push_back(std::move(inner));
    } else {
      flat.push_back(std::move(part));
    }
  }
  return makeNode(kind, std::move(flat));
}
}  // namespace

Expr makeAnd(std::vector<Expr> parts) { return makeChain(ExprKind::kAnd, std::move(parts)); }
Expr makeOr(std::vector<Expr> parts) { return makeChain(ExprKind::kOr, std::move(parts)); }

bool isAggregateName(std::string_view upper_name) {
  const FunctionSpec* spec = findFunction(upper_name);
  return spec != nullptr && spec->kind == FunctionKind::kAggregate;
}

bool containsAggregate(const Expr& expr) {
  if (expr.kind == ExprKind::kFunction && isAggregateName(expr.text)) return true;
  return std::any_of(expr.args.begin(), expr.args.end(),
                     [](const Expr& arg) { return containsAggregate(arg); });
}

std::string_view binaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
  }
  return "?";
}

std::string_view likeOpText(LikeOp op) {
  switch (op) {
    case LikeOp::kLike:
      return "LIKE";
    case LikeOp::kILike:
      return "ILIKE";
    case LikeOp::kMatches:
      return "MATCHES";
    case LikeOp::kIMatches:
      return "IMATCHES";
  }
  return "?";
}

std::string_view timeUnitText(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMinutes:
      return "MINUTES";
    case TimeUnit::kHours:
      return "HOURS";
    case TimeUnit::kDays:
      return "DAYS";
  }
  return "?";
}

}  // namespace aihunt::aql

// Evaluation of operators over one event (functions are in functions.cpp).
#include <charconv>
#include <cmath>
#include <optional>

#include "aql/compiled.h"

namespace aihunt::aql::detail {
namespace {

double toDouble(const Val& v) {
  return v.kind == Value::Kind::kInt ? static_cast<double>(v.i) : v.d;
}

// base ^ exponent by squaring, or nothing when a step leaves int64 (the caller goes to reals).
std::optional<std::int64_t> integerPower(std::int64_t base, std::int64_t exponent) {
  std::int64_t result = 1;
  while (exponent > 0) {
    if ((exponent & 1) != 0 && __builtin_mul_overflow(result, base, &result)) return std::nullopt;
    exponent >>= 1;
    if (exponent > 0 && __builtin_mul_overflow(base, base, &base)) return std::nullopt;
  }
  return result;
}

Val arith(BinaryOp op, const Val& left, const Val& right) {
  const Val a = toNumber(left);
  const Val b = toNumber(right);
  if (a.isNull() || b.isNull()) return Val::null();
  if (a.kind == Value::Kind::kInt && b.kind == Value::Kind::kInt) {
    std::int64_t r = 0;
    switch (op) {
      case BinaryOp::kAdd:
        if (!__builtin_add_overflow(a.i, b.i, &r)) return Val::integer(r);
        break;
      case BinaryOp::kSub:
        if (!__builtin_sub_overflow(a.i, b.i, &r)) return Val::integer(r);
        break;
      case BinaryOp::kMul:
        if (!__builtin_mul_overflow(a.i, b.i, &r)) return Val::integer(r);
        break;
      case BinaryOp::kPow:
        if (b.i >= 0) {
          if (auto power = integerPower(a.i, b.i)) return Val::integer(*power);
        }
        break;
      case BinaryOp::kMod:
        if (b.i == 0) return Val::null();
        if (b.i == -1) return Val::integer(0);  // INT64_MIN % -1 traps
        return Val::integer(a.i % b.i);
      case BinaryOp::kDiv:
        if (b.i == 0) return Val::null();
        if (a.i % b.i == 0 && b.i != -1) return Val::integer(a.i / b.i);
        break;
      default:
        break;
    }
  }
  const double x = toDouble(a);
  const double y = toDouble(b);
  switch (op) {
    case BinaryOp::kAdd:
      return Val::real(x + y);
    case BinaryOp::kSub:
      return Val::real(x - y);
    case BinaryOp::kMul:
      return Val::real(x * y);
    case BinaryOp::kDiv:
      return y == 0 ? Val::null() : Val::real(x / y);
    case BinaryOp::kMod:
      return y == 0 ? Val::null() : Val::real(std::fmod(x, y));
    case BinaryOp::kPow: {
      const double p = std::pow(x, y);
      return std::isfinite(p) ? Val::real(p) : Val::null();  // 0 ^ -1, (-8) ^ 0.5, overflow
    }
    default:
      return Val::null();
  }
}

Val compare(BinaryOp op, const Val& a, const Val& b) {
  const auto c = compareForPredicate(a, b);
  if (!c) return Val::null();
  switch (op) {
    case BinaryOp::kEq:
      return Val::boolean(*c == 0);
    case BinaryOp::kNe:
      return Val::boolean(*c != 0);
    case BinaryOp::kLt:
      return Val::boolean(*c < 0);
    case BinaryOp::kLe:
      return Val::boolean(*c <= 0);
    case BinaryOp::kGt:
      return Val::boolean(*c > 0);
    case BinaryOp::kGe:
      return Val::boolean(*c >= 0);
    default:
      return Val::null();
  }
}

Truth negate(Truth t) {
  if (t == Truth::kUnknown) return t;
  return t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
}

Val likeNode(Node& node, const Event& event, EvalContext& ctx) {
  const Val subject = eval(node.kids[0], event, ctx);
  if (subject.isNull()) return Val::null();
  const std::string_view text = textOf(subject, node.scratch);
  bool matched = false;
  if (node.never_matches) {
    matched = false;
  } else if (node.like) {
    matched = node.like->matches(text);
  } else {
    // A pattern computed per row: rare, so compiling it per row is acceptable.
    std::string pattern_scratch;
    const Val pattern = eval(node.kids[1], event, ctx);
    if (pattern.isNull()) return Val::null();
    const std::string_view subject_text = textOf(subject, node.scratch);
    matched = LikePattern(textOf(pattern, pattern_scratch), node.icase).matches(subject_text);
  }
  return Val::boolean(matched != node.negated);
}

Val regexNode(Node& node, const Event& event, EvalContext& ctx) {
  const Val subject = eval(node.kids[0], event, ctx);
  if (subject.isNull()) return Val::null();
  bool matched = false;
  if (node.regex) {
    matched = node.regex->matches(textOf(subject, node.scratch));
  } else {
    std::string pattern_scratch;
    const Val pattern = eval(node.kids[1], event, ctx);
    if (pattern.isNull()) return Val::null();
    auto compiled = RegexMatcher::compile(textOf(pattern, pattern_scratch), node.icase);
    if (!compiled.ok()) return Val::null();
    const Val again = eval(node.kids[0], event, ctx);  // pattern evaluation may reuse scratch
    matched = compiled->matches(textOf(again, node.scratch));
  }
  return Val::boolean(matched != node.negated);
}

}  // namespace

Val eval(Node& node, const Event& event, EvalContext& ctx) {
  switch (node.op) {
    case NodeOp::kConst:
      return viewOf(node.constant);
    case NodeOp::kField:
      return viewOf(event.get(node.field));
    case NodeOp::kAggRef:
      if (ctx.aggregates == nullptr) return Val::null();
      return viewOf((*ctx.aggregates)[static_cast<std::size_t>(node.slot)]);
    case NodeOp::kNot:
      return fromTruth(negate(truthOf(eval(node.kids[0], event, ctx))));
    case NodeOp::kNegate: {
      const Val v = toNumber(eval(node.kids[0], event, ctx));
      if (v.kind == Value::Kind::kInt) {
        if (v.i == INT64_MIN) return Val::real(-static_cast<double>(v.i));
        return Val::integer(-v.i);
      }
      if (v.kind == Value::Kind::kDouble) return Val::real(-v.d);
      return Val::null();
    }
    case NodeOp::kAnd: {
      bool unknown = false;
      for (Node& kid : node.kids) {
        const Truth t = truthOf(eval(kid, event, ctx));
        if (t == Truth::kFalse) return Val::boolean(false);
        if (t == Truth::kUnknown) unknown = true;
      }
      return unknown ? Val::null() : Val::boolean(true);
    }
    case NodeOp::kOr: {
      bool unknown = false;
      for (Node& kid : node.kids) {
        const Truth t = truthOf(eval(kid, event, ctx));
        if (t == Truth::kTrue) return Val::boolean(true);
        if (t == Truth::kUnknown) unknown = true;
      }
      return unknown ? Val::null() : Val::boolean(false);
    }
    case NodeOp::kCompare: {
      const Val a = eval(node.kids[0], event, ctx);
      if (a.isNull()) return Val::null();
      return compare(node.binary_op, a, eval(node.kids[1], event, ctx));
    }
    case NodeOp::kArith: {
      const Val a = eval(node.kids[0], event, ctx);
      if (a.isNull()) return Val::null();
      return arith(node.binary_op, a, eval(node.kids[1], event, ctx));
    }
    case NodeOp::kLike:
      return likeNode(node, event, ctx);
    case NodeOp::kContainsAny: {
      const Val subject = eval(node.kids[0], event, ctx);
      if (subject.isNull()) return Val::null();
      const std::string_view text = textOf(subject, node.scratch);
      if (node.anchored.empty()) return Val::boolean(node.needles->containsAny(text));
      bool found = false;
      node.needles->forEachMatch(text, [&](std::size_t index, std::size_t at) {
        const LikePattern* like = node.anchored[index].get();
        const std::size_t offset = like == nullptr ? 0 : like->icaseAnchor().offset;
        found = like == nullptr || (at >= offset && like->bodyMatchesAt(text, at - offset));
        return !found;
      });
      return Val::boolean(found);
    }
    case NodeOp::kRegex:
      return regexNode(node, event, ctx);
    case NodeOp::kIn: {
      const Val subject = eval(node.kids[0], event, ctx);
      if (subject.isNull()) return Val::null();
      bool unknown = false;
      for (std::size_t i = 1; i < node.kids.size(); ++i) {
        const auto c = compareForPredicate(subject, eval(node.kids[i], event, ctx));
        if (!c) {
          unknown = true;
        } else if (*c == 0) {
          return Val::boolean(!node.negated);
        }
      }
      return unknown ? Val::null() : Val::boolean(node.negated);
    }
    case NodeOp::kBetween: {
      const Val subject = eval(node.kids[0], event, ctx);
      const auto low = compareForPredicate(subject, eval(node.kids[1], event, ctx));
      const auto high = compareForPredicate(subject, eval(node.kids[2], event, ctx));
      // x BETWEEN a AND b is x >= a AND x <= b, with AND's three-valued rules.
      const Truth lt = low ? (*low >= 0 ? Truth::kTrue : Truth::kFalse) : Truth::kUnknown;
      const Truth ht = high ? (*high <= 0 ? Truth::kTrue : Truth::kFalse) : Truth::kUnknown;
      Truth both = Truth::kTrue;
      if (lt == Truth::kFalse || ht == Truth::kFalse) {
        both = Truth::kFalse;
      } else if (lt == Truth::kUnknown || ht == Truth::kUnknown) {
        both = Truth::kUnknown;
      }
      return fromTruth(node.negated ? negate(both) : both);
    }
    case NodeOp::kIsNull:
      return Val::boolean(eval(node.kids[0], event, ctx).isNull() != node.negated);
    case NodeOp::kCase: {
      std::size_t i = 0;
      Val operand;
      if (node.has_operand) {
        operand = eval(node.kids[0], event, ctx);
        i = 1;
      }
      const std::size_t pairs_end = node.kids.size() - (node.has_else ? 1 : 0);
      for (; i + 2 <= pairs_end; i += 2) {
        bool hit = false;
        if (node.has_operand) {
          const auto c = compareForPredicate(operand, eval(node.kids[i], event, ctx));
          hit = c && *c == 0;
        } else {
          hit = truthOf(eval(node.kids[i], event, ctx)) == Truth::kTrue;
        }
        if (hit) return eval(node.kids[i + 1], event, ctx);
      }
      if (node.has_else) return eval(node.kids.back(), event, ctx);
      return Val::null();
    }
    case NodeOp::kIf:
      if (truthOf(eval(node.kids[0], event, ctx)) == Truth::kTrue) {
        return eval(node.kids[1], event, ctx);
      }
      return node.has_else ? eval(node.kids[2], event, ctx) : Val::null();
    case NodeOp::kCall:
      return callFunction(node, event, ctx);
  }
  return Val::null();
}

}  // namespace aihunt::aql::detail

// AST -> evaluation nodes: names resolved, constants prepared, aggregates given slots.
#include <algorithm>
#include <array>
#include <iterator>

#include "aql/compiled.h"
#include "aql/function_catalog.h"
#include "aql/lexer.h"
#include "aql/printer.h"

namespace aihunt::aql::detail {
namespace {

// How each scalar function of the catalog (aql/function_catalog.h) is evaluated; names,
// argument counts and kinds live in the catalog only.
struct FunctionImpl {
  std::string_view name;
  Fn fn;
};

constexpr std::array<FunctionImpl, 16> kImplementations = {{
    {"LOWER", Fn::kLower},
    {"UPPER", Fn::kUpper},
    {"STR", Fn::kStr},
    {"LONG", Fn::kLong},
    {"DOUBLE", Fn::kDouble},
    {"NOW", Fn::kNow},
    {"DATEFORMAT", Fn::kDateFormat},
    {"CATEGORYNAME", Fn::kCategoryName},
    {"LOGSOURCENAME", Fn::kLogSourceName},
    {"QIDNAME", Fn::kQidName},
    {"LOGSOURCETYPENAME", Fn::kLogSourceTypeName},
    {"INCIDR", Fn::kInCidr},
    {"REFERENCESETCONTAINS", Fn::kReferenceSetContains},
    {"CONCAT", Fn::kConcat},
    {"STRLEN", Fn::kLength},
    {"PARSEDATETIME", Fn::kParseDateTime},
}};

std::optional<AggFn> aggregateOf(std::string_view name) {
  if (name == "COUNT") return AggFn::kCount;
  if (name == "SUM") return AggFn::kSum;
  if (name == "MIN") return AggFn::kMin;
  if (name == "MAX") return AggFn::kMax;
  if (name == "AVG") return AggFn::kAvg;
  if (name == "UNIQUECOUNT") return AggFn::kUniqueCount;
  return std::nullopt;
}

Node constantNode(Value value) {
  Node node;
  node.op = NodeOp::kConst;
  node.constant = std::move(value);
  return node;
}

}  // namespace

core::Error compileError(const Expr& at, std::string_view why) {
  return core::makeError(core::ErrorCode::kInvalidArgument,
                         "AQL error at " + describePosition(at.pos, printExpr(at).substr(0, 40)) +
                             ": " + std::string(why));
}

core::Result<Node> Compiler::compile(const Expr& expr, bool group) {
  Node node;
  switch (expr.kind) {
    case ExprKind::kNull:
      return constantNode(Value::null());
    case ExprKind::kBool:
      return constantNode(Value::boolean(expr.bool_value));
    case ExprKind::kInteger:
      return constantNode(Value::integer(expr.int_value));
    case ExprKind::kFloat:
      return constantNode(Value::real(expr.float_value));
    case ExprKind::kString:
      return constantNode(Value::string(expr.text));
    case ExprKind::kField:
      node.op = NodeOp::kField;
      node.field = schema_.intern(expr.text);
      return node;
    case ExprKind::kStar:
      return compileError(expr, "'*' is only allowed as a SELECT column or in COUNT(*)");
    case ExprKind::kFunction:
      return compileFunction(expr, group);
    case ExprKind::kLike:
      return compileLike(expr, group);
    case ExprKind::kNot:
      node.op = NodeOp::kNot;
      break;
    case ExprKind::kNegate:
      node.op = NodeOp::kNegate;
      break;
    case ExprKind::kAnd:
      node.op = NodeOp::kAnd;
      break;
    case ExprKind::kOr:
      node.op = NodeOp::kOr;
      break;
    case ExprKind::kBinary:
      node.op = expr.binary_op <= BinaryOp::kGe ? NodeOp::kCompare : NodeOp::kArith;
      node.binary_op = expr.binary_op;
      break;
    case ExprKind::kIn:
      node.op = NodeOp::kIn;
      break;
    case ExprKind::kBetween:
      node.op = NodeOp::kBetween;
      break;
    case ExprKind::kIsNull:
      node.op = NodeOp::kIsNull;
      break;
    case ExprKind::kCase:
      node.op = NodeOp::kCase;
      break;
    case ExprKind::kIf:
      node.op = NodeOp::kIf;
      break;
  }
  node.negated = expr.negated;
  node.has_operand = expr.has_operand;
  node.has_else = expr.has_else;
  node.kids.reserve(expr.args.size());
  for (const Expr& arg : expr.args) {
    auto kid = compile(arg, group);
    if (!kid.ok()) return kid.error();
    node.kids.push_back(std::move(kid.value()));
  }
  if (node.op == NodeOp::kOr) fuseContains(node);
  return node;
}

// Hunts test one value against dozens of host names: LOWER("URL") LIKE '%api.openai.com%' OR
// LOWER("URL") LIKE '%api.anthropic.com%' OR ... Matching them one by one scans the value once
// per pattern; the fused node scans it once for all (core::AsciiPatternSet). The answer is the
// same under SQL's three-valued OR: a NULL value makes every term, and so the group, unknown; a
// value makes each term true or false, and the group true exactly when one pattern occurs.
// A pattern with '_' ('%openai_api_key%') joins the scan with its longest plain run ("openai"),
// and each occurrence of the run is checked against the whole pattern (LikePattern::icaseAnchor).
void Compiler::fuseContains(Node& or_node) {
  std::vector<Node> kept;
  std::vector<std::pair<FieldId, std::vector<Node>>> groups;  // in order of first appearance
  for (Node& kid : or_node.kids) {
    const bool fusable = kid.op == NodeOp::kLike && !kid.negated && !kid.never_matches &&
                         kid.like && !kid.like->icaseAnchor().run.empty() &&
                         kid.kids[0].op == NodeOp::kField;
    if (!fusable) {
      kept.push_back(std::move(kid));
      continue;
    }
    const FieldId field = kid.kids[0].field;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& candidate) { return candidate.first == field; });
    if (group == groups.end()) {
      groups.emplace_back(field, std::vector<Node>{});
      group = std::prev(groups.end());
    }
    group->second.push_back(std::move(kid));
  }
  for (auto& [field, terms] : groups) {
    if (terms.size() == 1) {
      kept.push_back(std::move(terms.front()));
      continue;
    }
    std::vector<std::string> literals;
    literals.reserve(terms.size());
    std::vector<std::shared_ptr<const LikePattern>> anchored;
    for (const Node& term : terms) {
      literals.emplace_back(term.like->icaseAnchor().run);
      anchored.push_back(term.like->icaseContainedLiteral().empty() ? term.like : nullptr);
    }
    Node fused;
    fused.op = NodeOp::kContainsAny;
    fused.needles = std::make_shared<const core::AsciiPatternSet>(literals);
    const bool any_anchored = std::any_of(anchored.begin(), anchored.end(),
                                          [](const auto& like) { return like != nullptr; });
    if (any_anchored) fused.anchored = std::move(anchored);
    fused.kids.push_back(std::move(terms.front().kids[0]));
    kept.push_back(std::move(fused));
  }
  or_node.kids = std::move(kept);
}

core::Result<Node> Compiler::compileFunction(const Expr& expr, bool group) {
  if (auto problem = functionCallProblem(expr)) return compileError(expr, *problem);
  if (auto agg = aggregateOf(expr.text)) {
    if (!group) {
      return compileError(expr, expr.text +
                                    "() is an aggregate; it belongs in SELECT, HAVING or "
                                    "ORDER BY of an aggregated query, not here");
    }
    AggregateSpec spec;
    spec.fn = *agg;
    if (expr.args[0].kind == ExprKind::kStar) {
      if (*agg != AggFn::kCount) return compileError(expr, "only COUNT takes '*'");
      spec.fn = AggFn::kCountStar;
    } else {
      if (containsAggregate(expr.args[0])) {
        return compileError(expr, "aggregates cannot be nested");
      }
      auto arg = compile(expr.args[0], false);
      if (!arg.ok()) return arg.error();
      spec.arg = std::move(arg.value());
    }
    Node node;
    node.op = NodeOp::kAggRef;
    node.slot = static_cast<int>(aggregates_.size());
    aggregates_.push_back(std::move(spec));
    return node;
  }
  const FunctionImpl* impl = nullptr;
  for (const FunctionImpl& candidate : kImplementations) {
    if (candidate.name == expr.text) impl = &candidate;
  }
  if (impl == nullptr) {
    return compileError(expr, expr.text + "() is an AQL function that aihunt does not evaluate");
  }
  Node node;
  node.op = NodeOp::kCall;
  node.fn = impl->fn;
  for (const Expr& arg : expr.args) {
    auto kid = compile(arg, group);
    if (!kid.ok()) return kid.error();
    node.kids.push_back(std::move(kid.value()));
  }
  if (impl->fn == Fn::kInCidr && expr.args[0].kind == ExprKind::kString) {
    node.cidr = Cidr::parse(expr.args[0].text);
    if (!node.cidr) return compileError(expr.args[0], "not a CIDR network");
  }
  return node;
}

core::Result<Node> Compiler::compileLike(const Expr& expr, bool group) {
  Node node;
  node.negated = expr.negated;
  node.icase = expr.like_op == LikeOp::kILike || expr.like_op == LikeOp::kIMatches;
  const bool regex = expr.like_op == LikeOp::kMatches || expr.like_op == LikeOp::kIMatches;
  node.op = regex ? NodeOp::kRegex : NodeOp::kLike;
  const Expr* subject = &expr.args[0];
  const Expr& pattern = expr.args[1];
  const bool constant = pattern.kind == ExprKind::kString;
  // LOWER(x) LIKE 'const' is the portable case-insensitive idiom; matching x case-insensitively
  // gives the same answer without lowering a copy of every value.
  if (!regex && constant && !node.icase && subject->kind == ExprKind::kFunction &&
      subject->text == "LOWER" && subject->args.size() == 1) {
    const LikePattern probe(pattern.text, false);
    node.never_matches = probe.hasUpperCase();
    node.icase = true;
    subject = &subject->args[0];
  }
  auto left = compile(*subject, group);
  if (!left.ok()) return left.error();
  node.kids.push_back(std::move(left.value()));
  auto right = compile(pattern, group);
  if (!right.ok()) return right.error();
  node.kids.push_back(std::move(right.value()));
  if (constant) {
    if (regex) {
      auto matcher = RegexMatcher::compile(pattern.text, node.icase);
      if (!matcher.ok()) return compileError(pattern, matcher.error().message);
      node.regex = std::move(matcher.value());
    } else {
      node.like = std::make_shared<const LikePattern>(pattern.text, node.icase);
    }
  }
  return node;
}

}  // namespace aihunt::aql::detail

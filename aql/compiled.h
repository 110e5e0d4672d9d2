#pragma once
// Internal: a query's expressions compiled for evaluation. Field names are resolved to Schema
// indices, constant LIKE/regex/CIDR arguments are prepared once, and each node owns a scratch
// buffer for the text it produces, so evaluating a row allocates nothing in the common case.
// Not part of the public API (evaluator.h is).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aql/ast.h"
#include "aql/cidr.h"
#include "aql/evaluator.h"
#include "aql/event.h"
#include "aql/like.h"
#include "aql/lookups.h"
#include "aql/regex_match.h"
#include "aql/value.h"
#include "core/ascii_pattern_set.h"
#include "core/time.h"

namespace aihunt::aql::detail {

// A value during evaluation. Text is a view into an event, a constant or a node's scratch
// buffer, valid until that node is evaluated again.
struct Val {
  Value::Kind kind = Value::Kind::kNull;
  bool b = false;
  std::int64_t i = 0;
  double d = 0;
  std::string_view s;

  static Val null() { return {}; }
  static Val boolean(bool v) {
    Val r;
    r.kind = Value::Kind::kBool;
    r.b = v;
    return r;
  }
  static Val integer(std::int64_t v) {
    Val r;
    r.kind = Value::Kind::kInt;
    r.i = v;
    return r;
  }
  static Val real(double v) {
    Val r;
    r.kind = Value::Kind::kDouble;
    r.d = v;
    return r;
  }
  static Val text(std::string_view v) {
    Val r;
    r.kind = Value::Kind::kString;
    r.s = v;
    return r;
  }
  [[nodiscard]] bool isNull() const { return kind == Value::Kind::kNull; }
  [[nodiscard]] bool isNumber() const {
    return kind == Value::Kind::kInt || kind == Value::Kind::kDouble;
  }
};

Val viewOf(const Value& value);
Value toValue(const Val& val);

// Three-valued truth: kUnknown is SQL's NULL in a boolean position.
enum class Truth : std::int8_t { kFalse = 0, kTrue = 1, kUnknown = -1 };
Truth truthOf(const Val& v);
Val fromTruth(Truth t);

// Comparison for =, <, ...: nullopt when the values cannot be compared (NULL, text that is not
// a number against a number).
std::optional<int> compareForPredicate(const Val& a, const Val& b);
// Total order for ORDER BY, MIN and MAX: NULL < booleans < numbers < text.
int compareTotal(const Val& a, const Val& b);
int compareTotal(const Value& a, const Value& b);
// Text form used by STR(), LOWER() on numbers and output of group keys.
std::string_view textOf(const Val& v, std::string& scratch);
std::optional<std::int64_t> longOf(const Val& v);
// Numbers as they are; text that reads as a number ("Bytes Sent" is often text) as that number;
// anything else NULL.
Val toNumber(const Val& v);

enum class NodeOp : std::uint8_t {
  kConst,
  kField,
  kAggRef,
  kNot,
  kNegate,
  kAnd,
  kOr,
  kCompare,
  kArith,
  kLike,
  kContainsAny,  // an OR of case-insensitive '%literal%' LIKEs on one value, fused
  kRegex,
  kIn,
  kBetween,
  kIsNull,
  kCase,
  kIf,
  kCall,
};

enum class Fn : std::uint8_t {
  kLower,
  kUpper,
  kStr,
  kLong,
  kDouble,
  kNow,
  kDateFormat,
  kCategoryName,
  kLogSourceName,
  kQidName,
  kLogSourceTypeName,
  kInCidr,
  kReferenceSetContains,
  kConcat,
  kLength,
  kParseDateTime,
};

enum class AggFn : std::uint8_t { kCount, kCountStar, kSum, kMin, kMax, kAvg, kUniqueCount };

struct Node {
  NodeOp op = NodeOp::kConst;
  BinaryOp binary_op = BinaryOp::kEq;
  Fn fn = Fn::kLower;
  bool negated = false;
  bool icase = false;
  bool has_operand = false;
  bool has_else = false;
  bool never_matches = false;  // LOWER(x) LIKE '%UPPER%'
  FieldId field = 0;
  int slot = 0;  // kAggRef
  Value constant;
  std::vector<Node> kids;
  std::string scratch;
  std::shared_ptr<const LikePattern> like;
  std::shared_ptr<const core::AsciiPatternSet> needles;  // kContainsAny
  // kContainsAny: per needle, the pattern an occurrence must also match ('_' in it), or null
  // (the needle is the whole pattern). Empty when every entry would be null.
  std::vector<std::shared_ptr<const LikePattern>> anchored;
  std::optional<RegexMatcher> regex;
  std::optional<Cidr> cidr;
};

struct EvalContext {
  core::EpochMs now = 0;
  const LookupTables* lookups = nullptr;
  const ReferenceData* reference_data = nullptr;
  const std::vector<Value>* aggregates = nullptr;  // the current group's results
};

Val eval(Node& node, const Event& event, EvalContext& ctx);
Val callFunction(Node& node, const Event& event, EvalContext& ctx);

struct AggregateSpec {
  AggFn fn = AggFn::kCount;
  Node arg;  // evaluated per row (unused for COUNT(*))
};

// Compiles expressions of one query against one schema.
class Compiler {
 public:
  Compiler(Schema& schema, std::vector<AggregateSpec>& aggregates)
      : schema_(schema), aggregates_(aggregates) {}

  // Row context: aggregates are an error. Group context: aggregates become kAggRef slots.
  core::Result<Node> compileRow(const Expr& expr) { return compile(expr, false); }
  core::Result<Node> compileGroup(const Expr& expr) { return compile(expr, true); }

 private:
  core::Result<Node> compile(const Expr& expr, bool group);
  core::Result<Node> compileFunction(const Expr& expr, bool group);
  core::Result<Node> compileLike(const Expr& expr, bool group);
  static void fuseContains(Node& or_node);

  Schema& schema_;
  std::vector<AggregateSpec>& aggregates_;
};

// The range a query reads: the caller's (--last, --from/--to) or the query's own clause.
core::Result<TimeRange> queryRange(const Query& query, const EvalOptions& options);
// Whether an event's starttime falls in `range`: Ariel has no event without a start time.
std::optional<std::int64_t> startTimeOf(const Event& event, FieldId starttime);
bool inTimeRange(const Event& event, FieldId starttime, const TimeRange& range);

// "line 2, column 5: ..." as a core::Error of kind kInvalidArgument.
core::Error compileError(const Expr& at, std::string_view why);

}  // namespace aihunt::aql::detail

#pragma once
// The AQL syntax tree. One Expr type with a kind tag keeps equality, printing and generation
// simple; positions and depth are bookkeeping and do not take part in equality, so
// parse(print(ast)) == ast can hold.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aql/token.h"

namespace aihunt::aql {

enum class ExprKind : std::uint8_t {
  kNull,
  kBool,     // TRUE / FALSE
  kInteger,  // non-negative: a leading minus is a kNegate node
  kFloat,    // non-negative and finite
  kString,
  kField,     // sourceip, "Bytes Sent"; also an alias where ORDER BY / GROUP BY name one
  kStar,      // SELECT * and COUNT(*)
  kFunction,  // name upper-cased, args
  kNot,       // args[0]
  kNegate,    // args[0]
  kAnd,       // args: two or more (chains are flat, so long OR lists do not nest deeply)
  kOr,        // args: two or more
  kBinary,    // op, args[0] op args[1]
  kLike,      // op (LIKE/ILIKE/MATCHES/IMATCHES), negated, args[0] op args[1]
  kIn,        // negated, args[0] IN (args[1..])
  kBetween,   // negated, args[0] BETWEEN args[1] AND args[2]
  kIsNull,    // negated (IS NOT NULL), args[0]
  kCase,      // has_operand/has_else; args: [operand] (when, then)... [else]
  kIf,        // has_else; args: condition, then, [else]
};

// kPow: `^`, "raises a value to the power given" (IBM's AQL operators table).
enum class BinaryOp : std::uint8_t {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow
};
enum class LikeOp : std::uint8_t { kLike, kILike, kMatches, kIMatches };

struct Expr {
  ExprKind kind = ExprKind::kNull;
  BinaryOp binary_op = BinaryOp::kEq;
  LikeOp like_op = LikeOp::kLike;
  bool negated = false;
  bool has_operand = false;  // CASE x WHEN ...
  bool has_else = false;     // CASE ... ELSE ...
  bool bool_value = false;
  std::int64_t int_value = 0;
  double float_value = 0;
  std::string text;  // string value, field name, function name (upper case)
  std::vector<Expr> args;

  Position pos;   // not compared
  int depth = 1;  // height of this subtree; not compared

  friend bool operator==(const Expr& a, const Expr& b);
};

enum class Database : std::uint8_t { kEvents, kFlows };
enum class TimeUnit : std::uint8_t { kMinutes, kHours, kDays };

// One end of START ... STOP.
struct TimePoint {
  enum class Kind : std::uint8_t { kText, kEpochMs, kParseDateTime };
  Kind kind = Kind::kText;
  std::string
      text;  // kText: 'yyyy-MM-dd HH:mm[Z]' etc. (parseAqlTimeText); kParseDateTime: its argument
  std::int64_t epoch_ms = 0;
  friend bool operator==(const TimePoint&, const TimePoint&) = default;
};

struct TimeClause {
  enum class Kind : std::uint8_t { kNone, kLast, kStartStop };
  Kind kind = Kind::kNone;
  std::int64_t amount = 0;  // kLast
  TimeUnit unit = TimeUnit::kMinutes;
  TimePoint start;
  TimePoint stop;        // meaningful only with has_stop
  bool has_stop = true;  // START without STOP: STOP is now (IBM, "Time criteria in AQL queries")
  Position pos;          // not compared
  friend bool operator==(const TimeClause& a, const TimeClause& b);
};

struct SelectItem {
  Expr expr;
  std::optional<std::string> alias;
  friend bool operator==(const SelectItem&, const SelectItem&) = default;
};

struct OrderItem {
  Expr expr;
  bool descending = false;
  // COLLATE 'de-CH' (a BCP 47 language tag): kept and printed; aihunt's engine sorts by byte
  // order whatever it says.
  std::optional<std::string> collate;
  friend bool operator==(const OrderItem&, const OrderItem&) = default;
};

struct Query {
  std::vector<SelectItem> select;
  Database database = Database::kEvents;
  std::optional<Expr> where;
  std::vector<Expr> group_by;
  std::optional<Expr> having;
  std::vector<OrderItem> order_by;
  std::optional<std::int64_t> limit;
  TimeClause time;

  Position limit_pos;  // not compared; lint points at it
  Position end_pos;    // not compared; where a time clause would go

  friend bool operator==(const Query& a, const Query& b);
};

// Small constructors for code that builds trees (builder, tests, generators). They keep
// `depth` right.
Expr makeNull();
Expr makeInteger(std::int64_t value);
Expr makeString(std::string value);
Expr makeField(std::string name);
Expr makeStar();
Expr makeFunction(std::string name, std::vector<Expr> args);
Expr makeNode(ExprKind kind, std::vector<Expr> args);
Expr makeBinary(BinaryOp op, Expr left, Expr right);
Expr makeLike(LikeOp op, bool negated, Expr left, Expr right);
// AND/OR of the parts, flattened; a single part is returned as is.
Expr makeAnd(std::vector<Expr> parts);
Expr makeOr(std::vector<Expr> parts);
// Recomputes `depth` from the children.
void updateDepth(Expr& expr);

// True if the tree contains an aggregate call (COUNT, SUM, MIN, MAX, AVG, UNIQUECOUNT).
bool isAggregateName(std::string_view upper_name);
bool containsAggregate(const Expr& expr);

std::string_view binaryOpText(BinaryOp op);
std::string_view likeOpText(LikeOp op);
std::string_view timeUnitText(TimeUnit unit);

}  // namespace aihunt::aql

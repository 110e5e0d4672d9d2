#include "aql/parser.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include "aql/lexer.h"
#include "aql/limits.h"
#include "aql/time_window.h"
#include "core/text.h"

namespace aihunt::aql {
namespace {

constexpr std::array<std::string_view, 31> kReserved = {
    "SELECT",  "FROM",     "WHERE", "GROUP",   "BY", "HAVING", "ORDER", "LIMIT",
    "LAST",    "START",    "STOP",  "AND",     "OR", "NOT",    "LIKE",  "ILIKE",
    "MATCHES", "IMATCHES", "IN",    "BETWEEN", "IS", "NULL",   "CASE",  "WHEN",
    "THEN",    "ELSE",     "END",   "IF",      "AS", "TRUE",   "FALSE"};

class Parser {
 public:
  Parser(std::vector<Token> tokens, SyntaxError* detail)
      : tokens_(std::move(tokens)), detail_(detail) {}

  core::Result<Query> query() {
    Query q;
    if (!acceptKeyword("SELECT")) return fail("expected SELECT");
    do {
      auto item = selectItem();
      if (!item.ok()) return item.error();
      q.select.push_back(std::move(item.value()));
    } while (acceptSymbol(","));
    if (!acceptKeyword("FROM")) return fail("expected FROM after the SELECT list");
    if (acceptWord("events")) {
      q.database = Database::kEvents;
    } else if (acceptWord("flows")) {
      q.database = Database::kFlows;
    } else {
      return fail("expected 'events' or 'flows' after FROM");
    }
    // Ariel accepts the time clause at several places; the printer puts it last.
    if (auto s = maybeTime(q); !s.ok()) return s.error();
    if (acceptKeyword("WHERE")) {
      auto where = expression();
      if (!where.ok()) return where.error();
      q.where = std::move(where.value());
    }
    if (auto s = maybeTime(q); !s.ok()) return s.error();
    if (acceptKeyword("GROUP")) {
      if (!acceptKeyword("BY")) return fail("expected BY after GROUP");
      do {
        auto e = expression();
        if (!e.ok()) return e.error();
        q.group_by.push_back(std::move(e.value()));
      } while (acceptSymbol(","));
    }
    if (auto s = maybeTime(q); !s.ok()) return s.error();
    if (acceptKeyword("HAVING")) {
      auto having = expression();
      if (!having.ok()) return having.error();
      q.having = std::move(having.value());
    }
    if (auto s = maybeTime(q); !s.ok()) return s.error();
    if (acceptKeyword("ORDER")) {
      if (!acceptKeyword("BY")) return fail("expected BY after ORDER");
      do {
        // `ORDER BY DESC` names no sort key; QRadar refuses it rather than sorting by a column
        // called DESC.
        if (peekKeyword("DESC") || peekKeyword("ASC")) return fail("expected a sort key");
        auto e = expression();
        if (!e.ok()) return e.error();
        OrderItem item{std::move(e.value()), false, std::nullopt};
        if (acceptKeyword("DESC")) {
          item.descending = true;
        } else {
          (void)acceptKeyword("ASC");
        }
        if (acceptKeyword("COLLATE")) {
          if (peek().kind != TokenKind::kString) {
            return fail("expected a language tag in quotes after COLLATE ('de-CH')");
          }
          item.collate = peek().text;
          next();
        }
        q.order_by.push_back(std::move(item));
      } while (acceptSymbol(","));
    }
    if (auto s = maybeTime(q); !s.ok()) return s.error();
    if (peekKeyword("LIMIT")) {
      q.limit_pos = peek().pos;
      next();
      if (peek().kind != TokenKind::kInteger) return fail("expected a number after LIMIT");
      auto n = integerValue(peek());
      if (!n.ok()) return n.error();
      next();
      q.limit = n.value();
    }
    if (auto s = maybeTime(q); !s.ok()) return s.error();
    // Just after the query's last token: where a time clause would go. The next token's place
    // is past the trailing line break of a file or of standard input, a line that is not there.
    q.end_pos = peek().pos;
    if (index_ > 0 && tokens_[index_ - 1].raw.find('\n') == std::string::npos) {
      const Token& last = tokens_[index_ - 1];
      q.end_pos = Position{last.pos.line, last.pos.column + static_cast<int>(last.raw.size()),
                           last.pos.offset + last.raw.size()};
    }
    (void)acceptSymbol(";");
    if (peek().kind != TokenKind::kEnd) return fail("unexpected text after the query");
    return q;
  }

  core::Result<Expr> standaloneExpression() {
    auto e = expression();
    if (!e.ok()) return e;
    if (peek().kind != TokenKind::kEnd) return fail("unexpected text after the expression");
    return e;
  }

 private:
  // Counts recursion so hostile nesting ("((((...", "NOT NOT NOT ...") fails cleanly.
  class DepthGuard {
   public:
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    int& depth_;
  };

  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t at = std::min(index_ + ahead, tokens_.size() - 1);
    return tokens_[at];
  }
  void next() {
    if (index_ + 1 < tokens_.size()) ++index_;
  }

  bool isKeyword(const Token& t, std::string_view word) const {
    return t.kind == TokenKind::kIdentifier && core::iequals(t.text, word);
  }
  bool peekKeyword(std::string_view word, std::size_t ahead = 0) const {
    return isKeyword(peek(ahead), word);
  }
  bool acceptKeyword(std::string_view word) {
    if (!peekKeyword(word)) return false;
    next();
    return true;
  }
  // A contextual word (events, flows, MINUTES): same rule as a keyword.
  bool acceptWord(std::string_view word) { return acceptKeyword(word); }
  bool peekSymbol(std::string_view symbol, std::size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::kSymbol && t.text == symbol;
  }
  bool acceptSymbol(std::string_view symbol) {
    if (!peekSymbol(symbol)) return false;
    next();
    return true;
  }

  core::Error fail(std::string_view why) const { return failAt(peek(), why); }
  core::Error failAt(const Token& t, std::string_view why) const {
    return syntaxError(t.pos, t.kind == TokenKind::kEnd ? "" : t.raw, why, detail_);
  }

  core::Result<std::int64_t> integerValue(const Token& t) const {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
    if (ec != std::errc() || end != t.text.data() + t.text.size()) {
      return failAt(t, "integer out of range");
    }
    return value;
  }

  core::Result<SelectItem> selectItem() {
    SelectItem item;
    if (peekSymbol("*")) {
      item.expr = makeStar();
      item.expr.pos = peek().pos;
      next();
      return item;
    }
    auto e = expression();
    if (!e.ok()) return e.error();
    item.expr = std::move(e.value());
    if (acceptKeyword("AS")) {
      const Token& t = peek();
      const bool bare_ok = t.kind == TokenKind::kIdentifier && !isReservedWord(t.text);
      if (!bare_ok && t.kind != TokenKind::kQuotedIdentifier && t.kind != TokenKind::kString) {
        return fail("expected an alias after AS");
      }
      if (t.text.empty()) return fail("empty alias");
      item.alias = t.text;
      next();
    }
    return item;
  }

  core::Status maybeTime(Query& q) {
    if (!peekKeyword("LAST") && !peekKeyword("START")) return {};
    if (q.time.kind != TimeClause::Kind::kNone) return fail("a query takes one time clause");
    q.time.pos = peek().pos;
    if (acceptKeyword("LAST")) {
      if (peek().kind != TokenKind::kInteger) return fail("expected a number after LAST");
      auto n = integerValue(peek());
      if (!n.ok()) return n.error();
      if (n.value() <= 0 || n.value() > 100'000'000) return fail("LAST needs a positive amount");
      next();
      q.time.amount = n.value();
      if (acceptWord("MINUTES") || acceptWord("MINUTE")) {
        q.time.unit = TimeUnit::kMinutes;
      } else if (acceptWord("HOURS") || acceptWord("HOUR")) {
        q.time.unit = TimeUnit::kHours;
      } else if (acceptWord("DAYS") || acceptWord("DAY")) {
        q.time.unit = TimeUnit::kDays;
      } else {
        return fail("expected MINUTES, HOURS or DAYS");
      }
      q.time.kind = TimeClause::Kind::kLast;
      return {};
    }
    next();  // START
    auto start = timePoint();
    if (!start.ok()) return start.error();
    q.time.kind = TimeClause::Kind::kStartStop;
    q.time.start = std::move(start.value());
    // STOP is optional: without it the range ends now (IBM, "Time criteria in AQL queries").
    q.time.has_stop = acceptKeyword("STOP");
    if (q.time.has_stop) {
      auto stop = timePoint();
      if (!stop.ok()) return stop.error();
      q.time.stop = std::move(stop.value());
    }
    return {};
  }

  core::Result<TimePoint> timePoint() {
    const Token& t = peek();
    TimePoint point;
    if (t.kind == TokenKind::kInteger) {
      auto n = integerValue(t);
      if (!n.ok()) return n.error();
      point.kind = TimePoint::Kind::kEpochMs;
      point.epoch_ms = n.value();
      next();
      return point;
    }
    if (t.kind == TokenKind::kString) {
      if (auto parsed = parseAqlTimeText(t.text); !parsed.ok()) {
        return failAt(t, parsed.error().message);
      }
      point.kind = TimePoint::Kind::kText;
      point.text = t.text;
      next();
      return point;
    }
    if (peekKeyword("PARSEDATETIME") && peekSymbol("(", 1)) {
      next();
      next();
      const Token& arg = peek();
      if (arg.kind != TokenKind::kString) return fail("PARSEDATETIME takes a string");
      if (auto parsed = parseRelativeTime(arg.text, 0); !parsed.ok()) {
        return failAt(arg, parsed.error().message);
      }
      point.kind = TimePoint::Kind::kParseDateTime;
      point.text = arg.text;
      next();
      if (!acceptSymbol(")")) return fail("expected ')'");
      return point;
    }
    return fail("expected a time ('yyyy-MM-dd HH:mm', epoch milliseconds or PARSEDATETIME)");
  }

  core::Status checkDepth(const Expr& e) const {
    if (e.depth > kMaxDepth) return fail("expression nested too deeply");
    return {};
  }

  core::Result<Expr> expression() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return fail("expression nested too deeply");
    return orExpr();
  }

  // One level of an AND or OR chain: operands from `operand`, flattened into one node.
  core::Result<Expr> chain(std::string_view keyword, ExprKind kind,
                           core::Result<Expr> (Parser::*operand)()) {
    const Position pos = peek().pos;
    auto first = (this->*operand)();
    if (!first.ok() || !peekKeyword(keyword)) return first;
    std::vector<Expr> parts;
    parts.push_back(std::move(first.value()));
    while (acceptKeyword(keyword)) {
      auto e = (this->*operand)();
      if (!e.ok()) return e;
      parts.push_back(std::move(e.value()));
    }
    Expr node = makeNode(kind, std::move(parts));
    node.pos = pos;
    if (auto s = checkDepth(node); !s.ok()) return s.error();
    return node;
  }

  core::Result<Expr> orExpr() { return chain("OR", ExprKind::kOr, &Parser::andExpr); }
  core::Result<Expr> andExpr() { return chain("AND", ExprKind::kAnd, &Parser::notExpr); }

  core::Result<Expr> notExpr() {
    if (!peekKeyword("NOT")) return comparison();
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return fail("expression nested too deeply");
    const Position pos = peek().pos;
    next();
    auto inner = notExpr();
    if (!inner.ok()) return inner;
    std::vector<Expr> args;
    args.push_back(std::move(inner.value()));
    Expr node = makeNode(ExprKind::kNot, std::move(args));
    node.pos = pos;
    if (auto s = checkDepth(node); !s.ok()) return s.error();
    return node;
  }

  std::optional<BinaryOp> comparisonOp() const {
    if (peek().kind != TokenKind::kSymbol) return std::nullopt;
    const std::string& s = peek().text;
    if (s == "=") return BinaryOp::kEq;
    if (s == "!=" || s == "<>") return BinaryOp::kNe;
    if (s == "<") return BinaryOp::kLt;
    if (s == "<=") return BinaryOp::kLe;
    if (s == ">") return BinaryOp::kGt;
    if (s == ">=") return BinaryOp::kGe;
    return std::nullopt;
  }

  std::optional<LikeOp> likeOp(std::size_t ahead) const {
    if (peekKeyword("LIKE", ahead)) return LikeOp::kLike;
    if (peekKeyword("ILIKE", ahead)) return LikeOp::kILike;
    if (peekKeyword("MATCHES", ahead)) return LikeOp::kMatches;
    if (peekKeyword("IMATCHES", ahead)) return LikeOp::kIMatches;
    return std::nullopt;
  }

  core::Result<Expr> comparison() {
    const Position pos = peek().pos;
    auto left = additive();
    if (!left.ok()) return left;
    Expr node;
    if (auto op = comparisonOp()) {
      next();
      auto right = additive();
      if (!right.ok()) return right;
      node = makeBinary(*op, std::move(left.value()), std::move(right.value()));
    } else if (peekKeyword("IS")) {
      next();
      const bool negated = acceptKeyword("NOT");
      if (!acceptKeyword("NULL")) return fail("expected NULL after IS");
      std::vector<Expr> args;
      args.push_back(std::move(left.value()));
      node = makeNode(ExprKind::kIsNull, std::move(args));
      node.negated = negated;
    } else {
      const bool negated = peekKeyword("NOT");
      const std::size_t at = negated ? 1 : 0;
      if (auto like = likeOp(at)) {
        if (negated) next();
        next();
        auto right = additive();
        if (!right.ok()) return right;
        node = makeLike(*like, negated, std::move(left.value()), std::move(right.value()));
      } else if (peekKeyword("IN", at)) {
        if (negated) next();
        next();
        if (!acceptSymbol("(")) return fail("expected '(' after IN");
        std::vector<Expr> args;
        args.push_back(std::move(left.value()));
        do {
          auto e = expression();
          if (!e.ok()) return e;
          args.push_back(std::move(e.value()));
        } while (acceptSymbol(","));
        if (!acceptSymbol(")")) return fail("expected ')' to close IN (...)");
        node = makeNode(ExprKind::kIn, std::move(args));
        node.negated = negated;
      } else if (peekKeyword("BETWEEN", at)) {
        if (negated) next();
        next();
        auto low = additive();
        if (!low.ok()) return low;
        if (!acceptKeyword("AND")) return fail("expected AND in BETWEEN");
        auto high = additive();
        if (!high.ok()) return high;
        std::vector<Expr> args;
        args.push_back(std::move(left.value()));
        args.push_back(std::move(low.value()));
        args.push_back(std::move(high.value()));
        node = makeNode(ExprKind::kBetween, std::move(args));
        node.negated = negated;
      } else {
        return left;
      }
    }
    node.pos = pos;
    if (auto s = checkDepth(node); !s.ok()) return s.error();
    return node;
  }

  core::Result<Expr> additive() {
    auto left = multiplicative();
    if (!left.ok()) return left;
    Expr node = std::move(left.value());
    while (peekSymbol("+") || peekSymbol("-")) {
      const BinaryOp op = peek().text == "+" ? BinaryOp::kAdd : BinaryOp::kSub;
      const Position pos = node.pos;
      next();
      auto right = multiplicative();
      if (!right.ok()) return right;
      node = makeBinary(op, std::move(node), std::move(right.value()));
      node.pos = pos;
      if (auto s = checkDepth(node); !s.ok()) return s.error();
    }
    return node;
  }

  core::Result<Expr> multiplicative() {
    auto left = power();
    if (!left.ok()) return left;
    Expr node = std::move(left.value());
    while (peekSymbol("*") || peekSymbol("/") || peekSymbol("%")) {
      const std::string& s = peek().text;
      const BinaryOp op = s == "*" ? BinaryOp::kMul : (s == "/" ? BinaryOp::kDiv : BinaryOp::kMod);
      const Position pos = node.pos;
      next();
      auto right = power();
      if (!right.ok()) return right;
      node = makeBinary(op, std::move(node), std::move(right.value()));
      node.pos = pos;
      if (auto s2 = checkDepth(node); !s2.ok()) return s2.error();
    }
    return node;
  }

  // `^` binds tighter than `*` and reads left to right, as in PostgreSQL; IBM's table gives no
  // precedence (unconfirmed), and its example, `sourceBytes ^ 2 < 256`, reads the same either way.
  core::Result<Expr> power() {
    auto left = unary();
    if (!left.ok()) return left;
    Expr node = std::move(left.value());
    while (peekSymbol("^")) {
      const Position pos = node.pos;
      next();
      auto right = unary();
      if (!right.ok()) return right;
      node = makeBinary(BinaryOp::kPow, std::move(node), std::move(right.value()));
      node.pos = pos;
      if (auto s2 = checkDepth(node); !s2.ok()) return s2.error();
    }
    return node;
  }

  core::Result<Expr> unary() {
    if (!peekSymbol("-") && !peekSymbol("+")) return primary();
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return fail("expression nested too deeply");
    const Position pos = peek().pos;
    const bool minus = peek().text == "-";
    next();
    auto inner = unary();
    if (!inner.ok() || !minus) return inner;  // unary plus changes nothing
    std::vector<Expr> args;
    args.push_back(std::move(inner.value()));
    Expr node = makeNode(ExprKind::kNegate, std::move(args));
    node.pos = pos;
    if (auto s = checkDepth(node); !s.ok()) return s.error();
    return node;
  }

  core::Result<Expr> primary() {
    const Token& t = peek();
    const Position pos = t.pos;
    Expr node;
    switch (t.kind) {
      case TokenKind::kInteger: {
        auto n = integerValue(t);
        if (!n.ok()) return n.error();
        node = makeInteger(n.value());
        next();
        break;
      }
      case TokenKind::kFloat: {
        double value = 0;
        const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
        if (ec != std::errc() || end != t.text.data() + t.text.size() || !std::isfinite(value)) {
          return failAt(t, "number out of range");
        }
        node.kind = ExprKind::kFloat;
        node.float_value = value;
        next();
        break;
      }
      case TokenKind::kString:
        node = makeString(t.text);
        next();
        break;
      case TokenKind::kQuotedIdentifier:
        node = makeField(t.text);
        next();
        break;
      case TokenKind::kIdentifier: {
        auto word = identifierPrimary();
        if (!word.ok()) return word;
        node = std::move(word.value());
        break;
      }
      case TokenKind::kSymbol:
        if (t.text == "(") {
          DepthGuard guard(depth_);
          if (depth_ > kMaxDepth) return fail("expression nested too deeply");
          next();
          auto inner = expression();
          if (!inner.ok()) return inner;
          if (!acceptSymbol(")")) return fail("expected ')'");
          return inner;  // parentheses make no node; position stays the inner one
        }
        return fail("expected an expression");
      case TokenKind::kEnd:
        return fail("unexpected end of query, expected an expression");
    }
    node.pos = pos;
    return node;
  }

  core::Result<Expr> identifierPrimary() {
    const Token& t = peek();
    if (isKeyword(t, "NULL")) {
      next();
      return makeNull();
    }
    if (isKeyword(t, "TRUE") || isKeyword(t, "FALSE")) {
      Expr e;
      e.kind = ExprKind::kBool;
      e.bool_value = isKeyword(t, "TRUE");
      next();
      return e;
    }
    if (isKeyword(t, "CASE")) return caseExpr();
    if (isKeyword(t, "IF")) return ifExpr();
    if (isReservedWord(t.text)) {
      // Mostly an expression left unfinished before the next clause ("... AND" then "LAST 24
      // HOURS"): the token before says so; quoting is for a property named like a keyword.
      const std::string before = index_ > 0 ? tokens_[index_ - 1].text : std::string();
      return fail("expected an expression" + (before.empty() ? "" : " after '" + before + "'") +
                  ", found the keyword '" + t.text + "' (to use it as a name, quote it: \"" +
                  t.text + "\")");
    }
    if (!peekSymbol("(", 1)) {
      Expr e = makeField(t.text);
      next();
      return e;
    }
    std::string name = t.text;
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    next();
    next();  // (
    std::vector<Expr> args;
    if (!peekSymbol(")")) {
      do {
        if (peekSymbol("*") && peekSymbol(")", 1)) {
          Expr star = makeStar();
          star.pos = peek().pos;
          args.push_back(std::move(star));
          next();
          break;
        }
        auto e = expression();
        if (!e.ok()) return e;
        args.push_back(std::move(e.value()));
      } while (acceptSymbol(","));
    }
    if (!acceptSymbol(")")) return fail("expected ')' to close " + name + "(");
    Expr node = makeFunction(std::move(name), std::move(args));
    if (auto s = checkDepth(node); !s.ok()) return s.error();
    return node;
  }

  core::Result<Expr> caseExpr() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return fail("expression nested too deeply");
    next();  // CASE
    std::vector<Expr> args;
    bool has_operand = false;
    if (!peekKeyword("WHEN")) {
      auto operand = expression();
      if (!operand.ok()) return operand;
      args.push_back(std::move(operand.value()));
      has_operand = true;
    }
    if (!peekKeyword("WHEN")) return fail("expected WHEN");
    while (acceptKeyword("WHEN")) {
      auto when = expression();
      if (!when.ok()) return when;
      if (!acceptKeyword("THEN")) return fail("expected THEN");
      auto then = expression();
      if (!then.ok()) return then;
      args.push_back(std::move(when.value()));
      args.push_back(std::move(then.value()));
    }
    bool has_else = false;
    if (acceptKeyword("ELSE")) {
      auto otherwise = expression();
      if (!otherwise.ok()) return otherwise;
      args.push_back(std::move(otherwise.value()));
      has_else = true;
    }
    if (!acceptKeyword("END")) return fail("expected END to close CASE");
    Expr node = makeNode(ExprKind::kCase, std::move(args));
    node.has_operand = has_operand;
    node.has_else = has_else;
    if (auto s = checkDepth(node); !s.ok()) return s.error();
    return node;
  }

  core::Result<Expr> ifExpr() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return fail("expression nested too deeply");
    next();  // IF
    std::vector<Expr> args;
    auto cond = expression();
    if (!cond.ok()) return cond;
    if (!acceptKeyword("THEN")) return fail("expected THEN after IF condition");
    auto then = expression();
    if (!then.ok()) return then;
    args.push_back(std::move(cond.value()));
    args.push_back(std::move(then.value()));
    bool has_else = false;
    if (acceptKeyword("ELSE")) {
      auto otherwise = expression();
      if (!otherwise.ok()) return otherwise;
      args.push_back(std::move(otherwise.value()));
      has_else = true;
    }
    Expr node = makeNode(ExprKind::kIf, std::move(args));
    node.has_else = has_else;
    if (auto s = checkDepth(node); !s.ok()) return s.error();
    return node;
  }

  std::vector<Token> tokens_;
  std::size_t index_ = 0;
  int depth_ = 0;
  SyntaxError* detail_;
};

}  // namespace

bool isReservedWord(std::string_view word) {
  for (std::string_view reserved : kReserved) {
    if (core::iequals(word, reserved)) return true;
  }
  return false;
}

core::Result<Query> parse(std::string_view text, SyntaxError* detail) {
  auto tokens = tokenize(text, detail);
  if (!tokens.ok()) return tokens.error();
  return Parser(std::move(tokens.value()), detail).query();
}

core::Result<Expr> parseExpression(std::string_view text, SyntaxError* detail) {
  auto tokens = tokenize(text, detail);
  if (!tokens.ok()) return tokens.error();
  return Parser(std::move(tokens.value()), detail).standaloneExpression();
}

}  // namespace aihunt::aql

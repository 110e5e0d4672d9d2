// Comparison, truth and conversion rules for values during evaluation.
#include <charconv>
#include <cmath>

#include "aql/compiled.h"
#include "core/int_cast.h"

namespace aihunt::aql::detail {
namespace {

std::optional<double> numberOf(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

double asDouble(const Val& v) {
  return v.kind == Value::Kind::kInt ? static_cast<double>(v.i) : v.d;
}

int sign(double x) { return x < 0 ? -1 : (x > 0 ? 1 : 0); }

int compareNumbers(const Val& a, const Val& b) {
  if (a.kind == Value::Kind::kInt && b.kind == Value::Kind::kInt) {
    return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  }
  return sign(asDouble(a) - asDouble(b));
}

int rank(const Val& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kBool:
      return 1;
    case Value::Kind::kInt:
    case Value::Kind::kDouble:
      return 2;
    case Value::Kind::kString:
      return 3;
  }
  return 0;
}

}  // namespace

Val viewOf(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return Val::null();
    case Value::Kind::kBool:
      return Val::boolean(value.asBool());
    case Value::Kind::kInt:
      return Val::integer(value.asInt());
    case Value::Kind::kDouble:
      return Val::real(value.asDouble());
    case Value::Kind::kString:
      return Val::text(value.asString());
  }
  return Val::null();
}

Value toValue(const Val& val) {
  switch (val.kind) {
    case Value::Kind::kNull:
      return Value::null();
    case Value::Kind::kBool:
      return Value::boolean(val.b);
    case Value::Kind::kInt:
      return Value::integer(val.i);
    case Value::Kind::kDouble:
      return Value::real(val.d);
    case Value::Kind::kString:
      return Value::string(std::string(val.s));
  }
  return Value::null();
}

Val toNumber(const Val& v) {
  if (v.isNumber()) return v;
  if (v.kind != Value::Kind::kString || v.s.empty()) return Val::null();
  std::int64_t i = 0;
  const auto [end, ec] = std::from_chars(v.s.data(), v.s.data() + v.s.size(), i);
  if (ec == std::errc() && end == v.s.data() + v.s.size()) return Val::integer(i);
  auto d = numberOf(v.s);
  return d ? Val::real(*d) : Val::null();
}

Truth truthOf(const Val& v) {
  switch (v.kind) {
    case Value::Kind::kBool:
      return v.b ? Truth::kTrue : Truth::kFalse;
    case Value::Kind::kInt:
      return v.i != 0 ? Truth::kTrue : Truth::kFalse;
    case Value::Kind::kDouble:
      return v.d != 0 ? Truth::kTrue : Truth::kFalse;
    default:
      return Truth::kUnknown;
  }
}

Val fromTruth(Truth t) {
  if (t == Truth::kUnknown) return Val::null();
  return Val::boolean(t == Truth::kTrue);
}

std::optional<int> compareForPredicate(const Val& a, const Val& b) {
  if (a.isNull() || b.isNull()) return std::nullopt;
  if (a.isNumber() && b.isNumber()) return compareNumbers(a, b);
  if (a.kind == Value::Kind::kString && b.kind == Value::Kind::kString) {
    const int c = a.s.compare(b.s);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.kind == Value::Kind::kBool && b.kind == Value::Kind::kBool) {
    return static_cast<int>(a.b) - static_cast<int>(b.b);
  }
  // destinationport = '443': text that reads as a number compares as one.
  if (a.isNumber() && b.kind == Value::Kind::kString) {
    auto n = numberOf(b.s);
    if (!n) return std::nullopt;
    return sign(asDouble(a) - *n);
  }
  if (a.kind == Value::Kind::kString && b.isNumber()) {
    auto n = numberOf(a.s);
    if (!n) return std::nullopt;
    return sign(*n - asDouble(b));
  }
  return std::nullopt;
}

int compareTotal(const Val& a, const Val& b) {
  const int ra = rank(a);
  const int rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.kind) {
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kBool:
      return static_cast<int>(a.b) - static_cast<int>(b.b);
    case Value::Kind::kInt:
    case Value::Kind::kDouble:
      return compareNumbers(a, b);
    case Value::Kind::kString: {
      const int c = a.s.compare(b.s);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  return 0;
}

int compareTotal(const Value& a, const Value& b) { return compareTotal(viewOf(a), viewOf(b)); }

std::string_view textOf(const Val& v, std::string& scratch) {
  switch (v.kind) {
    case Value::Kind::kString:
      return v.s;
    case Value::Kind::kNull:
      return {};
    case Value::Kind::kBool:
      return v.b ? "true" : "false";
    case Value::Kind::kInt: {
      char buffer[24];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.i);
      scratch.assign(buffer, ec == std::errc() ? end : buffer);
      return scratch;
    }
    case Value::Kind::kDouble: {
      char buffer[64];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.d);
      scratch.assign(buffer, ec == std::errc() ? end : buffer);
      return scratch;
    }
  }
  return {};
}

std::optional<std::int64_t> longOf(const Val& v) {
  switch (v.kind) {
    case Value::Kind::kInt:
      return v.i;
    case Value::Kind::kDouble:
      return core::truncatedInt64(v.d);
    case Value::Kind::kBool:
      return v.b ? 1 : 0;
    case Value::Kind::kString: {
      std::int64_t value = 0;
      const auto [end, ec] = std::from_chars(v.s.data(), v.s.data() + v.s.size(), value);
      if (ec == std::errc() && end == v.s.data() + v.s.size() && !v.s.empty()) return value;
      auto d = numberOf(v.s);
      return d ? core::truncatedInt64(*d) : std::nullopt;
    }
    case Value::Kind::kNull:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace aihunt::aql::detail

#include "aql/aggregate_state.h"

#include <cstring>

namespace aihunt::aql::detail {
namespace {

// Per distinct value: the set's node and bucket on top of the text.
constexpr std::size_t kSetEntryOverhead = 64;

std::size_t heapBytes(const Value& value) {
  if (value.kind() != Value::Kind::kString) return 0;
  return value.asString().size();
}

// The UNIQUECOUNT set as one text: each member as its length (u32) and its bytes.
Value packSet(const std::unordered_set<std::string>& set) {
  std::string packed;
  for (const std::string& member : set) {
    const auto size = static_cast<std::uint32_t>(member.size());
    char bytes[sizeof size];
    std::memcpy(bytes, &size, sizeof size);
    packed.append(bytes, sizeof size);
    packed.append(member);
  }
  return Value::string(std::move(packed));
}

bool unpackSet(const std::string& packed, std::unordered_set<std::string>& set) {
  std::size_t at = 0;
  while (at < packed.size()) {
    std::uint32_t size = 0;
    if (packed.size() - at < sizeof size) return false;
    std::memcpy(&size, packed.data() + at, sizeof size);
    at += sizeof size;
    if (packed.size() - at < size) return false;
    set.emplace(packed, at, size);
    at += size;
  }
  return true;
}

void addSums(AggState& into, std::int64_t int_part, double double_part, bool use_double) {
  std::int64_t total = 0;
  if (!into.use_double && !use_double && !__builtin_add_overflow(into.int_sum, int_part, &total)) {
    into.int_sum = total;
    return;
  }
  const double mine = into.use_double ? into.double_sum : static_cast<double>(into.int_sum);
  const double theirs = use_double ? double_part : static_cast<double>(int_part);
  into.use_double = true;
  into.double_sum = mine + theirs;
}

}  // namespace

void appendKey(const Val& v, std::string& out) {
  out.push_back(static_cast<char>(v.kind));
  switch (v.kind) {
    case Value::Kind::kNull:
      break;
    case Value::Kind::kBool:
      out.push_back(v.b ? '1' : '0');
      break;
    case Value::Kind::kInt:
      out.append(reinterpret_cast<const char*>(&v.i), sizeof v.i);
      break;
    case Value::Kind::kDouble:
      out.append(reinterpret_cast<const char*>(&v.d), sizeof v.d);
      break;
    case Value::Kind::kString: {
      const auto size = static_cast<std::uint32_t>(v.s.size());
      out.append(reinterpret_cast<const char*>(&size), sizeof size);
      out.append(v.s);
      break;
    }
  }
}

std::size_t accumulate(AggFn fn, const Val& v, AggState& state, std::string& scratch) {
  if (fn == AggFn::kCountStar) {
    ++state.count;
    return 0;
  }
  if (v.isNull()) return 0;
  switch (fn) {
    case AggFn::kCount:
    case AggFn::kCountStar:
      ++state.count;
      return 0;
    case AggFn::kSum:
    case AggFn::kAvg: {
      const Val n = toNumber(v);
      if (n.isNull()) return 0;
      ++state.count;
      if (n.kind == Value::Kind::kInt) {
        addSums(state, n.i, 0, false);
      } else {
        addSums(state, 0, n.d, true);
      }
      return 0;
    }
    case AggFn::kMin:
    case AggFn::kMax: {
      const bool first = state.count++ == 0;
      const int c = first ? 0 : compareTotal(v, viewOf(state.extreme));
      if (first || (fn == AggFn::kMin ? c < 0 : c > 0)) {
        state.extreme = toValue(v);
        return heapBytes(state.extreme);
      }
      return 0;
    }
    case AggFn::kUniqueCount:
      scratch.clear();
      appendKey(v, scratch);
      if (!state.distinct) state.distinct = std::make_unique<std::unordered_set<std::string>>();
      return state.distinct->insert(scratch).second ? scratch.size() + kSetEntryOverhead : 0;
  }
  return 0;
}

void mergeInto(AggFn fn, AggState& into, AggState&& later) {
  switch (fn) {
    case AggFn::kCount:
    case AggFn::kCountStar:
      into.count += later.count;
      return;
    case AggFn::kSum:
    case AggFn::kAvg:
      if (later.count == 0) return;
      into.count += later.count;
      addSums(into, later.int_sum, later.double_sum, later.use_double);
      return;
    case AggFn::kMin:
    case AggFn::kMax: {
      if (later.count == 0) return;
      // Strictly better only: on a tie the earlier value stays, as in one pass.
      const int c = into.count == 0 ? 0 : compareTotal(later.extreme, into.extreme);
      if (into.count == 0 || (fn == AggFn::kMin ? c < 0 : c > 0)) {
        into.extreme = std::move(later.extreme);
      }
      into.count += later.count;
      return;
    }
    case AggFn::kUniqueCount:
      if (!later.distinct) return;
      if (!into.distinct) {
        into.distinct = std::move(later.distinct);
        return;
      }
      into.distinct->merge(*later.distinct);
      return;
  }
}

Value finalizeAgg(AggFn fn, const AggState& state) {
  switch (fn) {
    case AggFn::kCount:
    case AggFn::kCountStar:
      return Value::integer(state.count);
    case AggFn::kSum:
      if (state.count == 0) return Value::null();
      return state.use_double ? Value::real(state.double_sum) : Value::integer(state.int_sum);
    case AggFn::kAvg: {
      if (state.count == 0) return Value::null();
      const double sum = state.use_double ? state.double_sum : static_cast<double>(state.int_sum);
      return Value::real(sum / static_cast<double>(state.count));
    }
    case AggFn::kMin:
    case AggFn::kMax:
      return state.extreme;
    case AggFn::kUniqueCount:
      return Value::integer(static_cast<std::int64_t>(state.distinct ? state.distinct->size() : 0));
  }
  return Value::null();
}

void encodeAgg(AggState&& state, std::vector<Value>& out) {
  out.push_back(Value::integer(state.count));
  out.push_back(Value::integer(state.int_sum));
  out.push_back(Value::real(state.double_sum));
  out.push_back(Value::boolean(state.use_double));
  out.push_back(std::move(state.extreme));
  out.push_back(state.distinct ? packSet(*state.distinct) : Value::null());
}

bool decodeAgg(std::vector<Value>::iterator in, AggState& state) {
  const Value& count = in[0];
  const Value& int_sum = in[1];
  const Value& double_sum = in[2];
  const Value& use_double = in[3];
  const Value& distinct = in[5];
  if (count.kind() != Value::Kind::kInt || int_sum.kind() != Value::Kind::kInt ||
      double_sum.kind() != Value::Kind::kDouble || use_double.kind() != Value::Kind::kBool) {
    return false;
  }
  state.count = count.asInt();
  state.int_sum = int_sum.asInt();
  state.double_sum = double_sum.asDouble();
  state.use_double = use_double.asBool();
  state.extreme = std::move(in[4]);
  state.distinct.reset();
  if (distinct.isNull()) return true;
  if (distinct.kind() != Value::Kind::kString) return false;
  state.distinct = std::make_unique<std::unordered_set<std::string>>();
  return unpackSet(distinct.asString(), *state.distinct);
}

}  // namespace aihunt::aql::detail

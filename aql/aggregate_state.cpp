#include "aql/aggregate_state.h"

#include "aql/value_bytes.h"

namespace aihunt::aql::detail {
namespace {

// Per distinct value: the set's node and bucket on top of the text.
constexpr std::size_t kSetEntryOverhead = 64;

std::size_t heapBytes(const Value& value) {
  if (value.kind() != Value::Kind::kString) return 0;
  return value.asString().size();
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
      appendValue(scratch, v);
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

bool decodeKey(std::string_view key, std::vector<Value>& out) {
  out.clear();
  ByteReader reader(key);
  while (!reader.done()) {
    if (!reader.value(out.emplace_back())) return false;
  }
  return true;
}

// Per state: count, the integer sum, the double sum, whether the double is the sum (u8), the
// MIN/MAX value, then the number of distinct values (u32, all ones for
// no set) and each as text.
void encodeAggs(std::vector<AggState>& states, std::string& out) {
  for (AggState& state : states) {
    appendRaw(out, state.count);
    appendRaw(out, state.int_sum);
    appendRaw(out, state.double_sum);
    appendRaw(out, static_cast<std::uint8_t>(state.use_double ? 1 : 0));
    appendValue(out, viewOf(state.extreme));
    if (!state.distinct) {
      appendRaw(out, ~std::uint32_t{0});
      continue;
    }
    appendRaw(out, static_cast<std::uint32_t>(state.distinct->size()));
    for (const std::string& member : *state.distinct) appendText(out, member);
  }
}

bool decodeAggs(std::string_view bytes, std::size_t count, std::vector<AggState>& states) {
  states.resize(count);
  ByteReader reader(bytes);
  for (AggState& state : states) {
    std::uint8_t use_double = 0;
    std::uint32_t members = 0;
    if (!reader.raw(state.count) || !reader.raw(state.int_sum) || !reader.raw(state.double_sum) ||
        !reader.raw(use_double) || !reader.value(state.extreme) || !reader.raw(members)) {
      return false;
    }
    state.use_double = use_double != 0;
    state.distinct.reset();
    if (members == ~std::uint32_t{0}) continue;
    state.distinct = std::make_unique<std::unordered_set<std::string>>();
    state.distinct->reserve(members);
    for (std::uint32_t i = 0; i < members; ++i) {
      std::string_view member;
      if (!reader.text(member)) return false;
      state.distinct->emplace(member);
    }
  }
  return reader.done();
}

}  // namespace aihunt::aql::detail

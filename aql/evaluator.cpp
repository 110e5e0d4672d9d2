#include "aql/evaluator.h"

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "aql/compiled.h"
#include "aql/printer.h"
#include "aql/sorted_runs.h"
#include "core/text.h"

namespace aihunt::aql {

using detail::AggFn;
using detail::Node;
using detail::Val;

// One aggregate's running state in a group. Outside the anonymous namespace because
// QueryRun::Impl (which has linkage) holds it.
struct AggState {
  std::int64_t count = 0;
  std::int64_t int_sum = 0;
  double double_sum = 0;
  bool use_double = false;
  Value extreme;  // MIN / MAX
  // UNIQUECOUNT only: allocated on first use, so that the other aggregates of a large GROUP BY
  // do not carry an empty set each.
  std::unique_ptr<std::unordered_set<std::string>> distinct;
};

namespace {

// Appends a type-tagged encoding of `v`: group keys and UNIQUECOUNT sets compare these bytes.
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

void accumulate(AggFn fn, const Val& v, AggState& state, std::string& scratch) {
  if (fn == AggFn::kCountStar) {
    ++state.count;
    return;
  }
  if (v.isNull()) return;
  switch (fn) {
    case AggFn::kCount:
    case AggFn::kCountStar:
      ++state.count;
      return;
    case AggFn::kSum:
    case AggFn::kAvg: {
      const Val n = detail::toNumber(v);
      if (n.isNull()) return;
      ++state.count;
      if (n.kind == Value::Kind::kInt && !state.use_double &&
          !__builtin_add_overflow(state.int_sum, n.i, &state.int_sum)) {
        return;
      }
      if (!state.use_double) {
        state.use_double = true;
        state.double_sum = static_cast<double>(state.int_sum);
        if (n.kind == Value::Kind::kInt) return void(state.double_sum += static_cast<double>(n.i));
      }
      state.double_sum += n.kind == Value::Kind::kInt ? static_cast<double>(n.i) : n.d;
      return;
    }
    case AggFn::kMin:
    case AggFn::kMax: {
      const bool first = state.count++ == 0;
      const int c = first ? 0 : detail::compareTotal(v, detail::viewOf(state.extreme));
      if (first || (fn == AggFn::kMin ? c < 0 : c > 0)) state.extreme = detail::toValue(v);
      return;
    }
    case AggFn::kUniqueCount:
      scratch.clear();
      appendKey(v, scratch);
      if (!state.distinct) state.distinct = std::make_unique<std::unordered_set<std::string>>();
      state.distinct->insert(scratch);
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

const Expr* findField(const Expr& e) {
  if (e.kind == ExprKind::kField) return &e;
  for (const Expr& arg : e.args) {
    if (const Expr* f = findField(arg)) return f;
  }
  return nullptr;
}

// Replaces references to SELECT aliases by the aliased expressions (HAVING total > 10).
Expr substituteAliases(const Expr& e, const std::vector<SelectItem>& select) {
  if (e.kind == ExprKind::kField) {
    for (const SelectItem& item : select) {
      if (item.alias && core::iequals(*item.alias, e.text) && !(item.expr == e)) {
        return item.expr;
      }
    }
    return e;
  }
  Expr copy = e;
  for (Expr& arg : copy.args) arg = substituteAliases(arg, select);
  return copy;
}

}  // namespace

std::string columnName(const SelectItem& item) {
  if (item.alias) return *item.alias;
  const Expr& e = item.expr;
  if (e.kind == ExprKind::kField) return e.text;
  if (e.kind == ExprKind::kFunction) {
    std::string name = core::asciiLowered(e.text);
    if (const Expr* field = findField(e)) name += "_" + field->text;
    return name;
  }
  return printExpr(e);
}

struct QueryRun::Impl {
  struct Group {
    Event representative;
    std::vector<AggState> aggs;
  };
  struct OrderKey {
    int column = -1;  // >= 0: sort by this output column
    Node node;
    bool descending = false;
  };

  Database database = Database::kEvents;
  RowSink sink;
  std::vector<std::string> columns;
  TimeRange range;
  EventTimes* times = nullptr;
  FieldId starttime = 0;
  detail::EvalContext ctx;
  std::optional<Node> where;
  std::vector<Node> select;
  std::vector<OrderKey> order;
  std::optional<std::int64_t> limit;
  bool aggregated = false;
  bool has_group_by = false;
  std::vector<detail::AggregateSpec> aggs;
  std::vector<Node> group_keys;
  std::optional<Node> having;
  std::unordered_map<std::string, std::size_t> group_index;
  std::vector<Group> groups;
  std::string key_buffer;
  std::string agg_scratch;
  std::vector<SortItem> pending;
  std::size_t pending_bytes = 0;  // heldBytes of `pending`, when a budget applies
  std::size_t sort_memory_bytes = 0;
  std::string spill_dir;
  std::unique_ptr<SortedRuns> runs;   // made at the first spill
  std::optional<core::Error> failed;  // a spill that could not be written or read back
  std::uint64_t seq = 0;
  std::int64_t emitted = 0;
  bool done = false;
  bool finished = false;

  Row makeRow(const Event& event) {
    Row row;
    row.values.reserve(select.size());
    for (Node& node : select) row.values.push_back(detail::toValue(detail::eval(node, event, ctx)));
    return row;
  }

  void buffer(Row&& row, const Event& event) {
    SortItem item;
    item.keys.reserve(order.size());
    for (OrderKey& key : order) {
      item.keys.push_back(key.column >= 0 ? row.values[static_cast<std::size_t>(key.column)]
                                          : detail::toValue(detail::eval(key.node, event, ctx)));
    }
    item.values = std::move(row.values);
    item.seq = seq++;
    if (sort_memory_bytes != 0) pending_bytes += heldBytes(item);
    pending.push_back(std::move(item));
    // With ORDER BY ... LIMIT n only the best n rows can survive; prune now and then so memory
    // stays bounded by the limit rather than the input.
    if (limit && pending.size() >= static_cast<std::size_t>(*limit) * 2 + 1024) prune();
    // Without a LIMIT (or with one past the budget), the rows go to disk as a sorted run.
    if (sort_memory_bytes != 0 && pending_bytes > sort_memory_bytes) spill();
  }

  void spill() {
    sortPending();
    if (!runs) runs = std::make_unique<SortedRuns>(spill_dir);
    if (auto status = runs->write(pending); !status) {
      failed = status.error();
      done = true;  // nothing more can be ordered: add() stops the scan
    }
    pending.clear();
    pending_bytes = 0;
  }

  void sortPending() {
    std::sort(pending.begin(), pending.end(),
              [this](const SortItem& a, const SortItem& b) { return before(a, b); });
  }

  bool before(const SortItem& a, const SortItem& b) const {
    for (std::size_t i = 0; i < order.size(); ++i) {
      const int c = detail::compareTotal(a.keys[i], b.keys[i]);
      if (c != 0) return order[i].descending ? c > 0 : c < 0;
    }
    return a.seq < b.seq;
  }

  void prune() {
    const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(*limit, 0));
    if (pending.size() <= keep) return;
    auto less = [this](const SortItem& a, const SortItem& b) { return before(a, b); };
    std::nth_element(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(keep),
                     pending.end(), less);
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(keep), pending.end());
    if (sort_memory_bytes == 0) return;
    pending_bytes = 0;
    for (const SortItem& item : pending) pending_bytes += heldBytes(item);
  }

  // The ordered rows to the sink, up to the LIMIT.
  void emitOrdered() {
    const auto emit = [this](SortItem&& item) {
      if (limit && emitted >= *limit) return false;
      sink(Row{std::move(item.values)});
      ++emitted;
      return true;
    };
    sortPending();
    if (runs) {
      if (auto status = runs->merge(
              pending, [this](const SortItem& a, const SortItem& b) { return before(a, b); }, emit);
          !status) {
        failed = status.error();
      }
      runs.reset();  // the spool file is closed, and with it gone
    } else {
      for (SortItem& item : pending) {
        if (!emit(std::move(item))) break;
      }
    }
    pending.clear();
  }

  bool add(const Event& event) {
    if (done) return false;
    const auto at = detail::startTimeOf(event, starttime);
    if (!at) return true;  // Ariel has no event without a start time
    if (times != nullptr) times->note(*at);
    if (*at < range.from || *at >= range.to) return true;
    if (where && detail::truthOf(detail::eval(*where, event, ctx)) != detail::Truth::kTrue) {
      return true;
    }
    if (aggregated) {
      addToGroup(event);
      return true;
    }
    Row row = makeRow(event);
    if (!order.empty()) {
      buffer(std::move(row), event);
      return !done;  // done: a spill failed, and finish() says so
    }
    sink(std::move(row));
    ++emitted;
    if (limit && emitted >= *limit) done = true;
    return !done;
  }

  void addToGroup(const Event& event) {
    key_buffer.clear();
    for (Node& key : group_keys) appendKey(detail::eval(key, event, ctx), key_buffer);
    auto it = group_index.find(key_buffer);
    std::size_t index = 0;
    if (it == group_index.end()) {
      index = groups.size();
      groups.push_back(Group{event, std::vector<AggState>(aggs.size())});
      group_index.emplace(key_buffer, index);
    } else {
      index = it->second;
    }
    Group& group = groups[index];
    for (std::size_t i = 0; i < aggs.size(); ++i) {
      detail::AggregateSpec& spec = aggs[i];
      const Val v = spec.fn == AggFn::kCountStar ? Val::null() : detail::eval(spec.arg, event, ctx);
      accumulate(spec.fn, v, group.aggs[i], agg_scratch);
    }
  }

  void finish() {
    if (finished) return;
    finished = true;
    if (failed) return;
    if (aggregated) {
      // An aggregate without GROUP BY answers one row even over no events (COUNT(*) = 0).
      if (groups.empty() && !has_group_by) {
        groups.push_back(Group{Event{}, std::vector<AggState>(aggs.size())});
      }
      std::unordered_map<std::string, std::size_t>().swap(group_index);  // no more lookups
      std::vector<Value> results(aggs.size());
      ctx.aggregates = &results;
      for (Group& group : groups) {
        for (std::size_t i = 0; i < aggs.size(); ++i)
          results[i] = finalizeAgg(aggs[i].fn, group.aggs[i]);
        const bool kept = !having || detail::truthOf(detail::eval(*having, group.representative,
                                                                  ctx)) == detail::Truth::kTrue;
        if (kept) {
          Row row = makeRow(group.representative);
          if (!order.empty()) {
            buffer(std::move(row), group.representative);
          } else if (!limit || emitted < *limit) {
            // Without ORDER BY the rows go out in the groups' order as they are made, rather
            // than all being held first: a GROUP BY of many groups does not need twice the memory.
            sink(std::move(row));
            ++emitted;
          }
        }
        group = Group{};  // done with it: its strings go back to the allocator for the next rows
      }
      ctx.aggregates = nullptr;
    }
    if (failed) return;
    if (!order.empty()) emitOrdered();
  }
};

core::Result<QueryRun> QueryRun::create(const Query& query, Schema& schema,
                                        const EvalOptions& options, RowSink sink) {
  auto impl = std::make_unique<Impl>();
  impl->database = query.database;
  impl->sink = std::move(sink);
  impl->ctx.now = options.now;
  impl->ctx.lookups = options.lookups;
  impl->ctx.reference_data = options.reference_data;
  impl->limit = query.limit;
  auto range = detail::queryRange(query, options);
  if (!range.ok()) return range.error();
  impl->range = range.value();
  impl->starttime = schema.intern("starttime");
  impl->times = options.times;
  impl->sort_memory_bytes = options.sort_memory_bytes;
  impl->spill_dir = options.spill_dir;
  if (impl->times != nullptr) impl->times->window = impl->range;

  impl->has_group_by = !query.group_by.empty();
  impl->aggregated = impl->has_group_by || query.having.has_value();
  for (const SelectItem& item : query.select) {
    if (containsAggregate(item.expr)) impl->aggregated = true;
  }
  detail::Compiler compiler(schema, impl->aggs);
  auto compileFor = [&](const Expr& e) {
    return impl->aggregated ? compiler.compileGroup(e) : compiler.compileRow(e);
  };

  if (query.where) {
    auto where = compiler.compileRow(*query.where);
    if (!where.ok()) return where.error();
    impl->where = std::move(where.value());
  }
  std::vector<const SelectItem*> items;  // after '*' expansion, parallel to columns
  std::vector<SelectItem> expanded;
  expanded.reserve(query.select.size() + schema.size());
  for (const SelectItem& item : query.select) {
    if (item.expr.kind == ExprKind::kStar) {
      const std::size_t known = schema.size();
      for (FieldId id = 0; id < known; ++id) {
        expanded.push_back(SelectItem{makeField(schema.name(id)), std::nullopt});
      }
    } else {
      expanded.push_back(item);
    }
  }
  for (const SelectItem& item : expanded) {
    auto node = compileFor(item.expr);
    if (!node.ok()) return node.error();
    impl->select.push_back(std::move(node.value()));
    impl->columns.push_back(columnName(item));
  }
  for (const Expr& key : query.group_by) {
    const Expr resolved = substituteAliases(key, query.select);
    auto node = compiler.compileRow(resolved);
    if (!node.ok()) return node.error();
    impl->group_keys.push_back(std::move(node.value()));
  }
  if (query.having) {
    auto node = compiler.compileGroup(substituteAliases(*query.having, query.select));
    if (!node.ok()) return node.error();
    impl->having = std::move(node.value());
  }
  for (const OrderItem& item : query.order_by) {
    Impl::OrderKey key;
    key.descending = item.descending;
    for (std::size_t i = 0; i < expanded.size() && key.column < 0; ++i) {
      const bool alias_hit = item.expr.kind == ExprKind::kField && expanded[i].alias &&
                             core::iequals(*expanded[i].alias, item.expr.text);
      if (alias_hit || expanded[i].expr == item.expr) key.column = static_cast<int>(i);
    }
    if (key.column < 0) {
      auto node = compileFor(substituteAliases(item.expr, query.select));
      if (!node.ok()) return node.error();
      key.node = std::move(node.value());
    }
    impl->order.push_back(std::move(key));
  }
  if (impl->limit && *impl->limit <= 0 && !impl->aggregated && impl->order.empty()) {
    impl->done = true;
  }
  return QueryRun(std::move(impl));
}

QueryRun::QueryRun(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
QueryRun::QueryRun(QueryRun&&) noexcept = default;
QueryRun& QueryRun::operator=(QueryRun&&) noexcept = default;
QueryRun::~QueryRun() = default;

const std::vector<std::string>& QueryRun::columns() const { return impl_->columns; }
TimeRange QueryRun::range() const { return impl_->range; }
bool QueryRun::add(const Event& event) { return impl_->add(event); }
core::Status QueryRun::finish() {
  impl_->finish();
  if (impl_->failed) return *impl_->failed;
  return {};
}

core::Result<ResultSet> evaluate(const Query& query, Schema& schema,
                                 const std::vector<Event>& events, const EvalOptions& options) {
  ResultSet result;
  result.database = query.database;
  auto run = QueryRun::create(query, schema, options,
                              [&result](Row&& row) { result.rows.push_back(std::move(row)); });
  if (!run.ok()) return run.error();
  result.columns = run->columns();
  for (const Event& event : events) {
    if (!run->add(event)) break;
  }
  if (auto finished = run->finish(); !finished) return finished.error();
  return result;
}

}  // namespace aihunt::aql

namespace aihunt::aql {

core::Result<std::vector<std::string>> evaluateJsonl(const Query& query, std::istream& in,
                                                     const EvalOptions& options, RowSink sink) {
  Schema schema;
  const bool star = std::any_of(query.select.begin(), query.select.end(),
                                [](const SelectItem& i) { return i.expr.kind == ExprKind::kStar; });
  if (star) {
    std::vector<Event> events;
    auto read = readEventsJsonl(in, schema, [&events](Event&& e) {
      events.push_back(std::move(e));
      return core::Status{};
    });
    if (!read.ok()) return read.error();
    auto run = QueryRun::create(query, schema, options, std::move(sink));
    if (!run.ok()) return run.error();
    for (const Event& event : events) {
      if (!run->add(event)) break;
    }
    if (auto finished = run->finish(); !finished) return finished.error();
    return run->columns();
  }
  auto run = QueryRun::create(query, schema, options, std::move(sink));
  if (!run.ok()) return run.error();
  // A streaming query that reached its LIMIT stops reading early.
  const core::Error kStop{core::ErrorCode::kCancelled, "limit reached"};
  auto read = readEventsJsonl(in, schema, [&](Event&& e) -> core::Status {
    if (!run->add(e)) return kStop;
    return {};
  });
  if (!read.ok() && read.error().code != core::ErrorCode::kCancelled) return read.error();
  if (auto finished = run->finish(); !finished) return finished.error();
  return run->columns();
}

}  // namespace aihunt::aql

#include "aql/evaluator.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_map>

#include "aql/aggregate_state.h"
#include "aql/compiled.h"
#include "aql/printer.h"
#include "aql/sorted_runs.h"
#include "aql/value_bytes.h"
#include "core/text.h"

namespace aihunt::aql {

using detail::AggFn;
using detail::AggState;
using detail::Node;
using detail::Val;

namespace {

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

// The fields an expression reads from its event.
void collectFields(const Node& node, std::vector<FieldId>& out) {
  if (node.op == detail::NodeOp::kField) out.push_back(node.field);
  for (const Node& kid : node.kids) collectFields(kid, out);
}

// A group in memory beyond its kept values' text: its vectors, and its key in the index (the
// map's node and bucket on top of the key's bytes).
constexpr std::size_t kGroupIndexOverhead = 64;

// Spilled groups sort by their key's bytes; a key's partial groups then come in input order.
bool byGroupKey(const SortItem& a, const SortItem& b) {
  const int c = a.keys[0].asString().compare(b.keys[0].asString());
  return c != 0 ? c < 0 : a.seq < b.seq;
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
  // A GROUP BY group: what its columns read outside aggregates (the fields in `kept_fields`, from
  // the group's first event; a field grouped by as it is comes from the key instead) and its
  // aggregates' states. Past the memory budget, the groups go to disk as a run sorted by key
  // (aql/sorted_runs.h); at the end the runs and the groups still in memory are merged by key,
  // and each key's partial groups are folded together in input order.
  struct Group {
    std::vector<Value> kept;
    std::vector<AggState> aggs;
    std::uint64_t seq = 0;  // its first event's place among the groups: the output order
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
  std::vector<FieldId> kept_fields;  // sorted
  // Fields the columns read that are themselves group keys: (field, the key's position).
  std::vector<std::pair<FieldId, std::size_t>> key_fields;
  std::vector<Value> key_values;     // scratch: a key's values
  Event group_event;                 // a group's kept and key values in place, for its columns
  std::vector<Value> group_results;  // a group's aggregates, for its columns
  std::size_t group_bytes = 0;       // about what `groups` holds, when a budget applies
  std::uint64_t group_seq = 0;
  std::unique_ptr<SortedRuns> group_runs;  // made at the first spill of groups
  bool groups_spilled = false;  // the groups come out of a merge: in their order via `pending`
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

  void buffer(Row&& row, const Event& event, std::uint64_t arrival) {
    SortItem item;
    item.keys.reserve(order.size());
    for (OrderKey& key : order) {
      item.keys.push_back(key.column >= 0 ? row.values[static_cast<std::size_t>(key.column)]
                                          : detail::toValue(detail::eval(key.node, event, ctx)));
    }
    item.values = std::move(row.values);
    item.seq = arrival;
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
    if (!runs) runs = std::make_unique<SortedRuns>(spill_dir, "the rows held for ORDER BY");
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
    if (!at) {  // Ariel has no event without a start time
      if (times != nullptr) ++times->without_time;
      return true;
    }
    if (times != nullptr) times->note(*at);
    if (*at < range.from || *at >= range.to) return true;
    if (where && detail::truthOf(detail::eval(*where, event, ctx)) != detail::Truth::kTrue) {
      return true;
    }
    if (aggregated) {
      addToGroup(event);
      return !done;  // done: a spill failed, and finish() says so
    }
    Row row = makeRow(event);
    if (!order.empty()) {
      buffer(std::move(row), event, seq++);
      return !done;  // done: a spill failed, and finish() says so
    }
    sink(std::move(row));
    ++emitted;
    if (limit && emitted >= *limit) done = true;
    return !done;
  }

  void addToGroup(const Event& event) {
    key_buffer.clear();
    for (Node& key : group_keys) detail::appendValue(key_buffer, detail::eval(key, event, ctx));
    const auto [it, fresh] = group_index.try_emplace(key_buffer, groups.size());
    if (fresh) {
      groups.push_back(newGroup(&event));
      if (sort_memory_bytes != 0) group_bytes += groupBytes(groups.back(), key_buffer.size());
    }
    Group& group = groups[it->second];
    for (std::size_t i = 0; i < aggs.size(); ++i) {
      detail::AggregateSpec& spec = aggs[i];
      const Val v = spec.fn == AggFn::kCountStar ? Val::null() : detail::eval(spec.arg, event, ctx);
      group_bytes += detail::accumulate(spec.fn, v, group.aggs[i], agg_scratch);
    }
    if (sort_memory_bytes != 0 && group_bytes > sort_memory_bytes) spillGroups();
  }

  // `from` null: the one group of an aggregate without GROUP BY over no events.
  Group newGroup(const Event* from) {
    Group group;
    group.kept.reserve(kept_fields.size());
    for (const FieldId id : kept_fields) group.kept.push_back(from ? from->get(id) : Value());
    group.aggs.resize(aggs.size());
    group.seq = group_seq++;
    return group;
  }

  static std::size_t groupBytes(const Group& group, std::size_t key_size) {
    std::size_t bytes = sizeof(Group) + kGroupIndexOverhead + key_size +
                        group.kept.capacity() * sizeof(Value) +
                        group.aggs.capacity() * sizeof(AggState);
    for (const Value& value : group.kept) {
      if (value.kind() == Value::Kind::kString) bytes += value.asString().size();
    }
    return bytes;
  }

  void spillGroups() {
    std::vector<SortItem> items = takeGroups();
    if (!group_runs) {
      group_runs = std::make_unique<SortedRuns>(spill_dir, "the groups held for GROUP BY");
    }
    if (auto status = group_runs->write(items); !status) {
      failed = status.error();
      done = true;
    }
    group_bytes = 0;
  }

  // The groups in memory as spool items (the key, then the kept values and each aggregate's
  // encoded state), sorted by key. Leaves no group in memory.
  std::vector<SortItem> takeGroups() {
    std::vector<SortItem> items(groups.size());
    for (const auto& [key, index] : group_index) items[index].keys.push_back(Value::string(key));
    for (std::size_t i = 0; i < groups.size(); ++i) {
      Group& group = groups[i];
      SortItem& item = items[i];
      item.seq = group.seq;
      item.values = std::move(group.kept);
      std::string states;
      detail::encodeAggs(group.aggs, states);
      item.values.push_back(Value::string(std::move(states)));
    }
    groups.clear();
    group_index.clear();
    std::sort(items.begin(), items.end(), byGroupKey);
    return items;
  }

  // What takeGroups() wrote, back as a group; nullopt when the item is not its shape.
  std::optional<Group> groupOf(SortItem& item) const {
    if (item.values.size() != kept_fields.size() + 1 ||
        item.values.back().kind() != Value::Kind::kString) {
      return std::nullopt;
    }
    Group group;
    group.seq = item.seq;
    if (!detail::decodeAggs(item.values.back().asString(), aggs.size(), group.aggs)) {
      return std::nullopt;
    }
    item.values.pop_back();
    group.kept = std::move(item.values);
    return group;
  }

  // A group's row: to the sink, or held for ORDER BY (or, after a spill, for the groups' order).
  // `key`: the group's key (its values' detail::appendValue() bytes).
  void emitGroup(Group& group, std::string_view key) {
    for (std::size_t i = 0; i < aggs.size(); ++i) {
      group_results[i] = detail::finalizeAgg(aggs[i].fn, group.aggs[i]);
    }
    for (std::size_t i = 0; i < kept_fields.size(); ++i) {
      group_event.values[kept_fields[i]] = std::move(group.kept[i]);
    }
    if (!key_fields.empty() && detail::decodeKey(key, key_values)) {
      for (const auto& [field, position] : key_fields) {
        group_event.values[field] = std::move(key_values[position]);
      }
    }
    ctx.aggregates = &group_results;
    const bool kept =
        !having || detail::truthOf(detail::eval(*having, group_event, ctx)) == detail::Truth::kTrue;
    if (kept) {
      Row row = makeRow(group_event);
      if (!order.empty() || groups_spilled) {
        buffer(std::move(row), group_event, group.seq);
      } else if (!limit || emitted < *limit) {
        // Without ORDER BY the rows go out in the groups' order as they are made, rather than
        // all being held first: a GROUP BY of many groups does not need twice the memory.
        sink(std::move(row));
        ++emitted;
      }
    }
    ctx.aggregates = nullptr;
  }

  void finishGroups() {
    // An aggregate without GROUP BY answers one row even over no events (COUNT(*) = 0).
    if (groups.empty() && !has_group_by) {
      groups.push_back(newGroup(nullptr));
      group_index.emplace(std::string(), 0);
    }
    std::vector<const std::string*> keys(groups.size());
    for (const auto& [key, index] : group_index) keys[index] = &key;
    for (std::size_t i = 0; i < groups.size(); ++i) {
      emitGroup(groups[i], *keys[i]);
      groups[i] = Group{};  // done with it: its strings go back to the allocator for the next rows
    }
    std::unordered_map<std::string, std::size_t>().swap(group_index);
  }

  // The runs and the groups in memory merged by key; each key's partial groups (in input order)
  // folded into one, which keeps the first one's values.
  void finishSpilledGroups() {
    groups_spilled = true;
    std::vector<SortItem> memory = takeGroups();
    std::unordered_map<std::string, std::size_t>().swap(group_index);
    std::optional<Group> current;
    std::string current_key;
    const auto fold = [&](SortItem&& item) {
      std::optional<Group> next = groupOf(item);
      if (!next) {
        failed = core::makeError(core::ErrorCode::kIo,
                                 "the groups held for GROUP BY: the spool file holds a damaged "
                                 "group");
        return false;
      }
      if (current && item.keys[0].asString() == current_key) {
        for (std::size_t i = 0; i < aggs.size(); ++i) {
          detail::mergeInto(aggs[i].fn, current->aggs[i], std::move(next->aggs[i]));
        }
        return true;
      }
      if (current) emitGroup(*current, current_key);
      current = std::move(next);
      current_key = item.keys[0].asString();
      return !failed;
    };
    if (auto status = group_runs->merge(memory, byGroupKey, fold); !status) failed = status.error();
    if (current && !failed) emitGroup(*current, current_key);
    group_runs.reset();  // the spool file is closed, and with it gone
  }

  void finish() {
    if (finished) return;
    finished = true;
    if (failed) return;
    if (aggregated) {
      if (group_runs) {
        finishSpilledGroups();
      } else {
        finishGroups();
      }
    }
    if (failed) return;
    if (!order.empty() || groups_spilled) emitOrdered();
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
  if (impl->aggregated) {
    std::vector<FieldId> read;
    for (const Node& node : impl->select) collectFields(node, read);
    if (impl->having) collectFields(*impl->having, read);
    for (const Impl::OrderKey& key : impl->order) {
      if (key.column < 0) collectFields(key.node, read);
    }
    std::sort(read.begin(), read.end());
    read.erase(std::unique(read.begin(), read.end()), read.end());
    for (const FieldId field : read) {
      // A field grouped by as it is has one value in its group, held in the key already.
      const auto key =
          std::find_if(impl->group_keys.begin(), impl->group_keys.end(), [field](const Node& node) {
            return node.op == detail::NodeOp::kField && node.field == field;
          });
      if (key == impl->group_keys.end()) {
        impl->kept_fields.push_back(field);
      } else {
        impl->key_fields.emplace_back(field,
                                      static_cast<std::size_t>(key - impl->group_keys.begin()));
      }
    }
    if (!read.empty()) impl->group_event.values.resize(read.back() + 1);
    impl->group_results.resize(impl->aggs.size());
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

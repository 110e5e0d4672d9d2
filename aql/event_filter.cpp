// The time range and WHERE of a query, on their own: what each thread of a parallel scan tests.
#include "aql/compiled.h"
#include "aql/evaluator.h"
#include "core/ascii_pattern_set.h"
#include "core/int_cast.h"
#include "core/text.h"

namespace aihunt::aql {

namespace detail {

core::Result<TimeRange> queryRange(const Query& query, const EvalOptions& options) {
  if (options.range) return *options.range;
  return resolveTimeRange(query.time, options.now, options.console_zone);
}

std::optional<std::int64_t> startTimeOf(const Event& event, FieldId starttime) {
  const Value& t = event.get(starttime);
  if (t.kind() == Value::Kind::kInt) return t.asInt();
  if (t.kind() == Value::Kind::kDouble) return core::truncatedInt64(t.asDouble());
  return std::nullopt;
}

bool inTimeRange(const Event& event, FieldId starttime, const TimeRange& range) {
  const auto at = startTimeOf(event, starttime);
  return at && *at >= range.from && *at < range.to;
}

}  // namespace detail

struct EventFilter::Impl {
  TimeRange range;
  FieldId starttime = 0;
  detail::EvalContext ctx;
  std::optional<detail::Node> where;
  std::vector<detail::AggregateSpec> unused_aggregates;  // WHERE has none; the compiler wants one
  std::vector<EventFilter::TextDemand> demands;
};

namespace {

// The one-property test a node is, if it is a '%literal%' LIKE (case-insensitive) on a
// property, or a fused OR of them. A pattern with '_' demands its longest plain run: looser than
// the pattern, which is what a demand may be (a value without the run cannot match).
std::optional<EventFilter::TextTest> textTestOf(const detail::Node& node, const Schema& schema) {
  using detail::NodeOp;
  if (node.kids.empty() || node.kids[0].op != NodeOp::kField) return std::nullopt;
  std::string property = core::asciiLowered(schema.name(node.kids[0].field));
  if (node.op == NodeOp::kContainsAny)
    return EventFilter::TextTest{std::move(property), node.needles};
  if (node.op == NodeOp::kLike && !node.negated && !node.never_matches && node.like &&
      !node.like->icaseAnchor().run.empty()) {
    return EventFilter::TextTest{
        std::move(property), std::make_shared<const core::AsciiPatternSet>(std::vector<std::string>{
                                 std::string(node.like->icaseAnchor().run)})};
  }
  return std::nullopt;
}

// The TextDemands of a compiled WHERE: its AND terms (nested ANDs looked through) that are such a
// test, or an OR of nothing but such tests. Anything else (NOT, an OR with another kind of
// test, functions) demands nothing.
void collectDemands(const detail::Node& node, const Schema& schema,
                    std::vector<EventFilter::TextDemand>& out) {
  using detail::NodeOp;
  if (node.op == NodeOp::kAnd) {
    for (const detail::Node& kid : node.kids) collectDemands(kid, schema, out);
    return;
  }
  EventFilter::TextDemand demand;
  if (node.op == NodeOp::kOr) {
    for (const detail::Node& kid : node.kids) {
      auto test = textTestOf(kid, schema);
      if (!test) return;
      demand.alternatives.push_back(std::move(*test));
    }
  } else if (auto test = textTestOf(node, schema)) {
    demand.alternatives.push_back(std::move(*test));
  }
  if (!demand.alternatives.empty()) out.push_back(std::move(demand));
}

}  // namespace

core::Result<EventFilter> EventFilter::create(const Query& query, Schema& schema,
                                              const EvalOptions& options) {
  auto impl = std::make_unique<Impl>();
  auto range = detail::queryRange(query, options);
  if (!range.ok()) return range.error();
  impl->range = range.value();
  impl->starttime = schema.intern("starttime");
  impl->ctx.now = options.now;
  impl->ctx.lookups = options.lookups;
  impl->ctx.reference_data = options.reference_data;
  if (query.where) {
    detail::Compiler compiler(schema, impl->unused_aggregates);
    auto where = compiler.compileRow(*query.where);
    if (!where.ok()) return where.error();
    impl->where = std::move(where.value());
    collectDemands(*impl->where, schema, impl->demands);
  }
  return EventFilter(std::move(impl));
}

EventFilter::EventFilter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventFilter::EventFilter(EventFilter&&) noexcept = default;
EventFilter& EventFilter::operator=(EventFilter&&) noexcept = default;
EventFilter::~EventFilter() = default;

const TimeRange& EventFilter::range() const { return impl_->range; }

const std::vector<EventFilter::TextDemand>& EventFilter::textDemands() const {
  return impl_->demands;
}

bool EventFilter::matches(const Event& event, EventTimes* times) {
  Impl& impl = *impl_;
  const auto at = detail::startTimeOf(event, impl.starttime);
  if (!at) {
    if (times != nullptr) ++times->without_time;
    return false;
  }
  if (times != nullptr) times->note(*at);
  if (*at < impl.range.from || *at >= impl.range.to) return false;
  return !impl.where ||
         detail::truthOf(detail::eval(*impl.where, event, impl.ctx)) == detail::Truth::kTrue;
}

}  // namespace aihunt::aql

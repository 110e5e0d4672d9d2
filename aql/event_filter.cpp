// The time range and WHERE of a query, on their own: what each thread of a parallel scan tests.
#include "aql/compiled.h"
#include "aql/evaluator.h"

namespace aihunt::aql {

namespace detail {

core::Result<TimeRange> queryRange(const Query& query, const EvalOptions& options) {
  if (options.range) return *options.range;
  return resolveTimeRange(query.time, options.now, options.console_zone);
}

std::optional<std::int64_t> startTimeOf(const Event& event, FieldId starttime) {
  const Value& t = event.get(starttime);
  if (t.kind() == Value::Kind::kInt) return t.asInt();
  if (t.kind() == Value::Kind::kDouble) return static_cast<std::int64_t>(t.asDouble());
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
};

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
  }
  return EventFilter(std::move(impl));
}

EventFilter::EventFilter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventFilter::EventFilter(EventFilter&&) noexcept = default;
EventFilter& EventFilter::operator=(EventFilter&&) noexcept = default;
EventFilter::~EventFilter() = default;

const TimeRange& EventFilter::range() const { return impl_->range; }

bool EventFilter::matches(const Event& event, EventTimes* times) {
  Impl& impl = *impl_;
  const auto at = detail::startTimeOf(event, impl.starttime);
  if (!at) return false;
  if (times != nullptr) times->note(*at);
  if (*at < impl.range.from || *at >= impl.range.to) return false;
  return !impl.where ||
         detail::truthOf(detail::eval(*impl.where, event, impl.ctx)) == detail::Truth::kTrue;
}

}  // namespace aihunt::aql

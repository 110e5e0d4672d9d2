#include "detection/request_facts.h"

#include "core/text.h"
#include "detection/host.h"

namespace aihunt::detection {

void classifyClient(const DetectionSettings& settings, const Event& event, Client& out) {
  const std::string_view application = event.get(Field::kApplication);
  out.process_seen = application.empty() ? event.get(Field::kImage) : application;
  out.seen_name = normaliseProcessName(out.process_seen);
  out.process_name = {};
  out.vendor = {};
  out.agent_label = {};
  out.category = ProcessCategory::kUnknown;
  if (!out.seen_name.empty()) {
    const ProcessCatalog::Match match = settings.processes.lookup(out.seen_name);
    out.category = match.entry.category;
    out.vendor = match.entry.vendor;
    out.process_name = match.name;
  }
  // A process the catalog does not know is Other; a user agent may still say what it is.
  if (out.category == ProcessCategory::kUnknown || out.category == ProcessCategory::kOther) {
    const UserAgentVerdict verdict = settings.user_agents.classify(event.get(Field::kUserAgent));
    if (verdict.category != ProcessCategory::kUnknown &&
        (out.category == ProcessCategory::kUnknown ||
         verdict.category != ProcessCategory::kOther)) {
      out.category = verdict.category;
      out.agent_label = verdict.label;
    }
  }
}

bool isOwnEvent(const DetectionSettings& settings, const Event& event) {
  const std::string_view type = event.get(Field::kLogSourceType);
  if (type.empty()) return false;
  for (const auto& own : settings.own_log_source_types) {
    if (core::iequals(type, own)) return true;
  }
  return false;
}

ProviderHit networkProvider(const ProviderCatalog& providers, const Event& event) {
  for (const Field field : {Field::kUrl, Field::kDestHost, Field::kQueryName}) {
    const std::string_view value = event.get(field);
    if (value.empty()) continue;
    const auto host = field == Field::kUrl ? hostFromUrl(value) : hostFromHostPort(value);
    if (!host) continue;
    if (const Provider* found = providers.classify(*host)) return {found, *host};
  }
  return {};
}

}  // namespace aihunt::detection

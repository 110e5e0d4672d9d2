#include "detection/request_facts.h"

#include "core/text.h"
#include "detection/host.h"

namespace aihunt::detection {
namespace {

bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// A product token and its version ("python-requests/2.31", "curl/8.4.0", "Mozilla/5.0 (...)"):
// what a proxy logs as the user agent, which some DSMs and exports put in the application
// column. A program path never starts so: it starts with '/', a drive or a name whose next part
// after '/' is not a bare version ("bin/7zip" is not one).
bool looksLikeUserAgent(std::string_view value) {
  const std::size_t slash = value.find('/');
  if (slash == 0 || slash == std::string_view::npos) return false;
  for (const char c : value.substr(0, slash)) {
    const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isAsciiDigit(c) ||
                       c == '-' || c == '_' || c == '.' || c == '+';
    if (!token) return false;
  }
  std::size_t at = slash + 1;
  if (at >= value.size() || !isAsciiDigit(value[at])) return false;
  while (at < value.size() && (isAsciiDigit(value[at]) || value[at] == '.')) ++at;
  if (at == value.size()) return true;
  const char next = value[at];
  return next == ' ' || next == '-' || next == '+' || next == '(' || next == ';';
}

}  // namespace

void classifyClient(const DetectionSettings& settings, const Event& event, Client& out) {
  const std::string_view application = event.get(Field::kApplication);
  out.process_seen = application.empty() ? event.get(Field::kImage) : application;
  // Some proxy DSMs and exports log the user agent as the application. Its name is the product
  // token: taken for a path, its last part would be the version ("2.31"). The value itself stays
  // what findings show and exceptions match.
  const bool agent_shaped = looksLikeUserAgent(out.process_seen);
  out.seen_name = normaliseProcessName(
      agent_shaped ? out.process_seen.substr(0, out.process_seen.find('/')) : out.process_seen);
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
  // Still not known: the application column may hold an agent the agent catalog knows (a
  // browser's "Mozilla/5.0 (...)", "OpenAI/JS 4.20.1"). Only a definite verdict is taken, and
  // the agent's label then names the client instead of a part of the value.
  if ((out.category == ProcessCategory::kUnknown || out.category == ProcessCategory::kOther) &&
      !application.empty()) {
    const UserAgentVerdict verdict = settings.user_agents.classify(application);
    if (verdict.category != ProcessCategory::kUnknown &&
        verdict.category != ProcessCategory::kOther) {
      out.category = verdict.category;
      out.agent_label = verdict.label;
      if (!verdict.label.empty()) out.process_name = {};
      out.vendor = {};
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

#pragma once
// What one request row says about who made it and where it went: the client (the process the
// log names, else the user agent) and the AI provider its network fields name. Shared by the
// per-event analysis and the window totals of large uploads, so that both tell browsers and
// providers apart the same way.
#include <string>
#include <string_view>

#include "detection/event.h"
#include "detection/process.h"
#include "detection/provider.h"
#include "detection/settings.h"

namespace aihunt::detection {

struct Client {
  std::string_view process_seen;  // application, else image, as logged
  std::string seen_name;          // process_seen normalised; process_name may point into it
  std::string_view process_name;  // the catalog's name, the seen name, or empty
  std::string_view vendor;        // for AI clients
  std::string_view agent_label;   // the user agent's label when it decided the category
  ProcessCategory category = ProcessCategory::kUnknown;
};

// Fills `out` in place (process_name may point into out.seen_name, so it is not returned).
void classifyClient(const DetectionSettings& settings, const Event& event, Client& out);

struct ProviderHit {
  const Provider* provider = nullptr;
  std::string_view domain;  // as written in the event
};

// Whether the row is one of aihunt's own LEEF events read back from QRadar: its log source type
// is one of detection.own_log_source_types (ASCII case-insensitively). Never analysed.
bool isOwnEvent(const DetectionSettings& settings, const Event& event);

// The first of url, dest_host and query_name whose host is a known provider's.
ProviderHit networkProvider(const ProviderCatalog& providers, const Event& event);

}  // namespace aihunt::detection

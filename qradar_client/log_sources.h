#pragma once
// The log sources of one type and the host each takes syslog from: `aihunt check` looks for
// the one that receives aihunt's LEEF events, whose Log Source Identifier must be the host name
// in aihunt's syslog header (outputs.leef.hostname). Under any other log source the events get
// no QID names (offenses named "Unknown", which offense notes do not recognise) and no aihunt
// type, so the hunts read them back and raise them as findings again.
//
// GET /config/event_sources/log_source_management/log_sources takes fields, filter and Range,
// and each log source holds `protocol_parameters`, a list of {name, value}; for syslog the
// parameter `identifier` is the Log Source Identifier (IBM's API reference, 16.0 and 17.0:
// https://juniper.net/documentation/us/en/software/jsa7.5.0/jsa-rest-api-v170/topics/ref/17.0--config-event_sources-log_source_management-log_sources-POST.html).
// Which capability may list them is not stated there: **unconfirmed** (the single read's
// 403/1010, "Sensitive data requests require admin capabilities", is for its encryption
// headers); a refusal is an error the caller reports as "could not check".
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

struct LogSource {
  std::int64_t id = 0;
  std::string name;        // server data: sanitise before display
  std::string identifier;  // the `identifier` protocol parameter; empty when none
  bool enabled = false;
};

// The log sources whose type_id is `type_id`, in Range pages, at most `limit` of them.
[[nodiscard]] core::Result<std::vector<LogSource>> listLogSourcesOfType(
    ApiClient& api, std::int64_t type_id, std::size_t limit = 10'000, std::size_t page_size = 500);

}  // namespace aihunt::qradar

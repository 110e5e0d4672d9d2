#pragma once
// Log source types by name: `aihunt check` looks for the type aihunt's LEEF events arrive under
// (detection.own_log_source_types), since without it QRadar maps none of them to aihunt's QIDs
// and the hunts would read them back as ordinary events.
//
// GET /config/event_sources/log_source_management/log_source_types takes Range and fields. Any
// authorised client may list them: a client without the System Administrator, Security Admin or
// Manage Log Source Types permission gets only each type's name and id (the API reference's
// summary of the endpoint, as IBM's JSA 7.5 edition of API 17.0 gives it:
// https://www.juniper.net/documentation/us/en/software/jsa7.5.0/jsa-rest-api-v170/topics/ref/17.0--config-event_sources-log_source_management-log_source_types-id-GET.html
// and, for the list, the v16.0 page of the same site).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

struct LogSourceType {
  std::int64_t id = 0;
  std::string name;  // server data: sanitise before display
};

// Every type's id and name, in Range pages of `page_size`, at most `limit` of them (a console
// has a few hundred; a longer list is cut there, not an error).
[[nodiscard]] core::Result<std::vector<LogSourceType>> listLogSourceTypes(
    ApiClient& api, std::size_t limit = 10'000, std::size_t page_size = 500);

}  // namespace aihunt::qradar

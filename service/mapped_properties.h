#pragma once
// The QRadar properties the hunts map (hunts[].fields) against the console's events catalog:
// a console refuses a search that names a property it does not have, so a typo in a mapping
// would fail its hunt at every window. `aihunt check` reports these; the daemon says them once
// per config, when it first reaches the console (docs/operations.md).
#include <string>
#include <vector>

#include "config/config.h"
#include "qradar_client/events_catalog.h"

namespace aihunt::service {

struct MappedProperty {
  std::string hunt;  // the first enabled hunt that maps it
  std::string property;
};

// Each property the enabled events hunts map, once, with the first hunt that maps it.
std::vector<MappedProperty> mappedProperties(const std::vector<config::HuntConfig>& hunts);

// Of those, each (hunt, property) the catalog does not list, every hunt named.
std::vector<MappedProperty> missingMappedProperties(const qradar::EventsCatalog& catalog,
                                                    const std::vector<config::HuntConfig>& hunts);

}  // namespace aihunt::service

#include "service/mapped_properties.h"

#include <set>

namespace aihunt::service {

std::vector<MappedProperty> mappedProperties(const std::vector<config::HuntConfig>& hunts) {
  std::vector<MappedProperty> out;
  std::set<std::string> seen;
  for (const auto& hunt : hunts) {
    // A flows hunt's properties are columns of the flows database, not of this catalog.
    if (!hunt.enabled || hunt.database != config::HuntDatabase::kEvents) continue;
    for (const auto& [field, property] : hunt.fields) {
      if (seen.insert(property).second) out.push_back({hunt.name, property});
    }
  }
  return out;
}

std::vector<MappedProperty> missingMappedProperties(const qradar::EventsCatalog& catalog,
                                                    const std::vector<config::HuntConfig>& hunts) {
  std::vector<MappedProperty> out;
  for (const auto& hunt : hunts) {
    if (!hunt.enabled || hunt.database != config::HuntDatabase::kEvents) continue;
    std::set<std::string> said;  // a property mapped to two fields is one problem
    for (const auto& [field, property] : hunt.fields) {
      if (!catalog.lists(property) && said.insert(property).second) {
        out.push_back({hunt.name, property});
      }
    }
  }
  return out;
}

}  // namespace aihunt::service

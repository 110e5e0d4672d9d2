#pragma once
// What a QRadar user role may do, reduced to the capabilities the emulated endpoints check.
#include <optional>
#include <set>
#include <string_view>

namespace aihunt::emulator {

enum class Capability {
  kAdmin,          // QRadar's "Admin": everything
  kLogActivity,    // Ariel event searches and the database catalog
  kReferenceData,  // Delegated Administration -> Manage Reference Data
  kOffenses,       // Offenses
  // View Custom Rules: reading rules (GET /analytics/rules). IBM's reference names no
  // capability for it; IBM's Use Case Manager page has View Custom Rules under Offenses (offense
  // rules) and under Log Activity (event rules): one capability here, for any rule
  // (**unconfirmed** for this endpoint; see qradar_client/rule_names.h).
  kViewCustomRules,
  kNone,  // any authenticated user
};

using CapabilitySet = std::set<Capability>;

std::optional<Capability> parseCapability(std::string_view name);
std::string_view capabilityName(Capability capability);

inline bool allows(const CapabilitySet& granted, Capability needed) {
  return needed == Capability::kNone || granted.count(Capability::kAdmin) > 0 ||
         granted.count(needed) > 0;
}

}  // namespace aihunt::emulator

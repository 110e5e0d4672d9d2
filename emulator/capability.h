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
  // Offenses -> View Custom Rules: reading rules (GET /analytics/rules). IBM's reference names
  // no capability for it; IBM's QRadar Advisor page lists this one for a limited token that
  // reads offenses' rules (**unconfirmed** for this endpoint).
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

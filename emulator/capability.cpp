#include "emulator/capability.h"

#include "core/text.h"

namespace aihunt::emulator {

std::optional<Capability> parseCapability(std::string_view name) {
  for (const Capability c :
       {Capability::kAdmin, Capability::kLogActivity, Capability::kReferenceData,
        Capability::kOffenses, Capability::kViewCustomRules}) {
    if (core::iequals(name, capabilityName(c))) return c;
  }
  return std::nullopt;
}

std::string_view capabilityName(Capability capability) {
  switch (capability) {
    case Capability::kAdmin:
      return "ADMIN";
    case Capability::kLogActivity:
      return "LOG_ACTIVITY";
    case Capability::kReferenceData:
      return "REFERENCE_DATA";
    case Capability::kOffenses:
      return "OFFENSES";
    case Capability::kViewCustomRules:
      return "VIEW_CUSTOM_RULES";
    case Capability::kNone:
      return "NONE";
  }
  return "NONE";
}

}  // namespace aihunt::emulator

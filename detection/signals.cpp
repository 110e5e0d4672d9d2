#include "detection/signals.h"

#include <array>

namespace aihunt::detection {
namespace {

constexpr std::array<std::string_view, kSignalCount> kSignalNames = {
    "non_browser_ai_api", "large_upload", "key_or_prompt_on_cmdline",
    "ai_sdk_install",     "first_seen",   "ai_api_contact",
};

}  // namespace

std::string_view signalName(Signal signal) {
  return kSignalNames[static_cast<std::size_t>(signal)];
}

std::optional<Signal> signalFromName(std::string_view name) {
  for (std::size_t i = 0; i < kSignalNames.size(); ++i) {
    if (kSignalNames[i] == name) return static_cast<Signal>(i);
  }
  return std::nullopt;
}

std::vector<Signal> SignalSet::list() const {
  std::vector<Signal> out;
  forEach([&](Signal signal) { out.push_back(signal); });
  return out;
}

}  // namespace aihunt::detection

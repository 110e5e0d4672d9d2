#include "service/hunt_selection.h"

#include <algorithm>

#include "core/edit_distance.h"
#include "core/text.h"

namespace aihunt::service {

std::vector<std::string> splitHuntNames(const std::vector<std::string>& values) {
  std::vector<std::string> names;
  for (const std::string& value : values) {
    std::string_view rest = value;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view item = core::trim(rest.substr(0, comma));
      if (!item.empty() && std::find(names.begin(), names.end(), item) == names.end()) {
        names.emplace_back(item);
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return names;
}

std::string nearestName(std::string_view name, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = 0;
  for (const std::string& candidate : known) {
    const std::size_t distance = core::editDistance(name, candidate, /*ignore_case=*/true);
    // A prefix ("proxy" for "proxy-ai-api") is what people type when they half remember.
    const bool prefix = !name.empty() && core::istartsWith(candidate, name);
    const std::size_t limit = std::max<std::size_t>(1, std::max(name.size(), candidate.size()) / 3);
    if (distance > limit && !prefix) continue;
    const std::size_t rank = prefix ? 0 : distance;
    if (best.empty() || rank < best_distance) {
      best = candidate;
      best_distance = rank;
    }
  }
  return best;
}

core::Status checkHuntNames(const std::vector<std::string>& names,
                            const std::vector<std::string>& known) {
  std::string message;
  for (const std::string& name : names) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (!message.empty()) message += "; ";
    message += "no hunt named '" + core::printableExcerpt(name) + "'";
    const std::string nearest = nearestName(name, known);
    if (!nearest.empty()) message += " (did you mean '" + nearest + "'?)";
  }
  if (message.empty()) return {};
  std::string valid;
  for (const std::string& name : known) valid += (valid.empty() ? "" : ", ") + name;
  return core::makeError(core::ErrorCode::kInvalidArgument,
                         message + "; valid hunts: " + (valid.empty() ? "none" : valid));
}

std::vector<std::string> huntNames(const std::vector<config::HuntConfig>& hunts) {
  std::vector<std::string> names;
  names.reserve(hunts.size());
  for (const auto& hunt : hunts) names.push_back(hunt.name);
  return names;
}

core::Result<std::vector<const config::HuntConfig*>> selectHunts(
    const std::vector<config::HuntConfig>& hunts, const std::vector<std::string>& names) {
  std::vector<const config::HuntConfig*> selected;
  if (names.empty()) {
    for (const auto& hunt : hunts) {
      if (hunt.enabled) selected.push_back(&hunt);
    }
    if (selected.empty()) {
      return core::makeError(core::ErrorCode::kInvalidArgument, "no enabled hunts");
    }
    return selected;
  }
  if (auto known = checkHuntNames(names, huntNames(hunts)); !known) return known.error();
  for (const std::string& name : names) {
    const auto found = std::find_if(hunts.begin(), hunts.end(),
                                    [&](const config::HuntConfig& h) { return h.name == name; });
    selected.push_back(&*found);
  }
  return selected;
}

}  // namespace aihunt::service

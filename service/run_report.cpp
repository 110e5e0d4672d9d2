#include "service/run_report.h"

#include <algorithm>

namespace aihunt::service {

std::string_view huntStatusName(HuntStatus status) {
  switch (status) {
    case HuntStatus::kOk:
      return "ok";
    case HuntStatus::kFailed:
      return "failed";
    case HuntStatus::kCancelled:
      return "cancelled";
    case HuntStatus::kTruncated:
      return "truncated";
  }
  return "failed";
}

bool RunReport::complete() const {
  return output_ok && std::all_of(hunts.begin(), hunts.end(), [](const HuntReport& hunt) {
           return hunt.status == HuntStatus::kOk;
         });
}

void RunReport::loseHeldFindings(const std::string& why) {
  output_ok = false;
  for (HuntReport& hunt : hunts) {
    if (hunt.status != HuntStatus::kOk || hunt.findings == 0) continue;
    hunt.status = HuntStatus::kFailed;
    hunt.error = "its findings could not be held for printing: " + why;
    hunt.error_said = true;
  }
}

std::size_t RunReport::failed() const {
  return static_cast<std::size_t>(
      std::count_if(hunts.begin(), hunts.end(),
                    [](const HuntReport& hunt) { return hunt.status == HuntStatus::kFailed; }));
}

}  // namespace aihunt::service

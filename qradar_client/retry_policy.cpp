#include "qradar_client/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace aihunt::qradar {

void ThreadSleeper::sleepFor(Millis duration) {
  if (duration.count() > 0) std::this_thread::sleep_for(duration);
}

bool isRetryableStatus(int http_status) {
  return http_status == 429 || http_status == 500 || http_status == 502 || http_status == 503 ||
         http_status == 504;
}

bool isRetryableError(const core::Error& error) {
  return error.code == core::ErrorCode::kTransport || error.code == core::ErrorCode::kTimeout;
}

Millis backoffDelay(const RetryPolicy& policy, int attempt, Random& random,
                    std::optional<Millis> retry_after) {
  const double base = static_cast<double>(policy.initial_delay.count()) *
                      std::pow(policy.multiplier, std::max(0, attempt - 1));
  const double capped = std::min(base, static_cast<double>(policy.max_delay.count()));
  const double jittered = capped / 2.0 + capped / 2.0 * std::clamp(random.uniform(), 0.0, 1.0);
  Millis delay(static_cast<std::int64_t>(jittered));
  if (retry_after) delay = std::max(delay, *retry_after);
  return std::min(delay, policy.max_delay);
}

}  // namespace aihunt::qradar

#pragma once
// When and how long to wait before trying a QRadar call again: exponential backoff with jitter,
// bounded in attempts and per-wait delay. Retryable: transport errors and timeouts, 429, 500,
// 502, 503 (Ariel busy, 1010), 504. Never: 401, 403, 422 and other 4xx: asking again cannot help.
// The Random and Sleeper seams let tests run the policy without waiting.
#include <chrono>
#include <optional>
#include <random>

#include "core/clock.h"
#include "core/error.h"

namespace aihunt::qradar {

using Millis = std::chrono::milliseconds;

// Uniform in [0, 1): the jitter source.
class Random {
 public:
  virtual ~Random() = default;
  virtual double uniform() = 0;
};

class StdRandom final : public Random {
 public:
  StdRandom() : engine_(std::random_device{}()) {}
  double uniform() override { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }

 private:
  std::mt19937_64 engine_;
};

// Waiting: the real one sleeps; the test one moves a clock.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void sleepFor(Millis duration) = 0;
};

class ThreadSleeper final : public Sleeper {
 public:
  void sleepFor(Millis duration) override;
};

struct RetryPolicy {
  int max_attempts = 5;  // including the first
  Millis initial_delay{500};
  Millis max_delay{10'000};
  double multiplier = 2.0;
};

bool isRetryableStatus(int http_status);
bool isRetryableError(const core::Error& error);

// The wait before attempt `attempt + 1` (attempt counts from 1): "equal jitter", half fixed and
// half random, so that many clients do not retry in step. A server's Retry-After, when given,
// is a floor (still capped by max_delay).
Millis backoffDelay(const RetryPolicy& policy, int attempt, Random& random,
                    std::optional<Millis> retry_after = std::nullopt);

}  // namespace aihunt::qradar

#pragma once
// The emulator's idea of "now": the system clock, or a fixed instant (`--now`) that the admin
// endpoint can move. Thread-safe. Only search time ranges, retention, TTLs and offense times use
// it; waits and lifecycle pacing use real (steady) time.
#include <atomic>
#include <optional>

#include "core/clock.h"
#include "core/time.h"

namespace aihunt::emulator {

class EmulatorClock final : public core::Clock {
 public:
  explicit EmulatorClock(std::optional<core::EpochMs> fixed) {
    if (fixed) {
      fixed_ms_.store(*fixed);
      is_fixed_.store(true);
    }
  }
  [[nodiscard]] core::TimePoint now() const override {
    if (is_fixed_.load()) return core::fromEpochMs(fixed_ms_.load());
    return core::fromEpochMs(core::toEpochMs(std::chrono::system_clock::now()) + offset_ms_.load());
  }
  [[nodiscard]] core::EpochMs nowMs() const { return core::toEpochMs(now()); }
  [[nodiscard]] bool fixed() const { return is_fixed_.load(); }
  // Fixes the clock at `at`.
  void set(core::EpochMs at) {
    fixed_ms_.store(at);
    is_fixed_.store(true);
  }
  // Moves the clock forward (fixed or real).
  void advance(core::EpochMs delta) {
    if (is_fixed_.load()) {
      fixed_ms_.fetch_add(delta);
    } else {
      offset_ms_.fetch_add(delta);
    }
  }

 private:
  std::atomic<bool> is_fixed_{false};
  std::atomic<core::EpochMs> fixed_ms_{0};
  std::atomic<core::EpochMs> offset_ms_{0};
};

}  // namespace aihunt::emulator

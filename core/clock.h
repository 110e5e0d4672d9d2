#pragma once
// The Clock seam: code that asks "what time is it" takes a Clock, so tests and `--now` can fix it.
#include <chrono>

namespace aihunt::core {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that always answers the same instant: `--now` and deterministic tests.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint at) : at_(at) {}
  [[nodiscard]] TimePoint now() const override { return at_; }
  void set(TimePoint at) { at_ = at; }

 private:
  TimePoint at_;
};

}  // namespace aihunt::core

#pragma once
// The signals a finding can carry, as a small bit set.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aihunt::detection {

enum class Signal : std::uint8_t {
  kNonBrowserAiApi = 0,
  kLargeUpload = 1,
  kKeyOrPromptOnCmdline = 2,
  kAiSdkInstall = 3,
  kFirstSeen = 4,
  // An AI API host reached by something we cannot attribute (network-only telemetry such as
  // Zeek TLS or DNS: no process, no user agent). Weak alone; it is what a Linux server's curl
  // looks like from the wire.
  kAiApiContact = 5,
};

inline constexpr int kSignalCount = 6;

std::string_view signalName(Signal signal);
std::optional<Signal> signalFromName(std::string_view name);

class SignalSet {
 public:
  void add(Signal signal) { bits_ |= bit(signal); }
  [[nodiscard]] bool has(Signal signal) const { return (bits_ & bit(signal)) != 0; }
  [[nodiscard]] bool empty() const { return bits_ == 0; }
  [[nodiscard]] bool intersects(SignalSet other) const { return (bits_ & other.bits_) != 0; }
  // Every signal of this set is in `other` (true for an empty set).
  [[nodiscard]] bool isSubsetOf(SignalSet other) const { return (bits_ & ~other.bits_) == 0; }
  [[nodiscard]] SignalSet intersection(SignalSet other) const {
    SignalSet out;
    out.bits_ = bits_ & other.bits_;
    return out;
  }
  static SignalSet all() {
    SignalSet out;
    out.bits_ = static_cast<std::uint8_t>((1U << kSignalCount) - 1);
    return out;
  }
  [[nodiscard]] std::vector<Signal> list() const;
  // Calls visit(signal) for each signal in the set, in enum order, without allocating.
  template <typename Visit>
  void forEach(Visit&& visit) const {
    for (int i = 0; i < kSignalCount; ++i) {
      if (has(static_cast<Signal>(i))) visit(static_cast<Signal>(i));
    }
  }
  bool operator==(const SignalSet&) const = default;

 private:
  static std::uint8_t bit(Signal signal) {
    return static_cast<std::uint8_t>(1U << static_cast<unsigned>(signal));
  }
  std::uint8_t bits_ = 0;
};

}  // namespace aihunt::detection

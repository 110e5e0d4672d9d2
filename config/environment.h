#pragma once
// Environment lookup as a seam: the loader expands ${VAR} and reads AIHUNT_QRADAR_TOKEN through
// it, so tests never touch (or depend on) the real process environment.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace aihunt::config {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value, or nullopt when it is not set (set-but-empty is "").
  [[nodiscard]] virtual std::optional<std::string> get(std::string_view name) const = 0;
};

// The real environment (getenv).
class ProcessEnvironment final : public Environment {
 public:
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const override;
};

// A fixed set of variables: for tests, and for callers that build the environment themselves.
class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  explicit MapEnvironment(std::map<std::string, std::string, std::less<>> values)
      : values_(std::move(values)) {}
  void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const override;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace aihunt::config

#pragma once
// Environment lookup as a seam: the loader expands ${VAR} and reads AIHUNT_QRADAR_TOKEN through
// it, so tests never touch (or depend on) the real process environment.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/secret.h"

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

// The process environment without the QRadar token in it: capture() reads AIHUNT_QRADAR_TOKEN
// once and unsets it, so /proc/<pid>/environ (and any child) no longer holds it; get() answers
// it from memory for the life of the process (the daemon opens connections again after a
// reload and for each worker), and every other variable from the environment.
class TokenHoldingEnvironment final : public Environment {
 public:
  // Call once at start, before any thread exists (unsetenv is not thread-safe).
  static std::shared_ptr<const TokenHoldingEnvironment> capture();
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const override;

 private:
  explicit TokenHoldingEnvironment(std::optional<SecretString> token) : token_(std::move(token)) {}
  std::optional<SecretString> token_;
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

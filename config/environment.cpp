#include "config/environment.h"

#include <cstdlib>
#include <cstring>

#include "config/token_source.h"

namespace aihunt::config {

std::optional<std::string> ProcessEnvironment::get(std::string_view name) const {
  const std::string key(name);  // getenv needs a terminated string
  const char* value = std::getenv(key.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::shared_ptr<const TokenHoldingEnvironment> TokenHoldingEnvironment::capture() {
  const std::string key(kTokenVariable);
  std::optional<SecretString> token;
  if (char* value = std::getenv(key.c_str())) {
    token = SecretString(std::string(value));
    explicit_bzero(value, std::strlen(value));  // the copy in the environment block
    ::unsetenv(key.c_str());
  }
  return std::shared_ptr<const TokenHoldingEnvironment>(
      new TokenHoldingEnvironment(std::move(token)));
}

std::optional<std::string> TokenHoldingEnvironment::get(std::string_view name) const {
  if (name == kTokenVariable) {
    if (!token_) return std::nullopt;
    return token_->reveal();
  }
  return ProcessEnvironment().get(name);
}

std::optional<std::string> MapEnvironment::get(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace aihunt::config

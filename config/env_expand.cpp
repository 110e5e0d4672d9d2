#include "config/env_expand.h"

#include "core/char_class.h"
#include "core/text.h"

namespace aihunt::config {
namespace {

bool isNameChar(char c) { return core::isNameStart(c) || (c >= '0' && c <= '9'); }

core::Error expandError(std::string message) {
  return core::makeError(core::ErrorCode::kConfig, std::move(message));
}

// Names that hold secrets by convention: the token variable and anything ending in TOKEN, KEY,
// SECRET or PASSWORD (any case). No config key is meant for a secret today, and a value such as
// a hunt's `where:` goes into AQL that the console keeps in its search history.
bool isSecretName(std::string_view name) {
  constexpr std::string_view kSuffixes[] = {"token", "key", "secret", "password"};
  const std::string lowered = core::asciiLowered(name);
  for (const std::string_view suffix : kSuffixes) {
    if (std::string_view(lowered).ends_with(suffix)) return true;
  }
  return false;
}

}  // namespace

core::Result<std::string> expandEnvironment(std::string_view text, const Environment& env) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c != '$' || i + 1 == text.size()) {
      out += c;
      ++i;
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (text[i + 1] != '{') {
      out += c;
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return expandError("unterminated '${' (write '$$' for a literal '$')");
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const std::size_t default_at = inner.find(":-");
    const std::string_view name = inner.substr(0, default_at);
    bool valid_name = !name.empty() && core::isNameStart(name.front());
    for (const char n : name) valid_name = valid_name && isNameChar(n);
    if (!valid_name) {
      return expandError("'${" + core::printableExcerpt(inner, 40) +
                         "}' is not a variable reference (use ${NAME} or ${NAME:-default})");
    }
    if (isSecretName(name)) {
      return expandError("'${" + std::string(name) +
                         "}' refers to a secret (a name ending in TOKEN, KEY, SECRET or PASSWORD); "
                         "secrets may not be expanded into config values");
    }
    const std::optional<std::string> value = env.get(name);
    if (default_at != std::string_view::npos) {
      out += (value && !value->empty()) ? std::string_view(*value) : inner.substr(default_at + 2);
    } else if (value) {
      out += *value;
    } else {
      return expandError("environment variable '" + std::string(name) + "' is not set (use ${" +
                         std::string(name) + ":-default} for an optional one)");
    }
    i = close + 1;
  }
  return out;
}

void expandEnvironmentInTree(YamlNode& node, const Environment& env, Diagnostics& diagnostics) {
  switch (node.kind) {
    case YamlNode::Kind::kNull:
      return;
    case YamlNode::Kind::kScalar: {
      if (node.scalar.find('$') == std::string::npos) return;
      auto expanded = expandEnvironment(node.scalar, env);
      if (!expanded) {
        diagnostics.error(node.path, expanded.error().message, node.mark);
        node.invalid = true;
        return;
      }
      node.scalar = std::move(expanded).value();
      return;
    }
    case YamlNode::Kind::kSequence:
      for (auto& item : node.items) expandEnvironmentInTree(item, env, diagnostics);
      return;
    case YamlNode::Kind::kMap:
      for (auto& entry : node.entries) expandEnvironmentInTree(entry.value, env, diagnostics);
      return;
  }
}

}  // namespace aihunt::config

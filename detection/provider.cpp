#include "detection/provider.h"

#include <array>

#include "core/text.h"

namespace aihunt::detection {
namespace {

constexpr std::size_t kMaxHostLength = 253;

bool isHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

std::vector<std::string> splitLabelsReversed(std::string_view host) {
  std::vector<std::string> labels;
  std::size_t end = host.size();
  while (true) {
    const std::size_t dot = host.rfind('.', end == 0 ? 0 : end - 1);
    if (dot == std::string_view::npos || end == 0) {
      labels.emplace_back(host.substr(0, end));
      break;
    }
    labels.emplace_back(host.substr(dot + 1, end - dot - 1));
    end = dot;
  }
  return labels;
}

// "a.b.openai.com" -> "openai.com"; a single label is returned whole.
std::string_view lastTwoLabels(std::string_view host) {
  const std::size_t last_dot = host.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return host;
  const std::size_t previous_dot = host.rfind('.', last_dot - 1);
  return previous_dot == std::string_view::npos ? host : host.substr(previous_dot + 1);
}

}  // namespace

std::string_view providerClassName(ProviderClass value) {
  return value == ProviderClass::kPortal ? "portal" : "api";
}

std::optional<ProviderClass> providerClassFromName(std::string_view name) {
  if (name == "api") return ProviderClass::kApi;
  if (name == "portal") return ProviderClass::kPortal;
  return std::nullopt;
}

core::Status validateHostPattern(std::string_view pattern) {
  using core::ErrorCode;
  const auto fail = [&](std::string_view why) {
    return core::makeError(ErrorCode::kConfig, "'" + core::printableExcerpt(pattern) +
                                                   "' is not a host pattern (" + std::string(why) +
                                                   ")");
  };
  if (pattern.empty()) return fail("empty");
  if (pattern.size() > kMaxHostLength) return fail("longer than 253 characters");
  for (const char c : pattern) {
    if (!isHostChar(c) && c != '*') return fail("only letters, digits, '-', '_', '.' and '*'");
  }
  const std::vector<std::string> labels = splitLabelsReversed(pattern);
  int literal_labels = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i];
    if (label.empty()) return fail("empty label");
    if (label.find('*') == std::string::npos) {
      ++literal_labels;
    } else if (label != "*" && label.find('*') != label.rfind('*')) {
      return fail("at most one '*' in a label");
    }
  }
  // "*.com" or "*" would claim half the internet.
  if (literal_labels < 2) return fail("needs at least two labels without '*'");
  if (labels.front().find('*') != std::string::npos)
    return fail("the top-level label cannot be '*'");
  return {};
}

core::Status ProviderCatalog::add(Provider provider) {
  if (provider.id.empty()) return core::makeError(core::ErrorCode::kConfig, "provider without id");
  for (const auto& existing : providers_) {
    if (existing->id == provider.id) {
      return core::makeError(core::ErrorCode::kConfig,
                             "provider id '" + provider.id + "' is defined twice");
    }
  }
  for (const auto& host : provider.hosts) {
    if (auto status = validateHostPattern(host); !status) return status;
  }
  providers_.push_back(std::make_unique<Provider>(std::move(provider)));
  const Provider* owner = providers_.back().get();
  for (const auto& raw_host : owner->hosts) {
    const std::string host = core::asciiLowered(raw_host);
    const std::string_view second_level = lastTwoLabels(host);
    if (second_level.find('*') == std::string_view::npos) {
      second_levels_.emplace(second_level);
    } else {
      any_wild_second_level_ = true;
    }
    const auto duplicate = [&](const Provider* other) {
      return core::makeError(core::ErrorCode::kConfig, "host '" + host + "' of provider '" +
                                                           owner->id + "' already belongs to '" +
                                                           other->id + "'");
    };
    if (host.starts_with("*.") && host.find('*', 1) == std::string::npos) {
      auto [it, inserted] = subdomain_only_.emplace(host.substr(2), owner);
      if (!inserted) return duplicate(it->second);
    } else if (host.find('*') != std::string::npos) {
      globs_.push_back({splitLabelsReversed(host), owner});
    } else {
      auto [it, inserted] = suffixes_.emplace(host, owner);
      if (!inserted) return duplicate(it->second);
    }
  }
  return {};
}

const Provider* ProviderCatalog::classify(std::string_view host) const {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > kMaxHostLength) return nullptr;
  std::array<char, kMaxHostLength> buffer{};
  for (std::size_t i = 0; i < host.size(); ++i) buffer[i] = core::asciiLower(host[i]);
  const std::string_view lowered(buffer.data(), host.size());
  if (!any_wild_second_level_ && !second_levels_.contains(lastTwoLabels(lowered))) return nullptr;

  // Walk suffixes from the longest: the first hit is the most specific literal pattern.
  const Provider* best = nullptr;
  std::size_t best_length = 0;
  for (std::size_t start = 0; start < lowered.size();) {
    const std::string_view key = lowered.substr(start);
    if (auto it = suffixes_.find(key); it != suffixes_.end()) {
      best = it->second;
      best_length = key.size();
      break;
    }
    if (start > 0) {
      if (auto it = subdomain_only_.find(key); it != subdomain_only_.end()) {
        best = it->second;
        best_length = key.size() + 2;
        break;
      }
    }
    const std::size_t dot = lowered.find('.', start);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (globs_.empty()) return best;

  // Labels right to left, as views: no allocation per lookup.
  std::array<std::string_view, kMaxHostLength / 2 + 1> labels{};
  std::size_t label_count = 0;
  for (std::size_t end = lowered.size(); label_count < labels.size();) {
    const std::size_t dot = end == 0 ? std::string_view::npos : lowered.rfind('.', end - 1);
    const std::size_t begin = dot == std::string_view::npos ? 0 : dot + 1;
    labels[label_count++] = lowered.substr(begin, end - begin);
    if (dot == std::string_view::npos) break;
    end = dot;
  }
  for (const auto& glob : globs_) {
    if (label_count < glob.labels.size()) continue;
    bool matches = true;
    std::size_t pattern_length = 0;
    for (std::size_t i = 0; i < glob.labels.size() && matches; ++i) {
      const std::string& want = glob.labels[i];
      pattern_length += want.size() + 1;
      matches = want == "*" ? !labels[i].empty() : core::globMatch(want, labels[i]);
    }
    if (matches && pattern_length > best_length) {
      best = glob.provider;
      best_length = pattern_length;
    }
  }
  return best;
}

ProviderCatalog::TextMatch ProviderCatalog::findInText(std::string_view text) const {
  // Every maximal run of host characters that contains a dot is a candidate host name.
  std::size_t i = 0;
  while (i < text.size()) {
    if (!isHostChar(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && isHostChar(text[end])) ++end;
    std::string_view token = text.substr(i, end - i);
    while (!token.empty() && (token.front() == '.' || token.front() == '-')) token.remove_prefix(1);
    while (!token.empty() && token.back() == '.') token.remove_suffix(1);
    if (token.find('.') != std::string_view::npos) {
      if (const Provider* provider = classify(token)) return {provider, token};
    }
    i = end;
  }
  return {};
}

}  // namespace aihunt::detection

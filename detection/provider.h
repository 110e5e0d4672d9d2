#pragma once
// AI providers and the hosts that identify them. Matching is on the parsed host name, on a
// dot boundary, ASCII case-insensitive: "api.openai.com" matches itself and "x.api.openai.com",
// never "notapi.openai.com" or "api.openai.com.evil.example".
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/string_map.h"

namespace aihunt::detection {

enum class ProviderClass {
  kApi,     // programmatic endpoints: the real signal
  kPortal,  // chat portals (chatgpt.com, claude.ai): lower weight when a non-browser reaches them
};

std::string_view providerClassName(ProviderClass value);
std::optional<ProviderClass> providerClassFromName(std::string_view name);

struct Provider {
  std::string id;      // "openai", "azure_openai": what findings and exceptions name
  std::string vendor;  // "openai": AI clients stay quiet towards their own vendor
  ProviderClass provider_class = ProviderClass::kApi;
  // Host patterns:
  //   "api.openai.com"               the host and every subdomain of it
  //   "*.openai.azure.com"           subdomains only, not the bare suffix
  //   "*-aiplatform.googleapis.com"  a label glob: "*" within the first label only
  //   "bedrock-runtime.*.amazonaws.com"  "*" standing for exactly one label
  std::vector<std::string> hosts;
};

// Checks one host pattern; the error says what is wrong with it.
core::Status validateHostPattern(std::string_view pattern);

class ProviderCatalog {
 public:
  // Adds a provider; a host pattern already owned by another provider is an error.
  core::Status add(Provider provider);

  // The provider owning `host`, or nullptr. The most specific (longest) pattern wins.
  [[nodiscard]] const Provider* classify(std::string_view host) const;

  struct TextMatch {
    const Provider* provider = nullptr;
    std::string_view host;  // the host as written in the text
  };
  // Finds a provider host mentioned inside free text (command lines, scripts): every maximal
  // run of host characters is classified like a host name. The first hit wins.
  [[nodiscard]] TextMatch findInText(std::string_view text) const;

  [[nodiscard]] const std::vector<std::unique_ptr<Provider>>& providers() const {
    return providers_;
  }

 private:
  struct GlobPattern {
    std::vector<std::string> labels;  // lower case, right to left
    const Provider* provider = nullptr;
  };
  std::vector<std::unique_ptr<Provider>> providers_;
  // exact suffix ("api.openai.com") -> provider; subdomain-only suffixes kept apart.
  core::StringMap<const Provider*> suffixes_;
  core::StringMap<const Provider*> subdomain_only_;
  std::vector<GlobPattern> globs_;
  // The last two labels of every pattern ("openai.com", "googleapis.com"): a host ending in
  // anything else matches nothing, which settles most traffic with one lookup. Unusable when a
  // pattern has '*' in its second-level label, which any_wild_second_level_ records.
  core::StringSet second_levels_;
  bool any_wild_second_level_ = false;
  std::vector<std::pair<std::string, const Provider*>> literal_hosts_;  // for findInText
};

}  // namespace aihunt::detection

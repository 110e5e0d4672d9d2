#pragma once
// Process categories, decided on the executable's normalised base name, never
// a substring: "notepad++" is not "node" and "securl" is not "curl".
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/string_map.h"

namespace aihunt::detection {

enum class ProcessCategory {
  kUnknown,  // no process and no user agent: nothing to categorise
  kScriptRuntime,
  kScriptHost,
  kCliTransfer,
  kLolbin,
  kAiClient,
  kBrowser,
  kOther,
};

// "ScriptRuntime", "ScriptHost", "CLI_Transfer", "LOLBin", "AI_Client", "Browser", "Other",
// "Unknown": the seed's vocabulary, extended.
std::string_view processCategoryName(ProcessCategory category);
std::optional<ProcessCategory> processCategoryFromName(std::string_view name);

// "C:\\Program Files\\Python311\\python3.11.EXE" -> "python3.11"; "\"/usr/bin/node\" app.js" ->
// "node". Lower case, directory and quotes removed, ".exe" stripped. Empty when nothing is left.
std::string normaliseProcessName(std::string_view application);

// "python3.11" -> "python", "node18" -> "node", "python-3.12" -> "python". Only for lookups
// that missed: "regsvr32" and "rundll32" are names, not versions.
std::string_view withoutVersionSuffix(std::string_view name);

struct ProcessEntry {
  ProcessCategory category = ProcessCategory::kOther;
  std::string vendor;  // for AI clients: the provider vendor they belong to
};

class ProcessCatalog {
 public:
  struct Match {
    const ProcessEntry& entry;
    std::string_view name;  // the catalog's name when found ("python" for "python3.11")
  };

  // `name` is normalised on the way in; adding a name twice with different categories fails.
  core::Status add(std::string_view name, const ProcessEntry& entry);
  // Looks up a normalised name as it is, then without a version suffix; unknown names are
  // Other and keep their own spelling.
  [[nodiscard]] Match lookup(std::string_view normalised_name) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  core::StringMap<ProcessEntry> entries_;
  ProcessEntry other_{ProcessCategory::kOther, {}};
};

}  // namespace aihunt::detection

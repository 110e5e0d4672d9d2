#pragma once
// Process categories (detection.md §3), decided on the executable's normalised base name, never
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

// "C:\\Program Files\\Python311\\python3.11.EXE" -> "python"; "\"/usr/bin/node\" app.js" ->
// "node"; "pwsh-preview" stays. Lower case, directory and quotes removed, ".exe" stripped,
// version suffixes ("3", "3.11", "-3.11", "w" is kept) folded. Empty when nothing is left.
std::string normaliseProcessName(std::string_view application);

struct ProcessEntry {
  ProcessCategory category = ProcessCategory::kOther;
  std::string vendor;  // for AI clients: the provider vendor they belong to
};

class ProcessCatalog {
 public:
  // `name` is normalised on the way in; adding a name twice with different categories fails.
  core::Status add(std::string_view name, ProcessEntry entry);
  // Looks up an already normalised name; unknown names are Other.
  [[nodiscard]] const ProcessEntry& lookup(std::string_view normalised_name) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  core::StringMap<ProcessEntry> entries_;
  ProcessEntry other_{ProcessCategory::kOther, {}};
};

}  // namespace aihunt::detection

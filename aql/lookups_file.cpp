#include "aql/lookups_file.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "core/text_file.h"

namespace aihunt::aql {
namespace {

constexpr std::size_t kMaxLookupFileBytes = 64U << 20;

core::Error lookupError(const std::string& what) {
  return core::makeError(core::ErrorCode::kParse, "lookup tables: " + what);
}

}  // namespace

core::Result<LookupTables> parseLookupTables(std::string_view json_text) {
  // nlohmann throws on malformed input; the exception stops here.
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& error) {
    // nlohmann's text starts with its own id ("[json.exception.parse_error.101] "): left out.
    std::string_view why = error.what();
    if (const std::size_t id_end = why.find("] ");
        !why.empty() && why[0] == '[' && id_end != std::string_view::npos) {
      why.remove_prefix(id_end + 2);
    }
    return lookupError("not valid JSON: " + std::string(why));
  }
  if (!document.is_object()) return lookupError("expected a JSON object");
  LookupTables tables;
  for (const auto& [section, entries] : document.items()) {
    std::unordered_map<std::int64_t, std::string>* target = nullptr;
    if (section == "categories")
      target = &tables.category_names;
    else if (section == "logsources")
      target = &tables.log_source_names;
    else if (section == "qids")
      target = &tables.qid_names;
    else if (section == "logsourcetypes")
      target = &tables.log_source_type_names;
    else {
      return lookupError("unknown section '" + core::printableExcerpt(section) +
                         "' (categories, logsources, qids, logsourcetypes)");
    }
    if (!entries.is_object()) return lookupError("'" + section + "' must map ids to names");
    for (const auto& [key, name] : entries.items()) {
      std::int64_t id = 0;
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
      if (ec != std::errc() || end != key.data() + key.size()) {
        return lookupError(section + ": '" + core::printableExcerpt(key) + "' is not a numeric id");
      }
      if (!name.is_string())
        return lookupError(section + "." + key + ": the name must be a string");
      (*target)[id] = name.get<std::string>();
    }
  }
  return tables;
}

core::Result<LookupTables> loadLookupTables(const std::string& path) {
  auto text = core::readTextFile(path);
  if (!text) return text.error().withContext("lookup tables");
  if (text->size() > kMaxLookupFileBytes) {
    return lookupError(path + " is larger than 64 MiB");
  }
  auto tables = parseLookupTables(*text);
  if (!tables) return tables.error().withContext(path);
  return tables;
}

}  // namespace aihunt::aql

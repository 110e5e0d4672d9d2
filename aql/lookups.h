#pragma once
// What the evaluator asks outside the event: names behind QRadar's numeric ids (CATEGORYNAME,
// LOGSOURCENAME, QIDNAME, LOGSOURCETYPENAME) and reference-set membership
// (REFERENCESETCONTAINS). Offline hunts fill the tables from files; the emulator from its state.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace aihunt::aql {

struct LookupTables {
  std::unordered_map<std::int64_t, std::string> category_names;
  std::unordered_map<std::int64_t, std::string> log_source_names;
  std::unordered_map<std::int64_t, std::string> qid_names;
  std::unordered_map<std::int64_t, std::string> log_source_type_names;
};

class ReferenceData {
 public:
  virtual ~ReferenceData() = default;
  [[nodiscard]] virtual bool contains(std::string_view set_name, std::string_view value) const = 0;
};

// Exact-match sets in memory (tests, offline hunts).
class InMemoryReferenceData final : public ReferenceData {
 public:
  void add(std::string set_name, std::string value) {
    entries_.emplace(std::move(set_name), std::move(value));
  }
  [[nodiscard]] bool contains(std::string_view set_name, std::string_view value) const override {
    return entries_.count(std::pair<std::string, std::string>(set_name, value)) > 0;
  }

 private:
  std::set<std::pair<std::string, std::string>> entries_;
};

}  // namespace aihunt::aql

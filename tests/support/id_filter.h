#pragma once
// The ids a QRadar filter of "id=N" terms joined by " or " names (as aihunt asks for rule
// names); nullopt for a filter of any other shape. For the fake consoles of the tests.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace aihunt::testing {

inline std::optional<std::set<std::int64_t>> idsOfOrFilter(const std::string& filter) {
  std::set<std::int64_t> ids;
  for (std::size_t at = 0; at < filter.size();) {
    std::size_t end = filter.find(" or ", at);
    if (end == std::string::npos) end = filter.size();
    const std::string term = filter.substr(at, end - at);
    if (term.size() < 4 || term.rfind("id=", 0) != 0 ||
        term.find_first_not_of("0123456789", 3) != std::string::npos) {
      return std::nullopt;
    }
    ids.insert(std::stoll(term.substr(3)));
    at = end == filter.size() ? end : end + 4;
  }
  return ids;
}

}  // namespace aihunt::testing

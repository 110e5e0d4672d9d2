#pragma once
// The events database's columns as a console lists them (GET /api/ariel/databases/events; IBM's
// REST API reference gives each column a name and an "indexable" flag). A console refuses a
// search that names a property it does not have, so `aihunt check` and the daemon compare the
// hunts' mapped properties with this list before a search fails on one.
#include <atomic>
#include <set>
#include <string>
#include <string_view>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

class EventsCatalog {
 public:
  // The response body, {"columns": [{"name": ...}, ...]}; entries without a name are passed
  // over. A body that is not JSON or holds no "columns" list is an error (kParse): a garbled
  // answer must not read as a console without columns.
  static core::Result<EventsCatalog> fromJson(std::string_view body);

  [[nodiscard]] bool empty() const { return exact_.empty(); }
  [[nodiscard]] std::size_t size() const { return exact_.size(); }
  // Listed as it is spelt, or differing in ASCII case only.
  [[nodiscard]] bool lists(std::string_view property) const;
  // False only for a column the catalog marks "indexable": false.
  [[nodiscard]] bool indexable(std::string_view property) const;

 private:
  std::set<std::string> exact_;
  std::set<std::string> lowered_;
  std::set<std::string> not_indexable_;  // lower-cased
};

struct CatalogRead {
  bool retry = true;  // false for a caller that asks again later anyway (the daemon)
  const std::atomic<bool>* abort_flag = nullptr;  // set: the request ends (a stop)
};

// One GET of the catalog: its HTTP or transport error, else the columns.
core::Result<EventsCatalog> readEventsCatalog(ApiClient& api, const CatalogRead& how = {});

}  // namespace aihunt::qradar

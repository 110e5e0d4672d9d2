// The hunts' mapped properties against a console's events catalog (GET
// /api/ariel/databases/events), as `aihunt check` and the daemon compare them.
#include <catch2/catch.hpp>

#include "service/mapped_properties.h"

using aihunt::config::HuntConfig;
using aihunt::config::HuntDatabase;
using aihunt::detection::Field;
using aihunt::qradar::EventsCatalog;
using aihunt::service::missingMappedProperties;

namespace {

HuntConfig hunt(std::string name, std::vector<std::pair<Field, std::string>> fields) {
  HuntConfig h;
  h.name = std::move(name);
  h.fields = std::move(fields);
  return h;
}

}  // namespace

TEST_CASE("a mapped property the catalog does not list is named with each hunt that maps it") {
  const auto read = EventsCatalog::fromJson(
      R"({"columns":[{"name":"sourceip","indexable":true},{"name":"URL","indexable":false},)"
      R"({"name":"Process CommandLine"},{"name":7},"junk"]})");
  REQUIRE(read.ok());
  const EventsCatalog& catalog = *read;
  CHECK(catalog.size() == 3);
  CHECK(catalog.lists("url"));  // ASCII case aside
  CHECK_FALSE(catalog.indexable("URL"));
  CHECK(catalog.indexable("sourceip"));
  std::vector<HuntConfig> hunts = {
      hunt("proxy", {{Field::kUrl, "URL"}, {Field::kApplication, "Aplication"}}),
      hunt("endpoint", {{Field::kCommandLine, "Process CommandLine"},
                        {Field::kApplication, "Aplication"},
                        {Field::kImage, "Aplication"}}),
      hunt("flows", {{Field::kApplication, "applicationname"}}),
      hunt("off", {{Field::kUrl, "Nowhere"}})};
  hunts[2].database = HuntDatabase::kFlows;  // the flows catalog is another database's
  hunts[3].enabled = false;
  const auto missing = missingMappedProperties(catalog, hunts);
  REQUIRE(missing.size() == 2);  // once per hunt, though "endpoint" maps it twice
  CHECK(missing[0].hunt == "proxy");
  CHECK(missing[0].property == "Aplication");
  CHECK(missing[1].hunt == "endpoint");
  CHECK(missing[1].property == "Aplication");
  // An empty list is a catalog without columns: every mapping is missing.
  const auto empty = EventsCatalog::fromJson(R"({"columns": []})");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  CHECK(missingMappedProperties(*empty, hunts).size() == 4);
}

TEST_CASE("a catalog answer that cannot be read is an error, not a catalog without columns") {
  for (const char* body : {"<html>", "", "[]", "{}", R"({"columns": {}})", R"({"columns": "x"})",
                           "{\"columns\": [", "null"}) {
    INFO(body);
    const auto read = EventsCatalog::fromJson(body);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().code == aihunt::core::ErrorCode::kParse);
  }
}

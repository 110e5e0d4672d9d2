// Configured hunts become AQL: columns, prefilter, where, window, and nothing from config that
// can escape a literal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "aql/like.h"
#include "aql/like_subsumption.h"
#include "aql/parser.h"
#include "aql/printer.h"
#include "config/content_pack.h"
#include "config/detection_settings_builder.h"
#include "core/text.h"
#include "service/hunt_query.h"
#include "service/row_binder.h"

using namespace aihunt;

namespace {

constexpr core::EpochMs kFrom = 1'795'651'200'000;  // 2026-11-26T00:00:00Z
constexpr core::EpochMs kTo = kFrom + 3'600'000;

const detection::DetectionSettings& builtin() {
  static const auto settings = config::builtinDetectionSettings();
  REQUIRE(settings);
  return *settings;
}

config::HuntConfig hunt(std::vector<std::pair<detection::Field, std::string>> fields,
                        std::string where = {}) {
  config::HuntConfig out;
  out.name = "t";
  out.fields = std::move(fields);
  out.where = std::move(where);
  return out;
}

}  // namespace

TEST_CASE("every built-in hunt renders AQL that parses back and keeps its window") {
  const auto pack = config::builtinContentPack();
  REQUIRE(pack);
  REQUIRE(pack->hunts.size() == 5);
  for (const auto& h : pack->hunts) {
    INFO(h.name);
    auto query = service::huntQuery(h, builtin(), kFrom, kTo, false);
    REQUIRE(query);
    const std::string text = aql::print(*query);
    CHECK(text.find("START '2026-11-26 00:00Z' STOP '2026-11-26 01:00Z'") != std::string::npos);
    CHECK(text.find("starttime >= 1795651200000 AND starttime < 1795654800000") !=
          std::string::npos);
    CHECK(text.find("LIMIT") == std::string::npos);
    auto reparsed = aql::parse(text);
    REQUIRE(reparsed);
    CHECK(*reparsed == *query);
  }
}

TEST_CASE("the prefilter follows the mapped fields") {
  auto proxy = service::huntTemplate(hunt({{detection::Field::kUrl, "URL"}}), builtin());
  REQUIRE(proxy);
  REQUIRE(proxy->any_contains.size() == 1);
  const auto& hosts = proxy->any_contains[0].needles;
  CHECK(std::find(hosts.begin(), hosts.end(), "api.openai.com") != hosts.end());
  CHECK(std::find(hosts.begin(), hosts.end(), ".openai.azure.com") != hosts.end());
  CHECK(std::find(hosts.begin(), hosts.end(), "OPENAI_API_KEY") == hosts.end());

  auto process =
      service::huntTemplate(hunt({{detection::Field::kCommandLine, "Process CommandLine"},
                                  {detection::Field::kTargetFile, "Target Filename"}}),
                            builtin());
  REQUIRE(process);
  REQUIRE(process->any_contains.size() == 2);
  const auto& text = process->any_contains[0].needles;
  CHECK(std::find(text.begin(), text.end(), "OPENAI_API_KEY") != text.end());
  CHECK(std::find(text.begin(), text.end(), "api.anthropic.com") != text.end());
  const auto& files = process->any_contains[1].needles;
  CHECK(std::find(files.begin(), files.end(), "openai") != files.end());
  for (const auto& needle : files) CHECK(needle.find('/') == std::string::npos);

  // Standard columns come along unless mapped elsewhere.
  std::set<std::string> aliases;
  for (const auto& column : process->columns) aliases.insert(column.name);
  for (const char* name : {"event_time", "source_ip", "username", "log_source", "event_category",
                           "command_line", "target_file"}) {
    CHECK(aliases.count(name) == 1);
  }
}

TEST_CASE("the prefilter drops covered needles and still matches the same texts") {
  const auto pack = config::builtinContentPack();
  REQUIRE(pack);
  const auto endpoint = std::find_if(pack->hunts.begin(), pack->hunts.end(),
                                     [](const auto& h) { return h.name == "endpoint-process"; });
  REQUIRE(endpoint != pack->hunts.end());
  auto built = service::huntTemplate(*endpoint, builtin());
  REQUIRE(built);
  auto query = service::huntQuery(*endpoint, builtin(), kFrom, kTo, true);
  REQUIRE(query);
  const std::string text = aql::print(*query);
  std::size_t full_terms = 0;
  std::size_t kept_terms = 0;
  for (const auto& filter : built->any_contains) {
    full_terms += filter.needles.size();
    std::vector<std::string> lowered;
    for (const auto& needle : filter.needles) lowered.push_back(core::asciiLowered(needle));
    kept_terms += aql::withoutCoveredNeedles(lowered).size();
  }
  std::size_t terms = 0;
  for (std::size_t at = 0; (at = text.find(" LIKE ", at)) != std::string::npos; ++at) ++terms;
  CHECK(terms == kept_terms);
  CHECK(terms + 100 < full_terms);  // 293 terms before, 178 after, with the built-in content
  CHECK(text.find("'%perplexity.ai%'") != std::string::npos);
  CHECK(text.find("'%api.perplexity.ai%'") == std::string::npos);
  CHECK(text.find("'%openai_api_key%'") == std::string::npos);  // "openai" covers it
  // The hunt's devicetype test comes before the LIKE terms.
  CHECK(text.find("devicetype = 12") < text.find(" LIKE "));

  // Texts made of pieces of the needles (and the hosts' neighbours) match the reduced list
  // exactly when they match the full one.
  std::mt19937 random(7);
  for (const auto& filter : built->any_contains) {
    std::vector<std::string> lowered;
    for (const auto& needle : filter.needles) lowered.push_back(core::asciiLowered(needle));
    const auto reduced = aql::withoutCoveredNeedles(lowered);
    const auto matches = [](const std::vector<std::string>& needles, std::string_view value) {
      return std::any_of(needles.begin(), needles.end(), [&](const std::string& needle) {
        return aql::LikePattern("%" + needle + "%", false).matches(value);
      });
    };
    for (int i = 0; i < 3000; ++i) {
      std::string value = "cmd.exe /c ";
      for (int piece = 0; piece < 3; ++piece) {
        const std::string& needle = lowered[random() % lowered.size()];
        const std::size_t from = random() % needle.size();
        value += needle.substr(from, 1 + random() % (needle.size() - from));
        value += std::string_view("._- /")[random() % 5];
      }
      INFO(value);
      CHECK(matches(lowered, value) == matches(reduced, value));
    }
  }
}

TEST_CASE("a hunt with nothing to look in is a config error") {
  auto none =
      service::huntTemplate(hunt({{detection::Field::kApplication, "Application"}}), builtin());
  REQUIRE_FALSE(none);
  CHECK(none.error().message.find("nothing to look for") != std::string::npos);
}

TEST_CASE("config values cannot break out of the query") {
  // Property names are validated; a where clause is parsed and re-printed, never pasted.
  auto bad_property = service::huntQuery(hunt({{detection::Field::kUrl, "URL\" OR 1=1 OR \"x"}}),
                                         builtin(), kFrom, kTo, false);
  CHECK_FALSE(bad_property);
  auto sneaky_where =
      service::huntQuery(hunt({{detection::Field::kUrl, "URL"}}, "devicetype = 12) OR (1 = 1"),
                         builtin(), kFrom, kTo, false);
  CHECK_FALSE(sneaky_where);
  auto where =
      service::huntQuery(hunt({{detection::Field::kUrl, "URL"}}, "devicetype = 12 OR 1 = 1"),
                         builtin(), kFrom, kTo, false);
  REQUIRE(where);
  // The OR stays inside its own operand of the top-level AND: the window still binds.
  const std::string text = aql::print(*where);
  CHECK(text.find("AND (devicetype = 12 OR 1 = 1)") != std::string::npos);
}

TEST_CASE("row binder maps columns to fields, numbers included") {
  const std::vector<std::string> columns = {"url", "bytes_sent", "event_time", "unmapped",
                                            "destination_port"};
  const auto mapping = service::logicalColumnMapping();
  service::RowBinder binder(columns, mapping);
  aql::Row row;
  row.values = {aql::Value::string("https://api.openai.com/"), aql::Value::string("2150"),
                aql::Value::integer(1795651200000), aql::Value::string("x"), aql::Value::null()};
  detection::Event event;
  binder.bind(row, event);
  CHECK(event.get(detection::Field::kUrl) == "https://api.openai.com/");
  CHECK(event.bytes_sent == 2150);
  CHECK(event.event_time_ms == 1795651200000);
  CHECK_FALSE(event.destination_port.has_value());
  const auto unbound = binder.unboundFields();
  CHECK(std::find(unbound.begin(), unbound.end(), detection::Field::kCommandLine) != unbound.end());
  CHECK(std::find(unbound.begin(), unbound.end(), detection::Field::kUrl) == unbound.end());
}

// The rules' names (qradar_client/rule_names.h) and an offense's `rules` (offense_client.h)
// against a fake console: requests of at most kRuleIdsPerRequest ids with a Range to match, the
// console's answers classified (refusals apart from a console that cannot answer now), and
// hostile answers read without a throw, a name the client did not ask for, or an unbounded list.
#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "qradar_client/offense_client.h"
#include "qradar_client/rule_names.h"
#include "tests/support/fake_api_client.h"
#include "tests/support/id_filter.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;
using nlohmann::json;

namespace {

using RulesHarness = testing::FakeApiClient;

std::string percentDecoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string param(const std::string& url, const std::string& key) {
  const std::size_t at = url.find(key + "=");
  if (at == std::string::npos) return "";
  const std::size_t from = at + key.size() + 1;
  return percentDecoded(url.substr(from, url.find('&', from) - from));
}

// The ids a filter of "id=N" terms joined by " or " names; fails the test on another shape.
std::set<std::int64_t> idsOf(const std::string& filter) {
  const auto ids = testing::idsOfOrFilter(filter);
  REQUIRE(ids.has_value());
  return *ids;
}

std::string rangeOf(const qradar::HttpRequest& request) {
  return qradar::findHeader(request.headers, "Range").value_or("");
}

}  // namespace

TEST_CASE("rule names are asked for in requests of at most 50 ids", "[rules]") {
  RulesHarness h;
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    json list = json::array();
    for (const std::int64_t id : idsOf(param(r.url, "filter"))) {
      list.push_back({{"id", id}, {"name", "rule " + std::to_string(id)}});
    }
    return jsonResponse(200, list.dump());
  };
  std::vector<std::int64_t> ids;
  for (std::int64_t id = 1; id <= 120; ++id) ids.push_back(id * 7);
  auto names = qradar::readRuleNames(*h.api, ids);
  REQUIRE(names.ok());
  CHECK(names->size() == 120);
  CHECK(names->at(7) == "rule 7");
  REQUIRE(h.transport.requests.size() == 3);
  std::set<std::int64_t> asked;
  const std::vector<std::size_t> sizes = {50, 50, 20};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& request = h.transport.requests[i];
    CHECK(request.url.rfind("https://console.test/api/analytics/rules?", 0) == 0);
    CHECK(param(request.url, "fields") == "id,name");
    const auto these = idsOf(param(request.url, "filter"));
    CHECK(these.size() == sizes[i]);
    CHECK(rangeOf(request) == "items=0-" + std::to_string(sizes[i] - 1));
    asked.insert(these.begin(), these.end());
  }
  CHECK(asked == std::set<std::int64_t>(ids.begin(), ids.end()));
  CHECK(qradar::readRuleNames(*h.api, {}).value().empty());
  CHECK(h.transport.requests.size() == 3);  // nothing to ask: no request
}

TEST_CASE("a hostile rules answer is read without trusting it", "[rules]") {
  RulesHarness h;
  h.answer = [](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
    return jsonResponse(200, R"([{"id": 5, "name": "asked"},
                                 {"id": 6, "name": "not asked: a console that ignored the filter"},
                                 {"id": "7", "name": "id as text"},
                                 {"id": 8, "name": 12},
                                 {"id": 9},
                                 "a string", 42, null,
                                 {"id": 10, "name": "asked too", "extra": [1, 2]}])");
  };
  auto names = qradar::readRuleNames(*h.api, {5, 7, 8, 9, 10});
  REQUIRE(names.ok());
  CHECK(*names == std::map<std::int64_t, std::string>{{5, "asked"}, {10, "asked too"}});
}

TEST_CASE("the console's answers to a rules request are told apart", "[rules]") {
  RulesHarness h;
  int status = 200;
  std::string body;
  h.answer = [&](const qradar::HttpRequest&) -> core::Result<qradar::HttpResponse> {
    return jsonResponse(status, body);
  };
  const auto codeOf = [&](int answered, const std::string& with) {
    status = answered;
    body = with;
    auto names = qradar::readRuleNames(*h.api, {1});
    REQUIRE_FALSE(names.ok());
    return names.error().code;
  };
  const std::string refused = R"({"code": 1009, "message": "insufficient capabilities"})";
  CHECK(codeOf(401, refused) == core::ErrorCode::kAuth);
  CHECK(codeOf(403, refused) == core::ErrorCode::kAuth);
  CHECK(codeOf(404, R"({"code": 1002, "message": "no such endpoint"})") ==
        core::ErrorCode::kNotFound);
  CHECK(codeOf(422, R"({"code": 1010, "message": "A request parameter is not valid"})") ==
        core::ErrorCode::kInvalidArgument);
  CHECK(codeOf(400, R"({"code": 1005, "message": "bad"})") == core::ErrorCode::kRemote);
  CHECK(codeOf(503, R"({"code": 1020, "message": "down"})") == core::ErrorCode::kUnavailable);
  CHECK(codeOf(429, R"({"code": 1020, "message": "slow down"})") == core::ErrorCode::kUnavailable);
  CHECK(codeOf(200, R"({"rules": []})") == core::ErrorCode::kParse);
  CHECK(codeOf(200, "<html>maintenance</html>") == core::ErrorCode::kParse);
}

TEST_CASE("every rule is listed in Range pages, malformed entries skipped", "[rules]") {
  RulesHarness h;
  constexpr int kRules = 2'345;
  h.answer = [](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    const std::string range = rangeOf(r);
    const std::size_t dash = range.find('-');
    const int first = std::stoi(range.substr(6, dash - 6));
    const int last = std::min(std::stoi(range.substr(dash + 1)), kRules - 1);
    json page = json::array();
    for (int i = first; i <= last; ++i) {
      if (i == 17) {
        page.push_back({{"id", "seventeen"}, {"name", "id as text"}});
        continue;
      }
      page.push_back(
          {{"id", i + 1}, {"name", "rule " + std::to_string(i + 1)}, {"enabled", i % 2 == 0}});
    }
    return jsonResponse(200, page.dump());
  };
  auto rules = qradar::listRules(*h.api);
  REQUIRE(rules.ok());
  CHECK(rules->size() == kRules - 1);
  CHECK(h.transport.requests.size() == 3);
  CHECK(param(h.transport.requests[0].url, "fields") == "id,name,enabled");
  CHECK(rangeOf(h.transport.requests[2]) == "items=2000-2999");
  CHECK(rules->front().id == 1);
  CHECK(rules->front().enabled);
  CHECK_FALSE((*rules)[1].enabled);
}

TEST_CASE("an offense's rules are read once each, at most 64, whatever their shape",
          "[rules][offenses]") {
  RulesHarness h;
  json many = json::array();
  for (int i = 1; i <= 200; ++i) many.push_back({{"id", i}, {"type", "CRE_RULE"}});
  const json offenses =
      json::array({{{"id", 1}, {"status", "OPEN"}, {"rules", many}},
                   {{"id", 2},
                    {"status", "OPEN"},
                    {"rules", json::array({{{"id", 5}, {"type", "CRE_RULE"}},
                                           {{"id", 5}, {"type", "CRE_RULE"}},
                                           {{"id", "6"}},
                                           {{"id", -3}},
                                           {{"id", 0}},
                                           "7",
                                           nullptr,
                                           {{"type", "ADE_RULE"}},
                                           {{"id", 8}, {"type", "BUILDING_BLOCK_RULE"}}})}},
                   {{"id", 3}, {"status", "OPEN"}, {"rules", "none"}},
                   {{"id", 4}, {"status", "OPEN"}}});
  h.answer = [&](const qradar::HttpRequest& r) -> core::Result<qradar::HttpResponse> {
    CHECK(param(r.url, "fields").find(",rules") != std::string::npos);
    return jsonResponse(200, offenses.dump());
  };
  qradar::OffenseClient client(*h.api);
  auto listed = client.list("status = \"OPEN\"", 10);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 4);
  CHECK((*listed)[0].rule_ids.size() == qradar::kMaxRulesPerOffense);
  CHECK((*listed)[0].rule_ids.front() == 1);
  CHECK((*listed)[1].rule_ids == std::vector<std::int64_t>{5, 8});
  CHECK((*listed)[2].rule_ids.empty());
  CHECK((*listed)[3].rule_ids.empty());
}

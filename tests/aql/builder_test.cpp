#include <catch2/catch.hpp>

#include "aql/builder.h"
#include "aql/evaluator.h"
#include "aql/lint.h"
#include "aql/parser.h"
#include "aql/printer.h"

namespace aihunt::aql {
namespace {

constexpr core::EpochMs kFrom = 1'795'712'588'123;  // 2026-11-26 17:03:08.123
constexpr core::EpochMs kTo = kFrom + 3'600'000;    // an hour later, 18:03:08.123

HuntTemplate seedLike() {
  HuntTemplate hunt;
  hunt.name = "proxy_ai_api";
  hunt.columns = {
      {"event_time", "starttime", HuntColumn::Transform::kDateFormat},
      {"source_ip", "sourceip", HuntColumn::Transform::kNone},
      {"username", "username", HuntColumn::Transform::kNone},
      {"event_category", "category", HuntColumn::Transform::kCategoryName},
      {"url", "URL", HuntColumn::Transform::kNone},
      {"application", "Application", HuntColumn::Transform::kNone},
      {"bytes_sent", "Bytes Sent", HuntColumn::Transform::kNone},
  };
  hunt.provider_hosts = {"api.openai.com", "api.anthropic.com", "*.openai.azure.com"};
  hunt.process_names = {"python", "powershell", "curl"};
  return hunt;
}

// The structure every rendered hunt query must keep, whatever the config values were.
void checkStructure(const Query& q, std::size_t columns, std::size_t hosts, std::size_t names) {
  REQUIRE(q.select.size() == columns);
  REQUIRE(q.where);
  REQUIRE(q.where->kind == ExprKind::kAnd);
  REQUIRE(q.where->args.size() >= 2);
  CHECK(printExpr(q.where->args[0]) == "starttime >= " + std::to_string(kFrom));
  CHECK(printExpr(q.where->args[1]) == "starttime < " + std::to_string(kTo));
  std::size_t next = 2;
  if (hosts > 0) {
    const Expr& h = q.where->args[next++];
    if (hosts == 1) {
      CHECK(h.kind == ExprKind::kLike);
    } else {
      REQUIRE(h.kind == ExprKind::kOr);
      CHECK(h.args.size() == hosts);
      for (const Expr& like : h.args) CHECK(like.kind == ExprKind::kLike);
    }
  }
  if (names > 0) {
    const Expr& n = q.where->args[next++];
    if (names == 1) {
      CHECK(n.kind == ExprKind::kLike);
    } else {
      REQUIRE(n.kind == ExprKind::kOr);
      CHECK(n.args.size() == names);
    }
  }
  CHECK(q.where->args.size() == next);
  CHECK(q.time.kind == TimeClause::Kind::kStartStop);
  CHECK_FALSE(q.limit);
}

TEST_CASE("hunt template renders a windowed query", "[aql][builder]") {
  auto text = renderHuntQuery(seedLike(), kFrom, kTo);
  if (!text.ok()) FAIL(text.error().message);
  CHECK(
      text.value() ==
      "SELECT DATEFORMAT(starttime, 'yyyy-MM-dd HH:mm:ss') AS event_time, sourceip AS "
      "source_ip, username AS username, CATEGORYNAME(category) AS event_category, \"URL\" AS url, "
      "\"Application\" AS application, \"Bytes Sent\" AS bytes_sent\n"
      "FROM events\n"
      "WHERE starttime >= 1795712588123 AND starttime < 1795716188123 AND "
      "(LOWER(\"URL\") LIKE '%api.openai.com%' OR LOWER(\"URL\") LIKE '%api.anthropic.com%' OR "
      "LOWER(\"URL\") LIKE '%.openai.azure.com%') AND (LOWER(\"Application\") LIKE '%python%' OR "
      "LOWER(\"Application\") LIKE '%powershell%' OR LOWER(\"Application\") LIKE '%curl%')\n"
      "ORDER BY starttime ASC\n"
      "START '2026-11-26 17:03Z' STOP '2026-11-26 18:04Z'");
  CHECK(lint(text.value()).empty());
  auto q = parse(text.value());
  REQUIRE(q.ok());
  checkStructure(q.value(), 7, 3, 3);
}

TEST_CASE("whole-minute windows are not widened", "[aql][builder]") {
  const core::EpochMs from = 1'795'712'520'000;  // 17:02:00 exactly
  auto q = buildHuntQuery(seedLike(), from, from + 60'000);
  REQUIRE(q.ok());
  CHECK(printTimeClause(q->time) == "START '2026-11-26 17:02Z' STOP '2026-11-26 17:03Z'");
}

TEST_CASE("the rendered query finds what it should", "[aql][builder]") {
  auto q = buildHuntQuery(seedLike(), kFrom, kTo);
  REQUIRE(q.ok());
  Schema schema;
  std::vector<Event> events;
  auto add = [&](core::EpochMs t, const char* url, const char* app) {
    events.push_back(makeEvent(schema, {{"starttime", Value::integer(t)},
                                        {"URL", Value::string(url)},
                                        {"Application", Value::string(app)}}));
  };
  add(kFrom, "https://API.openai.com/v1/chat", "Python.exe");  // in
  add(kFrom - 1, "https://api.openai.com/v1/chat", "python");  // before the window
  add(kTo, "https://api.openai.com/v1/chat", "python");        // at the end: excluded
  add(kFrom + 5, "https://x.openai.azure.com/", "curl");       // subdomain host
  add(kFrom + 6, "https://api.openai.com/", "chrome.exe");     // browser
  add(kFrom + 7, "https://example.com/", "python");            // not an AI API
  EvalOptions options;
  options.now = kTo + 1000;
  auto result = evaluate(q.value(), schema, events, options);
  REQUIRE(result.ok());
  REQUIRE(result->rows.size() == 2);
  CHECK(result->rows[0].values[4] == Value::string("https://API.openai.com/v1/chat"));
  CHECK(result->rows[1].values[5] == Value::string("curl"));
}

TEST_CASE("injection attempts are rejected or neutralised", "[aql][builder][security]") {
  SECTION("quotes in process names are doubled and stay inside one literal") {
    const std::vector<std::string> hostile = {
        "') OR ('1'='1",           "x' OR '1'='1",   "--", "a'--",
        "python' LAST 30 DAYS --", "\"Application\""};
    HuntTemplate hunt = seedLike();
    hunt.process_names = hostile;
    auto text = renderHuntQuery(hunt, kFrom, kTo);
    if (!text.ok()) FAIL(text.error().message);
    auto q = parse(text.value());
    REQUIRE(q.ok());
    checkStructure(q.value(), 7, 3, hostile.size());
    const Expr& names = q->where->args[3];
    for (std::size_t i = 0; i < hostile.size(); ++i) {
      const Expr& like = names.args[i];
      REQUIRE(like.args[1].kind == ExprKind::kString);
      std::string lowered = hostile[i];
      for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      CHECK(like.args[1].text == "%" + lowered + "%");
    }
    CHECK(q->time.kind == TimeClause::Kind::kStartStop);  // no smuggled LAST 30 DAYS
    CHECK(lint(text.value()).empty());
  }
  SECTION("control characters are rejected, naming the value") {
    HuntTemplate hunt = seedLike();
    hunt.process_names = {"python", "evil\nSELECT"};
    auto text = renderHuntQuery(hunt, kFrom, kTo);
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().message.find("process_names[1]") != std::string::npos);
    CHECK(text.error().message.find("evil SELECT") != std::string::npos);
    CHECK(text.error().message.find("control character") != std::string::npos);
    CHECK(text.error().message.find("proxy_ai_api") != std::string::npos);
  }
  SECTION("hosts must look like host names") {
    for (const char* bad :
         {"api.openai.com' OR '1'='1", "a%b", "ex ample.com", "x\r\ny", "", "*.", "a\\b"}) {
      HuntTemplate hunt = seedLike();
      hunt.provider_hosts = {bad};
      auto text = renderHuntQuery(hunt, kFrom, kTo);
      INFO(bad);
      CHECK_FALSE(text.ok());
    }
  }
  SECTION("property names are restricted to a safe set") {
    for (const char* bad : {"URL\" OR 1=1 --", "a'b", "x;y", "new\nline", "", " lead", "a/b"}) {
      HuntTemplate hunt = seedLike();
      hunt.columns[4].property = bad;
      auto text = renderHuntQuery(hunt, kFrom, kTo);
      INFO(bad);
      REQUIRE_FALSE(text.ok());
      CHECK(text.error().message.find("columns[4].property") != std::string::npos);
    }
    HuntTemplate ok = seedLike();
    ok.columns[4].property = "Request URL (full)-v2.0";
    auto text = renderHuntQuery(ok, kFrom, kTo);
    REQUIRE(text.ok());
    CHECK(text.value().find("\"Request URL (full)-v2.0\" AS url") != std::string::npos);
  }
  SECTION("aliases are plain identifiers") {
    HuntTemplate hunt = seedLike();
    hunt.columns[0].name = "x FROM events --";
    CHECK_FALSE(renderHuntQuery(hunt, kFrom, kTo).ok());
  }
  SECTION("extra WHERE text is one expression, re-printed") {
    HuntTemplate hunt = seedLike();
    hunt.extra_where = "destinationport = 443\n AND username <> 'svc''x'";
    auto text = renderHuntQuery(hunt, kFrom, kTo);
    REQUIRE(text.ok());
    // Kept as one parenthesised operand of the outer AND.
    CHECK(text.value().find("AND (destinationport = 443 AND username != 'svc''x')") !=
          std::string::npos);
    auto q = parse(text.value());
    REQUIRE(q.ok());
    CHECK(q->where->args.size() == 5);
    // AQL has no comments: "--x" is two minus signs, and is printed as "- -x".
    hunt.extra_where = "a = 1 --x";
    auto minus = renderHuntQuery(hunt, kFrom, kTo);
    REQUIRE(minus.ok());
    CHECK(minus.value().find("a = 1 - -x") != std::string::npos);
    for (const char* bad : {"1=1) OR (1=1", "a = 1 LAST 30 DAYS", "COUNT(*) > 1",
                            "a = 'unterminated", "1 = 1; DROP"}) {
      hunt.extra_where = bad;
      INFO(bad);
      CHECK_FALSE(renderHuntQuery(hunt, kFrom, kTo).ok());
    }
  }
  SECTION("windows must be non-empty") {
    CHECK_FALSE(renderHuntQuery(seedLike(), kTo, kFrom).ok());
    CHECK_FALSE(renderHuntQuery(seedLike(), kFrom, kFrom).ok());
  }
}

UploadAggregation proxyUpload() {
  UploadAggregation upload;
  upload.keys = {{"source_ip", "sourceip"},
                 {"username", "username"},
                 {"url", "URL"},
                 {"application", "Application"},
                 {"user_agent", "User Agent"}};
  return upload;
}

TEST_CASE("large-upload aggregation: the AQL", "[aql][builder]") {
  const HuntTemplate hunt = seedLike();
  UploadAggregation upload = proxyUpload();
  auto text = renderUploadQuery(hunt, upload, kFrom, kTo);
  if (!text.ok()) FAIL(text.error().message);
  CHECK(lint(text.value()).empty());
  auto q = parse(text.value());
  REQUIRE(q.ok());
  // Grouped by every key, as selected; the aggregates after them under fixed names.
  REQUIRE(q->group_by.size() == 5);
  CHECK(printExpr(q->group_by[2]) == "\"URL\"");
  CHECK(printExpr(q->group_by[4]) == "\"User Agent\"");
  REQUIRE(q->select.size() == 9);
  CHECK(printExpr(q->select[5].expr) == "SUM(\"Bytes Sent\")");
  CHECK(q->select[5].alias == kUploadBytesColumn);
  CHECK(printExpr(q->select[6].expr) == "MIN(starttime)");
  CHECK(printExpr(q->select[7].expr) == "COUNT(*)");
  CHECK(printExpr(q->select[8].expr) == "MAX(starttime)");
  CHECK_FALSE(q->having);
  CHECK(q->order_by.empty());
  // The same window and prefilters as the per-event query.
  checkStructure(*q, 9, 3, 3);

  upload.min_total_bytes = 1'000'000;
  auto having = parse(renderUploadQuery(hunt, upload, kFrom, kTo).value());
  REQUIRE(having.ok());
  REQUIRE(having->having);
  CHECK(printExpr(*having->having) == "SUM(\"Bytes Sent\") >= 1000000");
}

TEST_CASE("large-upload aggregation: evaluated", "[aql][builder]") {
  UploadAggregation upload = proxyUpload();
  upload.keys.resize(3);  // source, user, URL
  auto q = buildUploadQuery(seedLike(), upload, kFrom, kTo);
  if (!q.ok()) FAIL(q.error().message);
  Schema schema;
  std::vector<Event> events;
  auto add = [&](core::EpochMs t, const char* ip, std::int64_t bytes) {
    events.push_back(makeEvent(schema, {{"starttime", Value::integer(t)},
                                        {"sourceip", Value::string(ip)},
                                        {"username", Value::string("u")},
                                        {"URL", Value::string("https://api.openai.com/v1/files")},
                                        {"Application", Value::string("python")},
                                        {"Bytes Sent", Value::integer(bytes)}}));
  };
  add(kFrom + 1, "10.0.0.1", 600'000);
  add(kFrom + 2, "10.0.0.1", 600'000);
  add(kFrom - 1, "10.0.0.1", 600'000);  // before the window
  add(kTo, "10.0.0.1", 600'000);        // the window is half-open
  add(kFrom + 3, "10.0.0.2", 10);
  EvalOptions options;
  options.now = kTo;
  SECTION("one row per group") {
    auto result = evaluate(q.value(), schema, events, options);
    REQUIRE(result.ok());
    REQUIRE(result->rows.size() == 2);
    CHECK(result->columns == std::vector<std::string>{"source_ip", "username", "url", "bytes_sent",
                                                      "event_time", "request_count",
                                                      "last_event_time"});
    const auto& big =
        result->rows[0].values[0] == Value::string("10.0.0.1") ? result->rows[0] : result->rows[1];
    CHECK(big.values[3] == Value::integer(1'200'000));
    CHECK(big.values[4] == Value::integer(kFrom + 1));
    CHECK(big.values[5] == Value::integer(2));
    CHECK(big.values[6] == Value::integer(kFrom + 2));
  }
  SECTION("HAVING drops small groups") {
    upload.min_total_bytes = 1'000'000;
    auto having = buildUploadQuery(seedLike(), upload, kFrom, kTo);
    REQUIRE(having.ok());
    auto result = evaluate(having.value(), schema, events, options);
    REQUIRE(result.ok());
    REQUIRE(result->rows.size() == 1);
    CHECK(result->rows[0].values[0] == Value::string("10.0.0.1"));
  }
}

TEST_CASE("large-upload aggregation: bad input is refused", "[aql][builder]") {
  const HuntTemplate hunt = seedLike();
  UploadAggregation bad = proxyUpload();
  bad.bytes_property = "Bytes\" Sent";
  CHECK_FALSE(renderUploadQuery(hunt, bad, kFrom, kTo).ok());
  bad = proxyUpload();
  bad.keys[0].property = "sourceip\" OR 1=1";
  CHECK_FALSE(renderUploadQuery(hunt, bad, kFrom, kTo).ok());
  bad = proxyUpload();
  bad.keys[1].name = "request_count";  // would shadow an aggregate
  CHECK_FALSE(renderUploadQuery(hunt, bad, kFrom, kTo).ok());
  bad = proxyUpload();
  bad.keys[1].transform = HuntColumn::Transform::kCategoryName;
  CHECK_FALSE(renderUploadQuery(hunt, bad, kFrom, kTo).ok());
  bad = proxyUpload();
  bad.keys.clear();
  CHECK_FALSE(renderUploadQuery(hunt, bad, kFrom, kTo).ok());
  bad = proxyUpload();
  bad.min_total_bytes = -1;
  CHECK_FALSE(renderUploadQuery(hunt, bad, kFrom, kTo).ok());
  CHECK_FALSE(renderUploadQuery(hunt, proxyUpload(), kTo, kFrom).ok());
}

}  // namespace
}  // namespace aihunt::aql

#include <catch2/catch.hpp>

#include "aql/cidr.h"
#include "aql/date_format.h"
#include "aql/like.h"
#include "aql/regex_match.h"
#include "aql/time_window.h"
#include "tests/aql/eval_helpers.h"

namespace aihunt::aql {
namespace {

using testing::Fixture;
using testing::i;
using testing::kNow;
using testing::s;
using Strings = std::vector<std::string>;

std::string date(core::EpochMs ms, std::string_view pattern) {
  std::string out;
  formatJavaDate(ms, pattern, out);
  return out;
}

TEST_CASE("DATEFORMAT speaks SimpleDateFormat in UTC", "[aql][functions]") {
  const core::EpochMs t = 1'795'712'588'123;  // 2026-11-26 17:03:08.123 UTC, a Thursday
  CHECK(date(t, "yyyy-MM-dd HH:mm:ss") == "2026-11-26 17:03:08");
  CHECK(date(t, "yyyy-MM-dd'T'HH:mm:ss.SSS") == "2026-11-26T17:03:08.123");
  CHECK(date(t, "yy/M/d h:mm a") == "26/11/26 5:03 PM");
  CHECK(date(t, "EEE, d MMM yyyy") == "Thu, 26 Nov 2026");
  CHECK(date(t, "EEEE MMMM") == "Thursday November");
  CHECK(date(t, "'o''clock' HH Z z") == "o'clock 17 +0000 UTC");
  CHECK(date(t, "D") == "330");
  CHECK(date(0, "yyyy-MM-dd HH:mm:ss.SSS") == "1970-01-01 00:00:00.000");
  CHECK(date(-1, "yyyy-MM-dd HH:mm:ss.SSS") == "1969-12-31 23:59:59.999");
  CHECK(date(951'782'400'000, "yyyy-MM-dd") == "2000-02-29");
}

TEST_CASE("DATEFORMAT's week fields count as Java does in the US locale", "[aql][functions]") {
  // IBM's AQL date and time formats page: 20 June 2016 gives week 26 of the year ('ww') and
  // week 4 of the month ('WW'); ISO weeks would make it 25.
  const core::EpochMs june20 = core::daysFromCivil(2016, 6, 20) * 86'400'000;
  CHECK(date(june20, "yyyy-ww-dd") == "2016-26-20");
  CHECK(date(june20, "yyyy-WW-dd") == "2016-04-20");
  CHECK(date(june20, "F E") == "3 Mon");  // the third Monday of the month
  CHECK(date(june20, "G yyyy") == "AD 2016");
  // The week-based year: the week (Sunday to Saturday) that holds 1 January is that year's
  // first, so Thursday 31 December 2026 is in 2027's week 1 ('YYYY' vs 'yyyy', what lint warns).
  const core::EpochMs eve = core::daysFromCivil(2026, 12, 31) * 86'400'000;
  CHECK(date(eve, "YYYY-MM-dd") == "2027-12-31");
  CHECK(date(eve, "yyyy-MM-dd") == "2026-12-31");
  CHECK(date(eve, "YY w") == "27 1");
  CHECK(date(eve, "YYYY-MM-DD") == "2027-12-365");
  // The Saturday before that week: still 2026's last week (52 Sundays-to-Saturdays after the
  // one holding 1 January 2026, a Thursday).
  const core::EpochMs saturday = core::daysFromCivil(2026, 12, 26) * 86'400'000;
  CHECK(date(saturday, "YYYY w") == "2026 52");
  // 1 January itself is always week 1 of its own year.
  CHECK(date(core::daysFromCivil(2022, 1, 1) * 86'400'000, "YYYY w W") == "2022 1 1");
}

TEST_CASE("LIKE patterns", "[aql][functions][like]") {
  CHECK(LikePattern("%api.openai.com%", false).matches("https://api.openai.com/v1"));
  CHECK_FALSE(LikePattern("%api.openai.com%", false).matches("https://API.openai.com/v1"));
  CHECK(LikePattern("%api.openai.com%", true).matches("https://API.openai.com/v1"));
  CHECK(LikePattern("a%b%c", false).matches("aXXbYYc"));
  CHECK_FALSE(LikePattern("a%b%c", false).matches("aXXbYY"));
  CHECK(LikePattern("%", false).matches(""));
  CHECK(LikePattern("", false).matches(""));
  CHECK_FALSE(LikePattern("", false).matches("x"));
  CHECK(LikePattern("_", false).matches("x"));
  CHECK_FALSE(LikePattern("_", false).matches("xy"));
  CHECK(LikePattern("%a_c%", false).matches("zzabczz"));
  CHECK(LikePattern("%%%x", false).matches("abx"));
  CHECK(LikePattern("\\\\x", false).matches("\\x"));
  // A hostile pattern against a long text finishes quickly (no exponential backtracking).
  const std::string text(20000, 'a');
  CHECK_FALSE(LikePattern("%a%a%a%a%a%a%a%a%b", false).matches(text));
}

TEST_CASE("regex guards", "[aql][functions][regex]") {
  auto r = RegexMatcher::compile("^api\\.(openai|anthropic)\\.com$", false);
  REQUIRE(r.ok());
  CHECK(r->matches("api.openai.com"));
  CHECK_FALSE(r->matches("xapi.openai.com"));
  CHECK_FALSE(RegexMatcher::compile(std::string(600, 'a'), false).ok());
  CHECK_FALSE(RegexMatcher::compile("(a{100}){100}", false).ok());
  CHECK_FALSE(RegexMatcher::compile("[", false).ok());
  // The classic catastrophic pattern runs in polynomial time.
  auto evil = RegexMatcher::compile("^(a+)+$", false);
  REQUIRE(evil.ok());
  CHECK_FALSE(evil->matches(std::string(64, 'a') + "!"));
}

TEST_CASE("CIDR", "[aql][functions][cidr]") {
  const auto net = Cidr::parse("10.0.0.0/8");
  REQUIRE(net);
  CHECK(net->contains(*parseIp("10.255.1.2")));
  CHECK_FALSE(net->contains(*parseIp("11.0.0.1")));
  CHECK_FALSE(net->contains(*parseIp("::1")));
  const auto v6 = Cidr::parse("2001:db8::/32");
  REQUIRE(v6);
  CHECK(v6->contains(*parseIp("2001:db8:1::5")));
  CHECK(Cidr::parse("0.0.0.0/0")->contains(*parseIp("8.8.8.8")));
  CHECK(Cidr::parse("192.168.1.7")->contains(*parseIp("192.168.1.7")));
  CHECK_FALSE(Cidr::parse("10.0.0.0/33"));
  CHECK_FALSE(Cidr::parse("10.0.0/8"));
  CHECK_FALSE(parseIp("not an ip"));
}

TEST_CASE("scalar functions in queries", "[aql][functions]") {
  Fixture f;
  f.lookups.category_names[4003] = "Firewall Permit";
  f.lookups.log_source_names[65] = "Proxy";
  f.lookups.qid_names[5000] = "Login Failed";
  f.reference_data.add("AI Hosts", "api.openai.com");
  f.add({{"starttime", i(kNow - 1000)},
         {"category", i(4003)},
         {"logsourceid", i(65)},
         {"qid", i(5000)},
         {"sourceip", s("10.1.2.3")},
         {"host", s("api.openai.com")},
         {"Bytes Sent", s("2048")},
         {"app", s("PowerShell.EXE")}});
  f.add({{"starttime", i(kNow - 2000)},
         {"category", i(1)},
         {"sourceip", s("8.8.8.8")},
         {"host", s("example.com")}});
  CHECK(f.column("SELECT CATEGORYNAME(category) AS c FROM events") ==
        Strings{"Firewall Permit", "null"});
  CHECK(f.column("SELECT LOGSOURCENAME(logsourceid) AS c FROM events") == Strings{"Proxy", "null"});
  CHECK(f.column("SELECT QIDNAME(qid) AS c FROM events") == Strings{"Login Failed", "null"});
  CHECK(f.column("SELECT LOWER(app) AS a, UPPER(app) AS b FROM events", 0) ==
        Strings{"powershell.exe", "null"});
  CHECK(f.column("SELECT LOWER(app) AS a, UPPER(app) AS b FROM events", 1) ==
        Strings{"POWERSHELL.EXE", "null"});
  CHECK(f.column("SELECT LONG(\"Bytes Sent\") * 2 AS v FROM events") == Strings{"4096", "null"});
  CHECK(f.column("SELECT STR(category) AS v FROM events") == Strings{"4003", "1"});
  CHECK(f.column("SELECT NOW() AS v FROM events LIMIT 1") == Strings{std::to_string(kNow)});
  CHECK(f.column("SELECT sourceip FROM events WHERE INCIDR('10.0.0.0/8', sourceip)") ==
        Strings{"10.1.2.3"});
  CHECK(f.column("SELECT sourceip FROM events WHERE NOT INCIDR('10.0.0.0/8', sourceip)") ==
        Strings{"8.8.8.8"});
  CHECK(f.column("SELECT sourceip FROM events WHERE REFERENCESETCONTAINS('AI Hosts', host)") ==
        Strings{"10.1.2.3"});
  CHECK(f.column("SELECT DATEFORMAT(starttime, 'HH:mm:ss') AS t FROM events") ==
        Strings{"17:03:07", "17:03:06"});
  CHECK(f.column("SELECT CONCAT(sourceip, '/', host) AS v FROM events") ==
        Strings{"10.1.2.3/api.openai.com", "8.8.8.8/example.com"});
}

TEST_CASE("time window helpers", "[aql][time]") {
  CHECK(formatMinute(1'795'712'588'123) == "2026-11-26 17:03");
  CHECK(floorToMinute(1'795'712'588'123) == 1'795'712'580'000);
  CHECK(ceilToMinute(1'795'712'588'123) == 1'795'712'640'000);
  CHECK(ceilToMinute(1'795'712'580'000) == 1'795'712'580'000);
  CHECK(parseRelativeTime("2 hours ago", kNow).value() == kNow - 7'200'000);
  CHECK(parseRelativeTime("1 day ago", kNow).value() == kNow - 86'400'000);
  CHECK(parseRelativeTime("NOW", kNow).value() == kNow);
  CHECK_FALSE(parseRelativeTime("next week", kNow).ok());
  const TimeRange none = resolveTimeRange(TimeClause{}, kNow).value();
  CHECK(none == TimeRange{kNow - 60'000, kNow});
}

}  // namespace
}  // namespace aihunt::aql

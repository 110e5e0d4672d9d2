#include <catch2/catch.hpp>

#include <string>

#include "core/text.h"

using namespace aihunt::core;

TEST_CASE("glob matching") {
  CHECK(globMatch("DEV-WS-*", "dev-ws-0042"));
  CHECK(globMatch("*", ""));
  CHECK(globMatch("a?c", "abc"));
  CHECK_FALSE(globMatch("a?c", "ac"));
  CHECK(globMatch("*\\Microsoft VS Code\\*", "C:\\Users\\x\\Microsoft VS Code\\code.exe"));
  CHECK(globMatch("etl-*.dc1.example.com", "etl-03.dc1.example.com"));
  CHECK_FALSE(globMatch("etl-*.dc1.example.com", "etl-03.dc2.example.com"));
  CHECK_FALSE(globMatch("svc-*", "xsvc-a"));
  // Linear time on the classic pathological pattern.
  const std::string text(5000, 'a');
  CHECK_FALSE(globMatch("*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
}

TEST_CASE("UTF-8 validation") {
  CHECK(isValidUtf8("plain"));
  CHECK(isValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(isValidUtf8("\xC3"));
  CHECK_FALSE(isValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(isValidUtf8("\xFF"));
}

TEST_CASE("printable excerpts cut on character boundaries and hide control characters") {
  CHECK(printableExcerpt("a\nb\tc\x1b") == "a b c?");
  CHECK(printableExcerpt("a\xC2\x9B\xE2\x80\xAE") == "a??");
  CHECK(printableExcerpt("abcdef", 3) == "abc...");
  const std::string euro = "\xE2\x82\xAC\xE2\x82\xAC";
  CHECK(printableExcerpt(euro, 4) == "\xE2\x82\xAC...");
  CHECK(isValidUtf8(printableExcerpt(euro, 4)));
}

TEST_CASE("case-insensitive helpers") {
  CHECK(iequals("ABC", "abc"));
  CHECK_FALSE(iequals("abc", "abd"));
  CHECK(istartsWith("Mozilla/5.0", "mozilla/"));
  CHECK(iendsWith("PYTHON.EXE", ".exe"));
  CHECK(icontainsLower("xx WindowsPowerShell/5.1", "windowspowershell"));
  CHECK_FALSE(icontainsLower("short", "longer than it"));
}

TEST_CASE("counts read as English: one noun singular, every other count plural") {
  CHECK(counted(0, "row") == "0 rows");
  CHECK(counted(1, "row") == "1 row");
  CHECK(counted(2, "new finding") == "2 new findings");
  CHECK(counted(1, "query", "queries") == "1 query");
  CHECK(counted(5, "query", "queries") == "5 queries");
}

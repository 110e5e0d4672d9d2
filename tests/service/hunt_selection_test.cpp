// --hunt selection: repeated and comma-separated names, unknown names with the nearest valid
// one, and the edit distance behind it (checked against a plain recursive definition on
// generated strings).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "core/edit_distance.h"
#include "service/hunt_selection.h"

using namespace aihunt;

namespace {

// The distance by its definition (Levenshtein, plus a swap of two neighbouring characters
// counting one, the swapped pair then left alone): slow, obviously right, short strings only.
std::size_t referenceDistance(const std::string& a, const std::string& b) {
  if (a.empty()) return b.size();
  if (b.empty()) return a.size();
  const auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  const std::string ra = a.substr(1);
  const std::string rb = b.substr(1);
  std::size_t best = referenceDistance(ra, rb) + (lower(a[0]) == lower(b[0]) ? 0 : 1);
  best = std::min({best, referenceDistance(ra, b) + 1, referenceDistance(a, rb) + 1});
  if (a.size() >= 2 && b.size() >= 2 && lower(a[0]) == lower(b[1]) && lower(a[1]) == lower(b[0])) {
    best = std::min(best, referenceDistance(a.substr(2), b.substr(2)) + 1);
  }
  return best;
}

config::HuntConfig hunt(const std::string& name, bool enabled = true) {
  config::HuntConfig out;
  out.name = name;
  out.enabled = enabled;
  return out;
}

const std::vector<std::string> kBuiltin = {"proxy-ai-api", "endpoint-network", "endpoint-process",
                                           "linux-audit", "network-sni-dns"};

}  // namespace

TEST_CASE("hunt names: repeated and comma-separated, trimmed, each once in the order given") {
  CHECK(service::splitHuntNames({}).empty());
  CHECK(service::splitHuntNames({"a,b", "c"}) == std::vector<std::string>{"a", "b", "c"});
  CHECK(service::splitHuntNames({" a , b,,", ",c ", "a"}) ==
        std::vector<std::string>{"a", "b", "c"});
  CHECK(service::splitHuntNames({",", " "}).empty());
}

TEST_CASE("edit distance agrees with the definition on generated strings") {
  std::mt19937 random(20261202);
  std::uniform_int_distribution<int> length(0, 6);
  std::uniform_int_distribution<int> letter(0, 3);  // a small alphabet: many near misses
  const auto make = [&] {
    std::string text;
    const int n = length(random);
    for (int i = 0; i < n; ++i) text.push_back("abAB"[letter(random)]);
    return text;
  };
  for (int i = 0; i < 400; ++i) {
    const std::string a = make();
    const std::string b = make();
    INFO(a << " / " << b);
    const std::size_t distance = core::editDistance(a, b, true);
    CHECK(distance == referenceDistance(a, b));
    CHECK(distance == core::editDistance(b, a, true));
    CHECK(core::editDistance(a, a, true) == 0);
  }
}

TEST_CASE("an unknown hunt name fails with the nearest valid one and every valid name") {
  auto typo = service::checkHuntNames({"proxy-ai-apj"}, kBuiltin);
  REQUIRE_FALSE(typo);
  CHECK(typo.error().code == core::ErrorCode::kInvalidArgument);
  CHECK(typo.error().message.find("did you mean 'proxy-ai-api'?") != std::string::npos);
  for (const auto& name : kBuiltin) CHECK(typo.error().message.find(name) != std::string::npos);

  // A prefix is what people type when they half remember.
  CHECK(service::nearestName("linux", kBuiltin) == "linux-audit");
  CHECK(service::nearestName("endpoint-proces", kBuiltin) == "endpoint-process");
  // Two neighbouring characters swapped are one typo.
  CHECK(core::editDistance("hnut", "hunt") == 1);
  CHECK(service::nearestName("linux-auidt", kBuiltin) == "linux-audit");
  // Nothing close: no suggestion, still the list.
  CHECK(service::nearestName("zzzz", kBuiltin).empty());
  auto far = service::checkHuntNames({"zzzz"}, kBuiltin);
  REQUIRE_FALSE(far);
  CHECK(far.error().message.find("did you mean") == std::string::npos);
  CHECK(far.error().message.find("valid hunts: proxy-ai-api,") != std::string::npos);

  // Every unknown name is named, not only the first.
  auto two = service::checkHuntNames({"proxy-ai-api", "linux-audt", "x"}, kBuiltin);
  REQUIRE_FALSE(two);
  CHECK(two.error().message.find("'linux-audt'") != std::string::npos);
  CHECK(two.error().message.find("'x'") != std::string::npos);
  CHECK(service::checkHuntNames(kBuiltin, kBuiltin));
}

TEST_CASE("selection: every enabled hunt by default, named ones (even disabled) in order") {
  const std::vector<config::HuntConfig> hunts = {hunt("a"), hunt("b", false), hunt("c")};
  auto all = service::selectHunts(hunts, {});
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK((*all)[0]->name == "a");
  CHECK((*all)[1]->name == "c");

  auto named = service::selectHunts(hunts, {"c", "b"});
  REQUIRE(named);
  REQUIRE(named->size() == 2);
  CHECK((*named)[0]->name == "c");
  CHECK((*named)[1]->name == "b");

  CHECK_FALSE(service::selectHunts(hunts, {"a", "d"}));
  auto none = service::selectHunts({hunt("x", false)}, {});
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "no enabled hunts");
}

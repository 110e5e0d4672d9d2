// One function catalog for lint, compiler and qradar-emu: an unknown function is an error with
// its position (QRadar answers 422), every catalog entry the engine claims to evaluate compiles.
#include <catch2/catch.hpp>
#include <string>

#include "aql/evaluator.h"
#include "aql/function_catalog.h"
#include "aql/lint.h"
#include "aql/parser.h"

namespace aihunt::aql {
namespace {

// A call with the smallest argument count the catalog allows.
std::string callOf(const FunctionSpec& spec) {
  std::string call = std::string(spec.name) + "(";
  for (std::size_t i = 0; i < spec.min_args; ++i) {
    if (i > 0) call += ", ";
    call += spec.name == "INCIDR" && i == 0 ? "'10.0.0.0/8'" : "sourceip";
  }
  return call + ")";
}

core::Status compiles(const std::string& aql) {
  auto query = parse(aql);
  if (!query.ok()) return query.error();
  Schema schema;
  EvalOptions options;
  auto run = QueryRun::create(query.value(), schema, options, [](Row&&) {});
  if (!run.ok()) return run.error();
  return {};
}

TEST_CASE("every catalog function is known to lint and, unless only documented, compiles",
          "[aql][functions]") {
  for (const FunctionSpec& spec : functionCatalog()) {
    const std::string call = callOf(spec);
    const std::string aql =
        spec.kind == FunctionKind::kAggregate
            ? "SELECT " + call + " AS v FROM events GROUP BY sourceip LAST 1 HOURS"
            : "SELECT " + call + " AS v FROM events LAST 1 HOURS";
    INFO(aql);
    CHECK_FALSE(hasErrors(lint(aql)));
    CHECK(compiles(aql).ok() == (spec.kind != FunctionKind::kDocumented));
  }
}

TEST_CASE("unknown functions are errors with their position", "[aql][functions][lint]") {
  for (const char* aql :
       {"SELECT sourceip FROM events WHERE EXFILTRATIONSCORE(sourceip) > 5 LAST 1 HOURS",
        "SELECT sourceip FROM events WHERE FOO() = 1 LAST 1 HOURS"}) {
    INFO(aql);
    const auto diagnostics = lint(aql);
    REQUIRE(hasErrors(diagnostics));
    const Diagnostic& d = diagnostics.front();
    CHECK(d.code == "unknown-function");
    CHECK(d.pos.line == 1);
    CHECK(d.pos.column == 35);
    CHECK_FALSE(compiles(aql).ok());
  }
  const auto nested = lint("SELECT LOWER(\nFOO(a)) AS x FROM events LAST 1 HOURS");
  REQUIRE(nested.size() == 1);
  CHECK(nested[0].pos.line == 2);
  CHECK(nested[0].pos.column == 1);
  const auto arity = lint("SELECT LOWER(a, b) AS x FROM events LAST 1 HOURS");
  REQUIRE(arity.size() == 1);
  CHECK(arity[0].code == "function-arguments");
  CHECK(arity[0].severity == Severity::kError);
  const auto documented = lint("SELECT BASE64(payload) AS p FROM events LAST 1 HOURS");
  REQUIRE(documented.size() == 1);
  CHECK(documented[0].code == "unevaluated-function");
  CHECK(documented[0].severity == Severity::kWarning);
}

TEST_CASE("ORDER BY needs a sort key", "[aql][parser]") {
  for (const char* aql : {"SELECT sourceip FROM events ORDER BY DESC LAST 1 HOURS",
                          "SELECT sourceip FROM events ORDER BY ASC",
                          "SELECT sourceip FROM events ORDER BY sourceip, DESC"}) {
    INFO(aql);
    SyntaxError detail;
    CHECK_FALSE(parse(aql, &detail).ok());
    const auto diagnostics = lint(aql);
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].code == "syntax");
  }
  CHECK(parse("SELECT sourceip FROM events ORDER BY sourceip DESC").ok());
}

}  // namespace
}  // namespace aihunt::aql

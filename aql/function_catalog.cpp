#include "aql/function_catalog.h"

#include <array>

namespace aihunt::aql {
namespace {

// IBM:
// https://www.ibm.com/docs/en/qsip/7.6.0?topic=language-aql-data-calculation-formatting-functions
// and https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_aggregate_functions.html;
// PARSEDATETIME from "Time criteria in AQL queries"; NOW() from third-party queries.
constexpr std::size_t kMany = 64;
constexpr std::array<FunctionSpec, 28> kCatalog = {{
    {"LOWER", FunctionKind::kScalar, 1, 1},
    {"UPPER", FunctionKind::kScalar, 1, 1},
    {"STR", FunctionKind::kScalar, 1, 1},
    {"LONG", FunctionKind::kScalar, 1, 1},
    {"DOUBLE", FunctionKind::kScalar, 1, 1},
    {"NOW", FunctionKind::kScalar, 0, 0},
    {"DATEFORMAT", FunctionKind::kScalar, 2, 2},
    {"CATEGORYNAME", FunctionKind::kScalar, 1, 1},
    {"LOGSOURCENAME", FunctionKind::kScalar, 1, 1},
    {"QIDNAME", FunctionKind::kScalar, 1, 1},
    {"LOGSOURCETYPENAME", FunctionKind::kScalar, 1, 1},
    {"INCIDR", FunctionKind::kScalar, 2, 2},
    {"REFERENCESETCONTAINS", FunctionKind::kScalar, 2, 2},
    {"CONCAT", FunctionKind::kScalar, 1, kMany},
    {"STRLEN", FunctionKind::kScalar, 1, 1},
    {"PARSEDATETIME", FunctionKind::kScalar, 1, 1},
    {"COUNT", FunctionKind::kAggregate, 1, 1},
    {"SUM", FunctionKind::kAggregate, 1, 1},
    {"MIN", FunctionKind::kAggregate, 1, 1},
    {"MAX", FunctionKind::kAggregate, 1, 1},
    {"AVG", FunctionKind::kAggregate, 1, 1},
    {"UNIQUECOUNT", FunctionKind::kAggregate, 1, 1},
    // Documented by IBM, not evaluated here.
    {"BASE64", FunctionKind::kDocumented, 1, 1},
    {"QIDDESCRIPTION", FunctionKind::kDocumented, 1, 1},
    {"DISTINCTCOUNT", FunctionKind::kDocumented, 1, 1},
    {"FIRST", FunctionKind::kDocumented, 1, 1},
    {"ASSETUSER", FunctionKind::kDocumented, 1, 2},
    {"RULENAME", FunctionKind::kDocumented, 1, 1},
}};

}  // namespace

std::span<const FunctionSpec> functionCatalog() { return kCatalog; }

const FunctionSpec* findFunction(std::string_view upper_name) {
  for (const FunctionSpec& spec : kCatalog) {
    if (spec.name == upper_name) return &spec;
  }
  return nullptr;
}

std::optional<std::string> functionCallProblem(const Expr& call) {
  const FunctionSpec* spec = findFunction(call.text);
  if (spec == nullptr) return "unknown function " + call.text + "()";
  const std::size_t n = call.args.size();
  if (n < spec->min_args || n > spec->max_args) {
    return call.text + "() takes " + std::to_string(spec->min_args) +
           (spec->min_args == spec->max_args ? "" : " to " + std::to_string(spec->max_args)) +
           " argument(s)";
  }
  return std::nullopt;
}

}  // namespace aihunt::aql

#include "aql/function_catalog.h"

#include <array>

namespace aihunt::aql {
namespace {

// IBM:
// https://www.ibm.com/docs/en/qsip/7.6.0?topic=language-aql-data-calculation-formatting-functions
// and https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_aggregate_functions.html;
// PARSEDATETIME from "Time criteria in AQL queries"; NOW() from third-party queries; the data
// retrieval functions from https://www.ibm.com/docs/en/SS42VS_7.5/com.ibm.qradar.doc/
// r_aql_data_functions.html (GEO::... left out: the lexer has no "::").
constexpr std::size_t kMany = 64;
// Argument counts of the functions only documented here: IBM's examples show the usual forms,
// with an optional domain or time at the end for some; the bounds are kept loose (up to four)
// where the reference gives no exact form, so that lint never calls a console's valid call an
// error. Unconfirmed against a console.
constexpr std::size_t kLoose = 4;
constexpr std::array<FunctionSpec, 56> kCatalog = {{
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
    // Documented by IBM, not evaluated here: calculation and formatting,
    {"BASE64", FunctionKind::kDocumented, 1, 1},
    {"UTF8", FunctionKind::kDocumented, 1, 1},
    {"PARSETIMESTAMP", FunctionKind::kDocumented, 1, 2},
    {"REPLACEALL", FunctionKind::kDocumented, 3, 3},
    {"REPLACEFIRST", FunctionKind::kDocumented, 3, 3},
    {"STRPOS", FunctionKind::kDocumented, 2, 3},
    {"SUBSTRING", FunctionKind::kDocumented, 2, 3},
    // aggregation,
    {"DISTINCTCOUNT", FunctionKind::kDocumented, 1, 1},
    {"FIRST", FunctionKind::kDocumented, 1, 1},
    {"STDEV", FunctionKind::kDocumented, 1, 1},
    {"STDEVP", FunctionKind::kDocumented, 1, 1},
    // and data retrieval.
    {"APPLICATIONNAME", FunctionKind::kDocumented, 1, 1},
    {"ARIELSERVERS4EPID", FunctionKind::kDocumented, 1, 1},
    {"ARIELSERVERS4EPNAME", FunctionKind::kDocumented, 1, 1},
    {"ASSETHOSTNAME", FunctionKind::kDocumented, 1, 3},
    {"ASSETPROPERTY", FunctionKind::kDocumented, 2, 3},
    {"ASSETUSER", FunctionKind::kDocumented, 1, 3},
    {"COMPONENTID", FunctionKind::kDocumented, 1, kLoose},
    {"DOMAINNAME", FunctionKind::kDocumented, 1, 1},
    {"GLOBALVIEW", FunctionKind::kDocumented, 1, kLoose},
    {"HOSTNAME", FunctionKind::kDocumented, 1, 1},
    {"INOFFENSE", FunctionKind::kDocumented, 1, 1},
    {"LOGSOURCEGROUPNAME", FunctionKind::kDocumented, 1, 1},
    {"MATCHESASSETSEARCH", FunctionKind::kDocumented, 2, 3},
    {"NETWORKNAME", FunctionKind::kDocumented, 1, 2},
    {"FULLNETWORKNAME", FunctionKind::kDocumented, 1, 2},
    {"OFFENSE_TIME", FunctionKind::kDocumented, 1, kLoose},
    {"PROCESSORNAME", FunctionKind::kDocumented, 1, 1},
    {"PROTOCOLNAME", FunctionKind::kDocumented, 1, 1},
    {"QIDDESCRIPTION", FunctionKind::kDocumented, 1, 1},
    {"REFERENCEMAP", FunctionKind::kDocumented, 2, 3},
    {"REFERENCEMAPSETCONTAINS", FunctionKind::kDocumented, 3, 4},
    {"REFERENCETABLE", FunctionKind::kDocumented, 3, 4},
    {"RULENAME", FunctionKind::kDocumented, 1, 2},
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

#pragma once
// The AQL functions aihunt's engine knows: one table that the linter, the compiler (offline
// hunts, qradar-emu) and tests share, so that they never disagree about what is a function.
// Names and purposes follow IBM's AQL reference ("AQL data calculation and formatting
// functions", "AQL data aggregation functions"); an unknown name is a 422 on a console.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "aql/ast.h"

namespace aihunt::aql {

enum class FunctionKind : std::uint8_t {
  kScalar,     // evaluated per event
  kAggregate,  // COUNT, SUM, ... over a group
  kDocumented  // in IBM's reference, not evaluated by aihunt (lint warns, the engine refuses)
};

struct FunctionSpec {
  std::string_view name;  // upper case
  FunctionKind kind = FunctionKind::kScalar;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
};

std::span<const FunctionSpec> functionCatalog();
// nullptr for a name QRadar does not know (as far as IBM's reference goes).
const FunctionSpec* findFunction(std::string_view upper_name);

// What is wrong with a call: unknown name or wrong argument count; nullopt when fine.
std::optional<std::string> functionCallProblem(const Expr& call);

}  // namespace aihunt::aql

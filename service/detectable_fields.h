#pragma once
// The fields a finding can come from (URL, host, command line, ...): a row without any of them can
// never become one. A query or an export that supplies none of them is a mistake to report, not
// a clean result ("No findings." would pass for one).
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "detection/event.h"

namespace aihunt::service {

std::span<const detection::Field> detectableFields();

// `mapping`'s names (then `fallback`'s) for the detectable fields, comma-separated.
std::string detectableColumnNames(const detection::FieldMapping& mapping,
                                  const detection::FieldMapping* fallback = nullptr);

// An error (kInvalidArgument) when none of `columns`, a query's output columns, binds to a
// detectable field through `mapping` (else `fallback`): it names the columns and the names
// that would do.
core::Status checkDetectableColumns(const std::vector<std::string>& columns,
                                    const detection::FieldMapping& mapping,
                                    const detection::FieldMapping* fallback = nullptr);

}  // namespace aihunt::service

#pragma once
// The fields a finding can come from (URL, host, command line, ...): a row without any of them can
// never become one. A query or an export that supplies none of them is a mistake to report, not
// a clean result ("No findings." would pass for one).
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
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

// A column the rows hold that the mapping in use leaves unread, while the seed query or a
// configured hunt reads it as a field a finding can come from: most likely an export made with
// those names, or a column left unrenamed. Its rows may hide findings ("No findings." would
// mislead).
struct UnreadDetectableColumn {
  std::string column;
  detection::Field field = detection::Field::kUrl;
  // The hunts whose fields name it; "" for the seed query. Those that name it as it is spelled
  // here (in any case) come first, then those that spell it otherwise ("UserAgent" for
  // "User Agent").
  std::vector<std::string> readers;
  std::string first_reader_names;  // how readers.front() spells the column
};

// Every name the seed query or one of `hunts` reads a detectable field from: what a decoder
// watches for (results::RowDecoder::watchUnread).
std::vector<std::string> detectableColumnNamesAnywhere(
    const std::vector<config::HuntConfig>& hunts);

struct UnreadColumns {
  std::vector<UnreadDetectableColumn> columns;
  // A mapping that would read every watched column the rows held, read now or not: a hunt's
  // name, "" for the seed query's names; nullopt when none does (the columns need renaming).
  std::optional<std::string> reads_all;
};

// `seen`: the watched names the rows held (results::RowDecoder::watchedSeen); `unread`: those no
// field was read from (unreadColumns).
UnreadColumns unreadDetectableColumns(const std::vector<std::string>& seen,
                                      const std::vector<std::string>& unread,
                                      const std::vector<config::HuntConfig>& hunts);

}  // namespace aihunt::service

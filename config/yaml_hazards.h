#pragma once
// Inputs that yaml-cpp 0.7 (Debian 12's) must never see, found by a scan that knows quotes,
// comments and block scalars:
// - a ',' where its scanner expects a new node in block context ("-- , a", "'q', a", "[a]\n, b",
//   a line starting with ','), which it loops on forever (found by fuzz/config_fuzz);
// - flow collections ([...] and {...}) nested deeper than a limit, or holding more entries than a
//   limit: 4 MiB of unclosed '[' cost yaml-cpp a gigabyte and seconds before it failed.
// We refuse them before yaml-cpp sees the text.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/config_error.h"

namespace aihunt::config {

struct YamlScanLimits {
  std::size_t max_flow_depth = 64;        // real configs nest flow lists 1 or 2 deep
  std::size_t max_flow_entries = 10'000;  // per [...] or {...}; real lists hold tens
};

struct YamlHazard {
  YamlMark mark;
  std::string message;
};

// The first hazard, if any. Conservative: a plain scalar continued on a line that starts with ','
// is refused too (quote such a value).
std::optional<YamlHazard> findYamlCppHazard(std::string_view text,
                                            const YamlScanLimits& limits = {});

}  // namespace aihunt::config

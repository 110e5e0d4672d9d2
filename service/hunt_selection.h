#pragma once
// Which hunts a command was asked for: `--hunt a,b --hunt c` (repeatable, comma-separated),
// checked against the hunts that exist, so that a typo fails with the valid names and the
// nearest one ("did you mean") instead of silently running nothing or everything.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace aihunt::service {

// The names in repeated, comma-separated values: trimmed, empty items dropped, each name once
// (first occurrence keeps its place).
std::vector<std::string> splitHuntNames(const std::vector<std::string>& values);

// The known name closest to `name`, or empty when none is close enough to be a plausible typo
// (at most a third of the longer name's length, and at least 1 edit away is allowed).
std::string nearestName(std::string_view name, const std::vector<std::string>& known);

// Ok when every name is known; otherwise an kInvalidArgument error naming each unknown one,
// the nearest known name where there is one, and every valid name.
core::Status checkHuntNames(const std::vector<std::string>& names,
                            const std::vector<std::string>& known);

// The names of `hunts`, in config order.
std::vector<std::string> huntNames(const std::vector<config::HuntConfig>& hunts);

// The hunts to run: `names` empty selects every enabled hunt; otherwise the named hunts
// (enabled or not: asking by name is explicit), in the order given. Unknown names fail as
// checkHuntNames does; nothing selected fails too ("no enabled hunts").
core::Result<std::vector<const config::HuntConfig*>> selectHunts(
    const std::vector<config::HuntConfig>& hunts, const std::vector<std::string>& names);

}  // namespace aihunt::service

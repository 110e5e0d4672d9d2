#pragma once
// GET /api/analytics/rules[/{id}]: the custom rules the emulator runs (config `rules`,
// --rules), in the shape of IBM's rule objects, with filter, Range and fields. Read-only: QRadar's
// API has no call that creates a rule (they are made in the rule wizard), so neither has this.
#include <vector>

#include "emulator/emulator_config.h"
#include "emulator/router.h"

namespace aihunt::emulator {

void registerRuleRoutes(Router& router, const std::vector<RuleConfig>& rules);

}  // namespace aihunt::emulator

#pragma once
// /api/staged_config/access/users: the console's user accounts, readable only with the ADMIN
// capability (QRadar also lets SAASADMIN read it; the emulator has no SAASADMIN). `aihunt check`
// reads it to tell a token that can do more than aihunt needs.
#include "emulator/emulator_config.h"
#include "emulator/router.h"

namespace aihunt::emulator {

void registerAccessRoutes(Router& router, const EmulatorConfig& config);

}  // namespace aihunt::emulator

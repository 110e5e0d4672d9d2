#pragma once
// The process's signal handlers, installed by the app and nowhere else. They only set lock-free
// atomic flags (the one kind of global the project has); the code that acts on them reads the
// flags through a qradar::Cancellation or the daemon's loop.
#include <atomic>

#include "qradar_client/cancellation.h"

namespace aihunt::cli {

// SIGINT and SIGTERM set the stop flag. A second one after the first ends the process at once
// (the signal's default action), so a slow cleanup can be cut short.
qradar::Cancellation installInterruptHandler();

// SIGHUP sets this flag (the daemon reloads its config and clears it). Installed by
// installReloadHandler().
std::atomic<bool>& reloadRequested();
void installReloadHandler();

}  // namespace aihunt::cli

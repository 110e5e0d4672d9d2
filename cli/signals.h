#pragma once
// The process's signal handlers, installed by the app and nowhere else. They only set lock-free
// atomic flags (the one kind of global the project has); the code that acts on them reads the
// flags through a qradar::Cancellation or the daemon's loop.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "qradar_client/cancellation.h"

namespace aihunt::cli {

// SIGINT and SIGTERM set the stop flag. A second one after the first ends the process at once
// (the signal's default action), so a slow cleanup can be cut short.
qradar::Cancellation installInterruptHandler();

// How many progress lines are on stderr now (cli/progress_bar.cpp keeps it): a second signal
// erases them before its note, which would otherwise start in the middle of a bar.
std::atomic<unsigned>& progressLinesOnStderr();
// Set by that second signal before it writes: the display then draws and erases nothing more,
// so that no thread's redraw climbs over the note or wipes it.
std::atomic<bool>& progressFrozen();

// The escape sequence that erases `lines` progress lines drawn with the cursor on the last one
// (up to the first, then clear to the end of the screen), written into `buffer` without
// allocating: it runs in a signal handler. Returns its length; 0 when there is nothing to erase.
std::size_t formatProgressErase(unsigned lines, char* buffer, std::size_t size);

// Whether the second signal's note is written as a JSON log record (--log-format json: every
// line on stderr is one JSON object) rather than as text.
void setSignalNoteAsJson(bool json);
// The note as a JSON log record stamped `epoch_ms` (UTC), written into `buffer` without
// allocating: it runs in a signal handler. Returns its length; 0 when the buffer is too small.
std::size_t formatJsonSignalNote(std::int64_t epoch_ms, char* buffer, std::size_t size);

// SIGHUP sets this flag (the daemon reloads its config and clears it). Installed by
// installReloadHandler().
std::atomic<bool>& reloadRequested();
void installReloadHandler();

}  // namespace aihunt::cli

#pragma once
// Scratch files for data that outgrows memory (a run's held output, ORDER BY rows past their
// budget): created in a folder of the user's choosing ($TMPDIR, /tmp by default) and unlinked at
// once, so nothing is left behind whatever happens to the process, and no other user can open it
// by name.
#include <string>
#include <string_view>

#include "core/result.h"

namespace aihunt::core {

// A new, empty, unlinked file in `dir`, open for reading and writing; the caller closes the
// descriptor. `what` names the use in the error ("the run's output"); the error also says how to
// choose another folder.
core::Result<int> openSpoolFile(const std::string& dir, std::string_view what);

}  // namespace aihunt::core

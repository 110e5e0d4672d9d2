#pragma once
// The commit `aihunt --version` names: read from git at every build (cmake/WriteCommit.cmake), so
// an incremental build names the commit it was built from, "<commit>-dirty" when tracked files
// had uncommitted changes, or what -DAIHUNT_COMMIT=... gave.

namespace aihunt::cli {

const char* buildCommit();

}  // namespace aihunt::cli

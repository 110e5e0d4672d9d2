#pragma once
#include <string>

namespace aihunt::testing {

// A fresh directory under $TMPDIR (or /tmp) for one test's files, removed with everything in it
// when the test binary exits (kept if AIHUNT_KEEP_TEST_DIRS=1). Throws if none can be made.
std::string makeTempDir(const std::string& prefix);

}  // namespace aihunt::testing

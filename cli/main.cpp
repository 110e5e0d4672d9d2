#include <sys/prctl.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "cli/cli.h"
#include "config/environment.h"

namespace {

// Nothing of this process may end up in a core file or be read by a same-user debugger: the
// QRadar token lives in its memory. Failures are ignored: the token is still handled carefully.
void makeNonDumpable() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
}

}  // namespace

int main(int argc, char** argv) {
  makeNonDumpable();
  // Before any thread: the token leaves the environment block (and /proc/<pid>/environ) here and
  // is kept in memory for the life of the process.
  auto environment = aihunt::config::TokenHoldingEnvironment::capture();
  std::vector<std::string> args(argv + 1, argv + argc);
  return aihunt::cli::runCli(args, aihunt::cli::Streams{}, std::move(environment));
}

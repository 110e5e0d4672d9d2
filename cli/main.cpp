#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <new>

#include <string>
#include <vector>

#include "cli/cli.h"
#include "config/environment.h"
#include "core/exit_codes.h"

namespace {

// Nothing of this process may end up in a core file or be read by a same-user debugger: the
// QRadar token lives in its memory. Failures are ignored: the token is still handled carefully.
void makeNonDumpable() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
}

// A standard descriptor closed at start (`aihunt hunt >&-`) would be given to the next file or
// socket opened, libcurl's say, and the findings written "to stdout" would go there, with exit
// 0 (an online trial). Each closed one is held by /dev/null opened read-only: a write to it
// fails, and the run says so (exit 2), as for any output that cannot be written.
void holdClosedStandardDescriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // The lowest free descriptor: this one, since those below it are open by now.
    const int held = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (held >= 0 && held != fd) ::close(held);
  }
}

// Out of descriptors, libcurl reports a CA file it cannot read and SQLite a file it cannot open:
// the errors name the wrong cause (a resource trial saw "CA file holds no PEM certificate" at
// `ulimit -n 16`). The soft limit goes up to the hard one, as far as aihunt could use; a limit
// still too low is said once, before anything else.
void raiseOpenFilesLimit() {
  constexpr rlim_t kWanted = 4096;  // connections, the state store and its log, TLS files, spools
  constexpr rlim_t kNeeded = 64;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < kWanted && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? kWanted : std::min(limit.rlim_max, kWanted);
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
      static_cast<void>(::getrlimit(RLIMIT_NOFILE, &limit));
  }
  if (limit.rlim_cur >= kNeeded) return;
  const std::string note = "aihunt: warning: the open-files limit is " +
                           std::to_string(limit.rlim_cur) +
                           " (ulimit -n); aihunt needs about 64, and short of descriptors its "
                           "errors name a file or the console instead of the limit\n";
  static_cast<void>(::write(STDERR_FILENO, note.data(), note.size()));
}

}  // namespace

int main(int argc, char** argv) {
  holdClosedStandardDescriptors();
  makeNonDumpable();
  raiseOpenFilesLimit();
  // Before any thread: the token leaves the environment block (and /proc/<pid>/environ) here and
  // is kept in memory for the life of the process.
  auto environment = aihunt::config::TokenHoldingEnvironment::capture();
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return aihunt::cli::runCli(args, aihunt::cli::Streams{}, std::move(environment));
  } catch (const std::bad_alloc&) {
    // The daemon aborts as before: its service manager restarts it, where exit 2 (a config
    // error to systemd's RestartPreventExitStatus) would leave it stopped.
    if (!args.empty() && args.front() == "run") throw;
    // A row larger than the memory this process may have (ulimit -v with a raised
    // --max-row-bytes; a container's memory limit kills instead). The stack has unwound: a held
    // document was dropped, not printed. One line and exit 2, not libstdc++'s abort. Only what
    // runs on this thread gets here (triage's workers and the offline scan's threads hand
    // theirs over); an online hunt that runs out on its own thread fails alone instead
    // (service/hunt_runner.cpp).
    static constexpr char kNote[] =
        "aihunt: error: out of memory: the input (a row), or the findings the table and "
        "incidents views hold until the end, need more memory than this process may use "
        "(ulimit -v; --format jsonl holds none); nothing was printed as a result\n";
    static_cast<void>(::write(STDERR_FILENO, kNote, sizeof kNote - 1));
    return aihunt::core::kExitUsage;
  }
}

#include "cli/signals.h"

#include <signal.h>
#include <unistd.h>

#include <csignal>

namespace aihunt::cli {
namespace {

// Set from signal handlers, so lock-free atomics.
std::atomic<bool> g_interrupted{
    false};                         // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::atomic<bool> g_reload{false};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
static_assert(std::atomic<bool>::is_always_lock_free);

// The first signal asks for a clean stop. A second one ends the process at once, as the signal
// would have without a handler: the operator has decided not to wait for the cleanup (the
// searches' cancellation, the outbox's flush). Nothing is lost by it: the state store's
// transactions and the outbox survive a kill, as they survive kill -9.
extern "C" void onInterrupt(int signal_number) {
  if (g_interrupted.exchange(true)) {
    // The default action first, and the signal unblocked: if the note below blocks (a stalled
    // pipe, a terminal paused with XOFF), a third signal still ends the process. A closed
    // stderr must not turn the exit into SIGPIPE's. All of these are async-signal-safe.
    std::signal(signal_number, SIG_DFL);
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, signal_number);
    sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
    // Said, so that a stop cut short is not taken for a clean one.
    static constexpr char kNote[] =
        "aihunt: a second signal: exiting now, without the cleanup the first one started "
        "(deleting running searches, delivering what waits)\n";
    static_cast<void>(::write(STDERR_FILENO, kNote, sizeof kNote - 1));
    std::raise(signal_number);
  }
}

extern "C" void onHangUp(int /*signal_number*/) { g_reload.store(true); }

}  // namespace

qradar::Cancellation installInterruptHandler() {
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  return qradar::Cancellation(g_interrupted);
}

std::atomic<bool>& reloadRequested() { return g_reload; }

void installReloadHandler() { std::signal(SIGHUP, onHangUp); }

}  // namespace aihunt::cli

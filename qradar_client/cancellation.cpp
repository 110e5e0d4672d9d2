#include "qradar_client/cancellation.h"

#include <csignal>

namespace aihunt::qradar {
namespace {

// The one global flag: set from a signal handler, so it must be a lock-free atomic.
std::atomic<bool> g_interrupted{
    false};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void onInterrupt(int signal_number) {
  if (g_interrupted.exchange(true)) std::signal(signal_number, SIG_DFL);
}

}  // namespace

Cancellation installInterruptHandler() {
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  return Cancellation(g_interrupted);
}

}  // namespace aihunt::qradar

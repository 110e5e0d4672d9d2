#include "cli/signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <string_view>

namespace aihunt::cli {
namespace {

// Set from signal handlers, so lock-free atomics.
std::atomic<bool> g_interrupted{
    false};                         // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::atomic<bool> g_reload{false};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::atomic<unsigned> g_progress_lines{
    0};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::atomic<bool> g_progress_frozen{
    false};                            // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::atomic<bool> g_json_note{false};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
// When the first stop signal came (CLOCK_MONOTONIC, ns).
std::atomic<std::int64_t> g_first_at{
    0};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<std::int64_t>::is_always_lock_free);
static_assert(std::atomic<unsigned>::is_always_lock_free);

constexpr std::string_view kSecondSignalNote =
    "aihunt: a second signal: exiting now, without the cleanup the first one started (deleting "
    "running searches, delivering what waits; the searches a daemon recorded stay recorded and "
    "its next start deletes them, and one whose create had no answer yet is left to QRadar's "
    "expiry)";

// Appends `text` at `at` if it fits; false otherwise. No allocation (signal handlers).
bool put(char* buffer, std::size_t size, std::size_t& at, std::string_view text) {
  if (text.size() > size - at) return false;
  for (const char c : text) buffer[at++] = c;
  return true;
}

// `value` in `digits` digits, zero-padded.
bool putNumber(char* buffer, std::size_t size, std::size_t& at, std::int64_t value, int digits) {
  char text[20];
  for (int i = digits - 1; i >= 0; --i) {
    text[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return put(buffer, size, at, std::string_view(text, static_cast<std::size_t>(digits)));
}

// `timeout`, and anything else that signals a process and then its process group, delivers one
// stop twice within microseconds; no person presses Ctrl-C twice within this.
constexpr std::int64_t kSameStopNs = 200'000'000;

std::int64_t monotonicNs() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe (POSIX.1-2008)
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// The first signal asks for a clean stop. A second one ends the process at once, as the signal
// would have without a handler: the operator has decided not to wait for the cleanup (the
// searches' cancellation, the outbox's flush). Nothing is lost by it: the state store's
// transactions and the outbox survive a kill, as they survive kill -9.
extern "C" void onInterrupt(int signal_number) {
  const std::int64_t now = monotonicNs();
  std::int64_t first = 0;
  if (g_first_at.compare_exchange_strong(first, now)) {
    // The first stop signal, whichever thread takes it (a burst may run handlers on two).
    g_interrupted.store(true);
    return;
  }
  if (now - first >= kSameStopNs) {
    // The default action first, and the signal unblocked: if the note below blocks (a stalled
    // pipe, a terminal paused with XOFF), a third signal still ends the process. A closed
    // stderr must not turn the exit into SIGPIPE's. All of these are async-signal-safe.
    std::signal(signal_number, SIG_DFL);
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, signal_number);
    sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
    // The progress bars go first: the note would otherwise start in the middle of one.
    g_progress_frozen.store(true);
    char erase[32];
    const std::size_t erase_length =
        formatProgressErase(g_progress_lines.load(), erase, sizeof erase);
    if (erase_length > 0) static_cast<void>(::write(STDERR_FILENO, erase, erase_length));
    // Said, so that a stop cut short is not taken for a clean one; as a JSON record under
    // --log-format json (a trial found this one line of text among them).
    if (g_json_note.load()) {
      timespec wall{};
      ::clock_gettime(CLOCK_REALTIME, &wall);  // async-signal-safe (POSIX.1-2008)
      char record[512];
      const std::size_t length = formatJsonSignalNote(
          static_cast<std::int64_t>(wall.tv_sec) * 1000 + wall.tv_nsec / 1'000'000, record,
          sizeof record);
      if (length > 0) static_cast<void>(::write(STDERR_FILENO, record, length));
    } else {
      const std::string_view note = kSecondSignalNote;
      static_cast<void>(::write(STDERR_FILENO, note.data(), note.size()));
      static_cast<void>(::write(STDERR_FILENO, "\n", 1));
    }
    std::raise(signal_number);
    // Still here: the kernel ignores a default-action signal sent to the first process of a PID
    // namespace, even by itself, and that is what aihunt is as a container's entrypoint. Exit
    // as a shell reports a death by that signal.
    ::_exit(128 + signal_number);
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

std::atomic<unsigned>& progressLinesOnStderr() { return g_progress_lines; }

std::atomic<bool>& progressFrozen() { return g_progress_frozen; }

std::size_t formatProgressErase(unsigned lines, char* buffer, std::size_t size) {
  // "\033[<lines-1>A" when there is more than one line, then "\r\033[J": at most 17 bytes.
  if (lines == 0 || size < 20) return 0;
  std::size_t length = 0;
  if (lines > 1) {
    char digits[12];
    std::size_t count = 0;
    for (unsigned up = lines - 1; up > 0; up /= 10)
      digits[count++] = static_cast<char>('0' + up % 10);
    buffer[length++] = '\033';
    buffer[length++] = '[';
    while (count > 0) buffer[length++] = digits[--count];
    buffer[length++] = 'A';
  }
  for (const char c : {'\r', '\033', '[', 'J'}) buffer[length++] = c;
  return length;
}

void installReloadHandler() { std::signal(SIGHUP, onHangUp); }

void setSignalNoteAsJson(bool json) { g_json_note.store(json); }

std::size_t formatJsonSignalNote(std::int64_t epoch_ms, char* buffer, std::size_t size) {
  // The civil date of a day count (Howard Hinnant's days_from_civil, inverted): arithmetic
  // only, as a signal handler needs.
  const std::int64_t days = epoch_ms >= 0 ? epoch_ms / 86'400'000 : 0;
  const std::int64_t in_day = epoch_ms >= 0 ? epoch_ms % 86'400'000 : 0;
  const std::int64_t z = days + 719'468;
  const std::int64_t era = z / 146'097;
  const std::int64_t doe = z - era * 146'097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  std::size_t at = 0;
  // The note holds nothing JSON escapes: no quote, backslash or control character.
  const bool whole =
      put(buffer, size, at, "{\"ts\":\"") && putNumber(buffer, size, at, year, 4) &&
      put(buffer, size, at, "-") && putNumber(buffer, size, at, month, 2) &&
      put(buffer, size, at, "-") && putNumber(buffer, size, at, day, 2) &&
      put(buffer, size, at, "T") && putNumber(buffer, size, at, in_day / 3'600'000, 2) &&
      put(buffer, size, at, ":") && putNumber(buffer, size, at, in_day / 60'000 % 60, 2) &&
      put(buffer, size, at, ":") && putNumber(buffer, size, at, in_day / 1000 % 60, 2) &&
      put(buffer, size, at, ".") && putNumber(buffer, size, at, in_day % 1000, 3) &&
      put(buffer, size, at, "Z\",\"level\":\"error\",\"logger\":\"aihunt\",\"msg\":\"") &&
      put(buffer, size, at, kSecondSignalNote.substr(std::string_view("aihunt: ").size())) &&
      put(buffer, size, at, "\"}\n");
  return whole ? at : 0;
}

}  // namespace aihunt::cli

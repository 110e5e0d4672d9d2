// The state store's size and cost per million findings (docs/performance.md, "The daemon").
// Commits N findings into a fresh SqliteStateStore (state/state_store.h, the daemon's store: WAL,
// synchronous=FULL) in pages, as LedgerWriter does for each results page: the page's ids are
// looked up with seen() first, then one commit holds the page's findings (one outbox row each for
// one sink), a few first-seen baselines, and a window record. The payload is a real finding
// (`aihunt hunt --offline content/samples/events.jsonl --format jsonl`, an endpoint-process
// finding, 896 bytes) with its id, time, source and host varied per finding.
//
// Then it drains the outbox as service::Outbox does (batches of 500: pending, setProgress,
// delivered; the sink's own write is left out), and vacuums. It reports the file size (main file
// plus -wal, the figure `aihunt state show` prints) after the commits with the outbox full, after
// delivery, and after VACUUM; commits/s and per-commit latency; delivery time.
//
//   state_bench [--findings 1000000] [--page 1000] [--dir DIR] [--keep]
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "state/state_store.h"

namespace {

using Clock = std::chrono::steady_clock;
using aihunt::state::StateStore;

constexpr std::string_view kSink = "jsonl";
constexpr std::string_view kHunt = "endpoint-process";
constexpr std::int64_t kStartMs = 1'795'629'540'000;  // 2026-11-25T17:59:00Z
constexpr std::int64_t kWindowMs = 900'000;           // 15 minutes

// A real finding; {id}, {time}, {ip} and {host} are replaced per finding.
constexpr std::string_view kPayload =
    R"x({"finding_id":"{id}","hunt":"endpoint-process","event_time":"{time}","source_ip":"{ip}","username":"CORP\\bwayne","host":"{host}","destination_ip":null,"destination_port":null,"url":null,"domain":"api.openai.com","provider":"openai","application":"C:\\Windows\\System32\\curl.exe","process_name":"curl","process_category":"CLI_Transfer","bytes_sent":null,"signals":["non_browser_ai_api","key_or_prompt_on_cmdline"],"risk_score":80,"severity":"high","suppressed":false,"exception":null,"mitre":["T1588.007"],"log_source":null,"event_category":null,"evidence":"curl.exe -X POST https://api.openai.com/v1/chat/completions -H \"Authorization: Bearer [REDACTED]\" -H \"Content-Type: application/json\" -d \"{\\\"model\\\":\\\"gpt-4o\\\",\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"write a convincing invoice email\\\"}]}\""})x";

std::uint64_t fileBytes(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
}

// Bytes this process passed to write(2)/pwrite(2) (wchar) and caused to be written to storage
// (write_bytes), from /proc/self/io; zero where that file is missing.
struct Io {
  std::uint64_t wchar = 0;
  std::uint64_t write_bytes = 0;
};

Io ioNow() {
  Io io;
  std::FILE* file = std::fopen("/proc/self/io", "r");
  if (file == nullptr) return io;
  char key[64];
  unsigned long long value = 0;
  while (std::fscanf(file, "%63s %llu", key, &value) == 2) {
    if (std::string_view(key) == "wchar:") io.wchar = value;
    if (std::string_view(key) == "write_bytes:") io.write_bytes = value;
  }
  std::fclose(file);
  return io;
}

struct Sizes {
  std::uint64_t main = 0;
  std::uint64_t wal = 0;
  [[nodiscard]] std::uint64_t total() const { return main + wal; }
};

Sizes sizesOf(const std::string& path) { return Sizes{fileBytes(path), fileBytes(path + "-wal")}; }

// 32 hex digits, like a finding id (distinct for each i).
std::string findingId(std::uint64_t i) {
  std::uint64_t a = i * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
  std::uint64_t b = (i ^ 0xD1B54A32D192ED03ULL) * 0xBF58476D1CE4E5B9ULL;
  a ^= a >> 31U;
  b ^= b >> 29U;
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return text;
}

std::string isoTime(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

void replace(std::string& text, std::string_view from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
}

std::string payload(std::uint64_t i, std::int64_t event_ms) {
  std::string text(kPayload);
  replace(text, "{id}", findingId(i));
  replace(text, "{time}", isoTime(event_ms));
  replace(text, "{ip}",
          "10.1." + std::to_string(i / 250 % 250) + "." + std::to_string(1 + i % 250));
  char host[16];
  std::snprintf(host, sizeof host, "WS-ENG-%04llu", static_cast<unsigned long long>(i % 10'000));
  replace(text, "{host}", host);
  return text;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

[[noreturn]] void die(const std::string& what, const aihunt::core::Error& error) {
  std::fprintf(stderr, "state_bench: %s: %s\n", what.c_str(), error.message.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t findings = 1'000'000;
  std::uint64_t page = 1'000;
  std::string dir = std::filesystem::temp_directory_path().string();
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--findings" && i + 1 < argc) {
      findings = std::strtoull(argv[++i], nullptr, 10);
    } else if (flag == "--page" && i + 1 < argc) {
      page = std::max<std::uint64_t>(1, std::strtoull(argv[++i], nullptr, 10));
    } else if (flag == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (flag == "--keep") {
      keep = true;
    } else {
      std::fprintf(stderr, "usage: state_bench [--findings N] [--page N] [--dir DIR] [--keep]\n");
      return 2;
    }
  }
  const std::string path = dir + "/aihunt-state-bench-" + std::to_string(::getpid()) + ".db";
  auto opened = StateStore::open(path, aihunt::state::OpenOptions{});
  if (!opened) die("opening " + path, opened.error());
  std::unique_ptr<StateStore> store = std::move(*opened);

  // --- commits: one per page, as LedgerWriter makes them ---
  std::vector<double> commit_ms;
  std::vector<double> lookup_ms;
  std::uint64_t payload_bytes = 0;
  std::uint64_t next = 0;
  std::uint64_t window = 0;
  const Io io_start = ioNow();
  const auto started = Clock::now();
  while (next < findings) {
    aihunt::state::Commit commit;
    commit.hunt = kHunt;
    commit.sinks = {std::string(kSink)};
    const std::int64_t from = kStartMs + static_cast<std::int64_t>(window) * kWindowMs;
    commit.now = from + kWindowMs + 60'000;
    const std::uint64_t count = std::min(page, findings - next);
    commit.findings.reserve(count);
    for (std::uint64_t k = 0; k < count; ++k, ++next) {
      aihunt::state::FindingItem item;
      item.finding_id = findingId(next);
      item.event_time = from + static_cast<std::int64_t>(k * kWindowMs / count);
      item.payload = payload(next, item.event_time);
      payload_bytes += item.payload.size();
      commit.findings.push_back(std::move(item));
    }
    // About one finding in a hundred is a new (host, process, provider) for first_seen.
    for (std::uint64_t k = 0; k < count / 100; ++k) {
      commit.baselines.push_back("ws-eng-" + std::to_string(next - k) + "|curl|openai");
    }
    aihunt::state::WindowRecord record;
    record.hunt = kHunt;
    record.from = from;
    record.to = from + kWindowMs;
    record.rows = count * 4;
    record.findings = count;
    record.completed_at = commit.now;
    commit.completes = record;
    ++window;

    const auto lookup_start = Clock::now();
    for (const auto& item : commit.findings) {
      auto seen = store->seen(item.finding_id);
      if (!seen) die("seen()", seen.error());
    }
    const auto commit_start = Clock::now();
    auto committed = store->commit(commit);
    const auto commit_end = Clock::now();
    if (!committed) die("commit()", committed.error());
    if (committed->added != count) {
      std::fprintf(stderr, "state_bench: %llu of %llu findings were added\n",
                   static_cast<unsigned long long>(committed->added),
                   static_cast<unsigned long long>(count));
      return 1;
    }
    lookup_ms.push_back(
        std::chrono::duration<double, std::milli>(commit_start - lookup_start).count());
    commit_ms.push_back(
        std::chrono::duration<double, std::milli>(commit_end - commit_start).count());
  }
  const double commit_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const Io io_committed = ioNow();
  const Sizes full = sizesOf(path);
  auto depth = store->outboxDepth(std::string(kSink));
  if (!depth) die("outboxDepth()", depth.error());

  // --- delivery: batches of 500, as service::Outbox drains a sink ---
  constexpr std::size_t kBatch = 500;
  std::uint64_t delivered = 0;
  std::uint64_t batches = 0;
  const auto deliver_start = Clock::now();
  for (;;) {
    auto rows = store->pending(std::string(kSink), kBatch);
    if (!rows) die("pending()", rows.error());
    if (rows->empty()) break;
    aihunt::state::SinkProgress progress;
    progress.sink = kSink;
    progress.target = "/var/lib/aihunt/findings.jsonl";
    progress.offset = static_cast<std::int64_t>(delivered * 900);
    progress.first_row = rows->front().id;
    progress.last_row = rows->back().id;
    if (auto status = store->setProgress(progress); !status) die("setProgress()", status.error());
    if (auto status = store->delivered(std::string(kSink), progress.first_row, progress.last_row);
        !status) {
      die("delivered()", status.error());
    }
    delivered += rows->size();
    ++batches;
  }
  const double deliver_seconds =
      std::chrono::duration<double>(Clock::now() - deliver_start).count();
  const Io io_delivered = ioNow();
  const Sizes drained = sizesOf(path);

  const auto vacuum_start = Clock::now();
  if (auto status = store->vacuum(); !status) die("vacuum()", status.error());
  const double vacuum_seconds = std::chrono::duration<double>(Clock::now() - vacuum_start).count();
  const Sizes vacuumed = sizesOf(path);
  auto summary = store->summary();
  if (!summary) die("summary()", summary.error());
  store.reset();

  const double commits = static_cast<double>(commit_ms.size());
  double commit_total = 0;
  for (const double ms : commit_ms) commit_total += ms;
  double lookup_total = 0;
  for (const double ms : lookup_ms) lookup_total += ms;
  const double per_million =
      1'000'000.0 / static_cast<double>(std::max<std::uint64_t>(1, findings));
  std::printf("state_bench: %llu findings, %llu per commit, one sink, %s\n",
              static_cast<unsigned long long>(findings), static_cast<unsigned long long>(page),
              path.c_str());
  std::printf("payload: %.0f bytes per finding on average (%.1f MiB in all)\n",
              static_cast<double>(payload_bytes) /
                  static_cast<double>(std::max<std::uint64_t>(1, findings)),
              mib(payload_bytes));
  std::printf(
      "commits: %.0f in %.1f s wall (seen() lookups included): %.1f commits/s, %.0f findings/s\n",
      commits, commit_seconds, commits / commit_seconds,
      static_cast<double>(findings) / commit_seconds);
  std::printf(
      "per commit (%llu findings): mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
      "seen() lookups before it: mean %.2f ms\n",
      static_cast<unsigned long long>(page), commit_total / commits, percentile(commit_ms, 0.50),
      percentile(commit_ms, 0.99), percentile(commit_ms, 1.0), lookup_total / commits);
  // The store grows as commits go on: the first and the last tenth of the commits.
  const std::size_t tenth = std::max<std::size_t>(1, commit_ms.size() / 10);
  double first_tenth = 0;
  double last_tenth = 0;
  for (std::size_t i = 0; i < tenth && i < commit_ms.size(); ++i) {
    first_tenth += commit_ms[i];
    last_tenth += commit_ms[commit_ms.size() - 1 - i];
  }
  std::printf("per commit, first tenth of the commits: mean %.2f ms; last tenth: mean %.2f ms\n",
              first_tenth / static_cast<double>(tenth), last_tenth / static_cast<double>(tenth));
  const double payload_mib = mib(payload_bytes);
  std::printf(
      "written by the commits: %.0f MiB through write(2) (%.1fx the payloads), %.0f MiB to "
      "storage (/proc/self/io wchar, write_bytes)\n",
      mib(io_committed.wchar - io_start.wchar),
      payload_mib > 0 ? mib(io_committed.wchar - io_start.wchar) / payload_mib : 0.0,
      mib(io_committed.write_bytes - io_start.write_bytes));
  std::printf("written by the delivery: %.0f MiB through write(2), %.0f MiB to storage\n",
              mib(io_delivered.wchar - io_committed.wchar),
              mib(io_delivered.write_bytes - io_committed.write_bytes));
  std::printf("outbox depth after the commits: %llu\n", static_cast<unsigned long long>(*depth));
  std::printf(
      "size with the outbox full:  main %.1f MiB + wal %.1f MiB = %.1f MiB (%.1f MiB per million "
      "findings)\n",
      mib(full.main), mib(full.wal), mib(full.total()), mib(full.total()) * per_million);
  std::printf(
      "delivery: %llu rows in %llu batches of %zu in %.1f s (%.0f rows/s, %.2f ms per batch: "
      "setProgress + delivered, two commits)\n",
      static_cast<unsigned long long>(delivered), static_cast<unsigned long long>(batches), kBatch,
      deliver_seconds, static_cast<double>(delivered) / deliver_seconds,
      1000.0 * deliver_seconds / static_cast<double>(std::max<std::uint64_t>(1, batches)));
  std::printf(
      "size after delivery:         main %.1f MiB + wal %.1f MiB = %.1f MiB (%.1f MiB per million "
      "findings)\n",
      mib(drained.main), mib(drained.wal), mib(drained.total()),
      mib(drained.total()) * per_million);
  std::printf(
      "size after VACUUM (%.1f s):   main %.1f MiB + wal %.1f MiB = %.1f MiB (%.1f MiB per million "
      "findings)\n",
      vacuum_seconds, mib(vacuumed.main), mib(vacuumed.wal), mib(vacuumed.total()),
      mib(vacuumed.total()) * per_million);
  std::printf("store: %llu seen ids, %llu baselines, %zu windows\n",
              static_cast<unsigned long long>(summary->seen_findings),
              static_cast<unsigned long long>(summary->baselines),
              summary->hunts.empty() ? std::size_t{0}
                                     : static_cast<std::size_t>(summary->hunts.front().windows));
  if (!keep) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ignored);
  }
  return 0;
}

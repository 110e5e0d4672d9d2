// Triage throughput and memory: generated seed-shaped rows piped into the real `aihunt triage`
// binary, and in the same run two references over the same rows: the in-process pipeline (no
// pipe, no process) and nlohmann::json parsing each line (parse only, no detection).
//
//   triage_bench --aihunt build-release/bin/aihunt --rows 1000000 --rows 10000000
//   triage_bench --rows 1000000 --write rows.jsonl   (the same rows into a file, for profiling)
//   --mix endpoint: process-creation rows with command lines instead of proxy rows
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/row_generator.h"
#include "config/detection_settings_builder.h"
#include "results/byte_source.h"
#include "service/finding_writer.h"
#include "service/triage.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kChunkRows = 4096;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Generates rows on demand, so that 10M rows never exist in memory at once.
class GeneratedSource final : public aihunt::results::ByteSource {
 public:
  GeneratedSource(std::uint64_t rows, aihunt::bench::Mix mix)
      : remaining_(rows), generator_(42, mix) {}
  aihunt::core::Result<std::size_t> read(std::span<char> buffer) override {
    while (pending_.size() - offset_ < buffer.size() && remaining_ > 0) {
      if (offset_ > 0) {
        pending_.erase(0, offset_);
        offset_ = 0;
      }
      for (std::size_t i = 0; i < kChunkRows && remaining_ > 0; ++i, --remaining_) {
        generator_.appendRow(pending_);
      }
    }
    const std::size_t count = std::min(buffer.size(), pending_.size() - offset_);
    std::memcpy(buffer.data(), pending_.data() + offset_, count);
    offset_ += count;
    return count;
  }

 private:
  std::uint64_t remaining_;
  aihunt::bench::RowGenerator generator_;
  std::string pending_;
  std::size_t offset_ = 0;
};

struct ProcessRun {
  double seconds = 0;
  long peak_rss_kib = 0;
  int exit_code = -1;
};

ProcessRun runBinary(const std::string& aihunt, std::uint64_t rows, aihunt::bench::Mix mix) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) std::perror("pipe");
  const auto start = Clock::now();
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_fds[0], STDIN_FILENO);
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execl(aihunt.c_str(), aihunt.c_str(), "triage", "--input", "-", "--format", "jsonl",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fds[0]);
  GeneratedSource source(rows, mix);
  std::vector<char> buffer(1 << 20);
  while (true) {
    auto got = source.read(buffer);
    if (!got || *got == 0) break;
    std::size_t written = 0;
    while (written < *got) {
      const ssize_t n = write(pipe_fds[1], buffer.data() + written, *got - written);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
  }
  close(pipe_fds[1]);
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  ProcessRun run;
  run.seconds = secondsSince(start);
  run.peak_rss_kib = usage.ru_maxrss;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

double runInProcess(const aihunt::detection::DetectionSettings& settings, std::uint64_t rows,
                    aihunt::bench::Mix mix, std::uint64_t& findings) {
  GeneratedSource source(rows, mix);
  std::FILE* sink = std::fopen("/dev/null", "w");
  auto writer = aihunt::service::makeFindingWriter(aihunt::service::OutputFormat::kJsonl, sink);
  const auto start = Clock::now();
  auto report =
      aihunt::service::runTriage(source, settings, aihunt::detection::FieldMapping::seedDefaults(),
                                 *writer, aihunt::service::TriageOptions{});
  static_cast<void>(writer->finish());  // the caller closes the document (service/triage.h)
  const double seconds = secondsSince(start);
  std::fclose(sink);
  findings = report ? report->stats.findings : 0;
  return seconds;
}

double runNlohmann(std::uint64_t rows, aihunt::bench::Mix mix) {
  GeneratedSource source(rows, mix);
  std::vector<char> buffer(1 << 20);
  std::string carry;
  std::uint64_t parsed = 0;
  const auto start = Clock::now();
  while (true) {
    auto got = source.read(buffer);
    if (!got || *got == 0) break;
    carry.append(buffer.data(), *got);
    std::size_t begin = 0, newline;
    while ((newline = carry.find('\n', begin)) != std::string::npos) {
      const auto row = nlohmann::json::parse(carry.begin() + static_cast<long>(begin),
                                             carry.begin() + static_cast<long>(newline));
      parsed += row.size() > 0 ? 1 : 0;
      begin = newline + 1;
    }
    carry.erase(0, begin);
  }
  const double seconds = secondsSince(start);
  if (parsed != rows)
    std::fprintf(stderr, "nlohmann parsed %llu rows\n", static_cast<unsigned long long>(parsed));
  return seconds;
}

int writeRows(const std::string& path, std::uint64_t rows, aihunt::bench::Mix mix) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    std::perror(path.c_str());
    return 1;
  }
  GeneratedSource source(rows, mix);
  std::vector<char> buffer(1 << 20);
  while (true) {
    auto got = source.read(buffer);
    if (!got || *got == 0) break;
    if (std::fwrite(buffer.data(), 1, *got, out) != *got) {
      std::perror(path.c_str());
      std::fclose(out);
      return 1;
    }
  }
  return std::fclose(out) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string aihunt = "build-release/bin/aihunt";
  std::vector<std::uint64_t> sizes;
  bool skip_reference = false;
  std::string write_path;
  aihunt::bench::Mix mix = aihunt::bench::Mix::kProxy;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--aihunt" && i + 1 < argc)
      aihunt = argv[++i];
    else if (arg == "--rows" && i + 1 < argc)
      sizes.push_back(std::stoull(argv[++i]));
    else if (arg == "--skip-reference")
      skip_reference = true;
    else if (arg == "--write" && i + 1 < argc)
      write_path = argv[++i];
    else if (arg == "--mix" && i + 1 < argc &&
             (std::string(argv[i + 1]) == "proxy" || std::string(argv[i + 1]) == "endpoint"))
      mix = std::string(argv[++i]) == "endpoint" ? aihunt::bench::Mix::kEndpoint
                                                 : aihunt::bench::Mix::kProxy;
    else {
      std::fprintf(stderr,
                   "usage: triage_bench [--aihunt PATH] [--rows N]... [--skip-reference] "
                   "[--write FILE] [--mix proxy|endpoint]\n");
      return 2;
    }
  }
  if (sizes.empty()) sizes = {1'000'000, 10'000'000};
  if (!write_path.empty()) return writeRows(write_path, sizes.front(), mix);
  auto settings = aihunt::config::builtinDetectionSettings();
  if (!settings) {
    std::fprintf(stderr, "built-in pack: %s\n", settings.error().message.c_str());
    return 1;
  }
  std::printf(
      "| rows | aihunt triage (process, piped) rows/s | peak RSS MiB | in-process pipeline rows/s "
      "| findings | nlohmann parse-only rows/s |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  for (const std::uint64_t rows : sizes) {
    const ProcessRun run = runBinary(aihunt, rows, mix);
    if (run.exit_code != 0) {
      std::fprintf(stderr, "%s exited with %d\n", aihunt.c_str(), run.exit_code);
      return 1;
    }
    std::uint64_t findings = 0;
    const double in_process = runInProcess(*settings, rows, mix, findings);
    const double reference = skip_reference ? 0 : runNlohmann(rows, mix);
    std::printf("| %llu | %.0f | %.1f | %.0f | %llu | %s |\n",
                static_cast<unsigned long long>(rows), static_cast<double>(rows) / run.seconds,
                static_cast<double>(run.peak_rss_kib) / 1024.0,
                static_cast<double>(rows) / in_process, static_cast<unsigned long long>(findings),
                skip_reference
                    ? "-"
                    : std::to_string(static_cast<long long>(static_cast<double>(rows) / reference))
                          .c_str());
    std::fflush(stdout);
  }
  return 0;
}

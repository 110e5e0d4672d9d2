// Triage throughput and memory: generated seed-shaped rows piped into the real `aihunt triage`
// binary, and in the same run two references over the same rows: the in-process pipeline (no
// pipe, no process) and nlohmann::json parsing each line (parse only, no detection).
//
//   triage_bench --aihunt build-release/bin/aihunt --rows 1000000 --rows 10000000
//   triage_bench --rows 1000000 --write rows.jsonl   (the same rows into a file, for profiling)
//   --mix endpoint: process-creation rows with command lines instead of proxy rows
//   --mix results: pre-filtered hunt results (75% findings); the rows go to a file, `aihunt
//     triage` reads it and writes its findings to a file, and the Python reference
//     (bench/triage_reference.py, --python to point elsewhere) does the same in the same run
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/row_generator.h"
#include "config/detection_settings_builder.h"
#include "core/usable_cores.h"
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
    // One thread, as these figures have always been taken (the results mix also measures the
    // workers).
    execl(aihunt.c_str(), aihunt.c_str(), "triage", "--input", "-", "--format", "jsonl",
          "--max-output", "0", "--threads", "1", static_cast<char*>(nullptr));
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

// `argv` with stdin from `input` and stdout into `output`: the wall time and peak RSS.
ProcessRun runOnFile(const std::vector<std::string>& argv, const std::string& input,
                     const std::string& output) {
  const auto start = Clock::now();
  const pid_t child = fork();
  if (child == 0) {
    const int in_fd = open(input.c_str(), O_RDONLY);
    const int out_fd = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in_fd < 0 || out_fd < 0) _exit(126);
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  ProcessRun run;
  run.seconds = secondsSince(start);
  run.peak_rss_kib = usage.ru_maxrss;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::uint64_t countLines(const std::string& path) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) return 0;
  std::vector<char> buffer(1 << 20);
  std::uint64_t lines = 0;
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), in)) > 0) {
    lines += static_cast<std::uint64_t>(
        std::count(buffer.begin(), buffer.begin() + static_cast<long>(got), '\n'));
  }
  std::fclose(in);
  return lines;
}

int writeRows(const std::string& path, std::uint64_t rows, aihunt::bench::Mix mix);

bool sameBytes(const std::string& a, const std::string& b) {
  std::FILE* left = std::fopen(a.c_str(), "rb");
  std::FILE* right = std::fopen(b.c_str(), "rb");
  bool same = left != nullptr && right != nullptr;
  std::vector<char> x(1 << 20);
  std::vector<char> y(1 << 20);
  while (same) {
    const std::size_t got_x = std::fread(x.data(), 1, x.size(), left);
    const std::size_t got_y = std::fread(y.data(), 1, y.size(), right);
    same = got_x == got_y && std::memcmp(x.data(), y.data(), got_x) == 0;
    if (got_x == 0) break;
  }
  if (left != nullptr) std::fclose(left);
  if (right != nullptr) std::fclose(right);
  return same;
}

// --mix results: aihunt and the Python reference over the same file, both writing to a file.
double runInProcess(const aihunt::detection::DetectionSettings& settings, std::uint64_t rows,
                    aihunt::bench::Mix mix, std::uint64_t& findings);

int runResultsMix(const std::string& aihunt, const std::string& python_script,
                  const std::string& scratch, const std::vector<std::uint64_t>& sizes,
                  bool skip_reference, const aihunt::detection::DetectionSettings& settings) {
  const std::string rows_path = scratch + "/triage_results_rows.jsonl";
  const std::string ours_path = scratch + "/triage_results_aihunt.jsonl";
  const std::string theirs_path = scratch + "/triage_results_python.jsonl";
  const std::string workers_path = scratch + "/triage_results_aihunt_workers.jsonl";
  // aihunt twice: on one thread (--threads 1: the rate of one core) and as users run it (a
  // worker per usable CPU); the two outputs must be the same bytes.
  const unsigned cores = aihunt::core::usableCores();
  std::printf(
      "| rows | aihunt triage, one thread, rows/s | peak RSS MiB | findings | aihunt triage, %u "
      "workers, rows/s | peak RSS MiB | output | in-process pipeline (one thread) rows/s | "
      "Python reference rows/s | findings | ratio (one thread) |\n"
      "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n",
      cores);
  for (const std::uint64_t rows : sizes) {
    if (writeRows(rows_path, rows, aihunt::bench::Mix::kResults) != 0) return 1;
    // The rows file (about 490 MB a million rows) is written back to disk before anything is
    // timed: its write-back would otherwise run beside the first process measured.
    ::sync();
    // Without the binary (a build of the libraries only), the in-process figure still stands.
    const bool have_binary = access(aihunt.c_str(), X_OK) == 0;
    ProcessRun ours;
    ProcessRun workers;
    bool same_output = false;
    if (have_binary) {
      ours = runOnFile({aihunt, "triage", "--input", rows_path, "--format", "jsonl", "--max-output",
                        "0", "--threads", "1"},
                       "/dev/null", ours_path);
      workers = runOnFile(
          {aihunt, "triage", "--input", rows_path, "--format", "jsonl", "--max-output", "0"},
          "/dev/null", workers_path);
      for (const ProcessRun* run : {&ours, &workers}) {
        if (run->exit_code != 0) {
          std::fprintf(stderr, "%s exited with %d\n", aihunt.c_str(), run->exit_code);
          return 1;
        }
      }
      same_output = sameBytes(ours_path, workers_path);
    }
    std::uint64_t in_process_findings = 0;
    const double in_process_rate =
        static_cast<double>(rows) /
        runInProcess(settings, rows, aihunt::bench::Mix::kResults, in_process_findings);
    const double ours_rate =
        have_binary ? static_cast<double>(rows) / ours.seconds : in_process_rate;
    std::string theirs_cells = "- | - | -";
    if (!skip_reference) {
      const ProcessRun theirs =
          runOnFile({"python3", python_script, rows_path}, "/dev/null", theirs_path);
      if (theirs.exit_code != 0) {
        std::fprintf(stderr, "python3 %s exited with %d\n", python_script.c_str(),
                     theirs.exit_code);
        return 1;
      }
      const double theirs_rate = static_cast<double>(rows) / theirs.seconds;
      theirs_cells = std::to_string(static_cast<long long>(theirs_rate)) + " | " +
                     std::to_string(countLines(theirs_path)) + " | " +
                     std::to_string(ours_rate / theirs_rate).substr(0, 5);
    }
    const std::string ours_cell =
        have_binary ? std::to_string(static_cast<long long>(ours_rate)) : std::string("-");
    const std::string workers_cell =
        have_binary
            ? std::to_string(static_cast<long long>(static_cast<double>(rows) / workers.seconds)) +
                  " | " + std::to_string(workers.peak_rss_kib / 1024) + " | " +
                  (same_output ? "same" : "DIFFERS")
            : std::string("- | - | -");
    std::printf(
        "| %llu | %s | %.1f | %llu | %s | %.0f | %s |\n", static_cast<unsigned long long>(rows),
        ours_cell.c_str(), static_cast<double>(ours.peak_rss_kib) / 1024.0,
        static_cast<unsigned long long>(have_binary ? countLines(ours_path) : in_process_findings),
        workers_cell.c_str(), in_process_rate, theirs_cells.c_str());
    std::fflush(stdout);
  }
  for (const auto& path : {rows_path, ours_path, workers_path, theirs_path}) {
    std::remove(path.c_str());
  }
  return 0;
}

double runInProcess(const aihunt::detection::DetectionSettings& settings, std::uint64_t rows,
                    aihunt::bench::Mix mix, std::uint64_t& findings) {
  GeneratedSource source(rows, mix);
  std::FILE* sink = std::fopen("/dev/null", "w");
  auto writer = aihunt::service::makeFindingWriter(aihunt::service::OutputFormat::kJsonl, sink);
  const auto start = Clock::now();
  aihunt::service::TriageOptions options;
  options.threads = 1;  // the pipeline's own rate, on one core
  auto report = aihunt::service::runTriage(
      source, settings, aihunt::detection::FieldMapping::seedDefaults(), *writer, options);
  static_cast<void>(writer->finish());  // the caller closes the document (service/triage.h)
  const double seconds = secondsSince(start);
  std::fclose(sink);
  findings = report.failure ? 0 : report.stats.findings;
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

std::optional<aihunt::bench::Mix> mixNamed(std::string_view name) {
  if (name == "proxy") return aihunt::bench::Mix::kProxy;
  if (name == "endpoint") return aihunt::bench::Mix::kEndpoint;
  if (name == "results") return aihunt::bench::Mix::kResults;
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  std::string aihunt = "build-release/bin/aihunt";
  std::vector<std::uint64_t> sizes;
  bool skip_reference = false;
  std::string write_path;
  std::string python_script = "bench/triage_reference.py";
  std::string scratch = "/tmp";
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
    else if (arg == "--python" && i + 1 < argc)
      python_script = argv[++i];
    else if (arg == "--scratch" && i + 1 < argc)
      scratch = argv[++i];
    else if (arg == "--mix" && i + 1 < argc && mixNamed(argv[i + 1]))
      mix = *mixNamed(argv[++i]);
    else {
      std::fprintf(stderr,
                   "usage: triage_bench [--aihunt PATH] [--rows N]... [--skip-reference] "
                   "[--write FILE] [--mix proxy|endpoint|results] [--python SCRIPT] "
                   "[--scratch DIR]\n");
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
  if (mix == aihunt::bench::Mix::kResults) {
    return runResultsMix(aihunt, python_script, scratch, sizes, skip_reference, *settings);
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

#pragma once
// The progress display of online hunts on stderr: one line per hunt in flight, e.g.
//   hunt 2/5 proxy-ai-api: EXECUTE 60%, 0 pages [##################            ]
// redrawn in place from the first status read to the last page, and erased when the hunt ends.
// Several hunts may be in flight at once (each has its line); calls may come from several
// threads. Drawn only when wanted (a terminal, not --quiet, not JSON logs); otherwise silent.
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "core/logging.h"
#include "qradar_client/ariel_client.h"

namespace aihunt::cli {

// One hunt's line: its place in the run, and the last progress Ariel reported.
struct HuntProgress {
  std::string hunt;       // already made safe for a terminal
  std::size_t index = 0;  // 1-based
  std::size_t total = 0;
  bool reported = false;  // false until the first status read answers
  qradar::SearchProgress progress;
  std::uint64_t pages = 0;  // result pages read (the client reports once per page)
};

// The text of a line (no escape sequences): what a person reads.
std::string progressText(const HuntProgress& line);

class ProgressDisplay final : public core::LiveArea {
 public:
  // True when a display on `streams.err` would be seen and would not corrupt other output.
  static bool wanted(const Streams& streams);

  ProgressDisplay(std::FILE* out, bool enabled) : out_(out), enabled_(enabled) {}
  ~ProgressDisplay() override;
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  [[nodiscard]] bool enabled() const { return enabled_; }
  // A hunt starts (its line shows at once, "starting"), reports, and ends (its line goes).
  void start(const std::string& hunt, std::size_t index, std::size_t total);
  void update(const std::string& hunt, const qradar::SearchProgress& progress);
  void finish(const std::string& hunt);

  // core::LiveArea: the lines go while a log line is written below them, then come back.
  void clear() override;
  void draw() override;

 private:
  void redraw();         // with mutex_ held
  void erase();          // with mutex_ held: removes every drawn line, cursor at the first
  void publish() const;  // with mutex_ held: drawn_ to progressLinesOnStderr()
  // A second signal is ending the process: nothing more is drawn or erased on stderr.
  [[nodiscard]] bool frozen() const;

  std::FILE* out_;
  bool enabled_;
  std::mutex mutex_;
  std::vector<HuntProgress> lines_;
  std::size_t drawn_ = 0;  // lines on screen
};

}  // namespace aihunt::cli

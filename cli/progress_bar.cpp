#include "cli/progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "cli/signals.h"
#include "core/display_text.h"

namespace aihunt::cli {

std::string progressText(const HuntProgress& line) {
  constexpr int kWidth = 30;
  std::string text = "hunt " + std::to_string(line.index) + "/" + std::to_string(line.total) + " " +
                     line.hunt + ": ";
  if (!line.reported) return text + "starting";
  const qradar::SearchProgress& progress = line.progress;
  int percent = std::clamp(progress.percent, 0, 100);
  // A state name from our own enum and numbers: never the server's text.
  text += std::string(qradar::searchStateName(progress.state)) + " " + std::to_string(percent) +
          "%, " + std::to_string(line.pages) + (line.pages == 1 ? " page" : " pages");
  if (progress.phase == qradar::SearchProgress::Phase::kFetching) {
    text += ", " + std::to_string(progress.rows_fetched) + "/" +
            std::to_string(progress.rows_total) + " rows";
    percent = progress.rows_total == 0
                  ? 100
                  : static_cast<int>(std::min<std::uint64_t>(
                        100, progress.rows_fetched * 100 / progress.rows_total));
  }
  const int filled = percent * kWidth / 100;
  text += " [" + std::string(static_cast<std::size_t>(filled), '#') +
          std::string(static_cast<std::size_t>(kWidth - filled), ' ') + "]";
  return text;
}

bool ProgressDisplay::wanted(const Streams& streams) {
  return !streams.quiet && !streams.json_diagnostics && isatty(fileno(streams.err)) == 1;
}

ProgressDisplay::~ProgressDisplay() {
  const std::lock_guard lock(mutex_);
  lines_.clear();
  erase();
}

void ProgressDisplay::start(const std::string& hunt, std::size_t index, std::size_t total) {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  HuntProgress line;
  line.hunt = core::displayText(hunt);
  line.index = index;
  line.total = total;
  lines_.push_back(std::move(line));
  redraw();
}

void ProgressDisplay::update(const std::string& hunt, const qradar::SearchProgress& progress) {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  const std::string shown = core::displayText(hunt);
  for (auto& line : lines_) {
    if (line.hunt != shown) continue;
    line.reported = true;
    line.progress = progress;
    if (progress.phase == qradar::SearchProgress::Phase::kFetching) ++line.pages;
  }
  redraw();
}

void ProgressDisplay::finish(const std::string& hunt) {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  const std::string shown = core::displayText(hunt);
  std::erase_if(lines_, [&](const HuntProgress& line) { return line.hunt == shown; });
  redraw();
}

void ProgressDisplay::clear() {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  erase();
}

void ProgressDisplay::draw() {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  redraw();
}

void ProgressDisplay::erase() {
  if (drawn_ == 0 || frozen()) return;
  std::string text;
  // Up to the first line, then clear to the end of the screen.
  if (drawn_ > 1) text += "\033[" + std::to_string(drawn_ - 1) + "A";
  text += "\r\033[J";
  // Said gone before they go: a second signal in between must not climb over cleared lines.
  drawn_ = 0;
  publish();
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

bool ProgressDisplay::frozen() const {
  return fileno(out_) == STDERR_FILENO && progressFrozen().load();
}

void ProgressDisplay::publish() const {
  // Only the lines on the process's stderr: that is where a second signal's note goes.
  if (fileno(out_) == STDERR_FILENO) progressLinesOnStderr().store(static_cast<unsigned>(drawn_));
}

namespace {

// The terminal's width; a line longer than it would wrap, and the redraw would then climb too few
// lines.
std::size_t terminalColumns(std::FILE* out) {
  winsize size{};
  if (ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 1) return size.ws_col;
  return 80;
}

// `text` cut to fewer than `columns` characters (UTF-8: continuation bytes take no column).
std::string fitted(const std::string& text, std::size_t columns) {
  std::size_t shown = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0U) == 0x80U) continue;
    if (++shown >= columns) return text.substr(0, i);
  }
  return text;
}

}  // namespace

void ProgressDisplay::redraw() {
  if (frozen()) return;
  erase();
  const std::size_t columns = terminalColumns(out_);
  std::string text;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    if (i != 0) text += "\n";
    text += fitted(progressText(lines_[i]), columns);
  }
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
  drawn_ = lines_.size();
  publish();
}

}  // namespace aihunt::cli

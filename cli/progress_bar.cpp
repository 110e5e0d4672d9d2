#include "cli/progress_bar.h"

#include <unistd.h>

#include "core/display_text.h"

namespace aihunt::cli {

ProgressBar::ProgressBar(std::FILE* out, std::string_view label)
    : out_(out), label_(core::displayText(label)), enabled_(isatty(fileno(out)) == 1) {}

ProgressBar::~ProgressBar() { clear(); }

void ProgressBar::update(const qradar::SearchProgress& progress) {
  if (!enabled_) return;
  constexpr int kWidth = 30;
  int percent = progress.percent;
  std::string status;
  if (progress.phase == qradar::SearchProgress::Phase::kFetching) {
    percent = progress.rows_total == 0
                  ? 100
                  : static_cast<int>(progress.rows_fetched * 100 / progress.rows_total);
    status = "fetched " + std::to_string(progress.rows_fetched) + "/" +
             std::to_string(progress.rows_total) + " rows";
  } else {
    status = std::string(qradar::searchStateName(progress.state));
  }
  const int filled = percent * kWidth / 100;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), ' ');
  // The label (a hunt name) went through core::displayText; the rest is ours: numbers and a
  // state name from our own enum, never the server's text.
  std::fprintf(out_, "\r\033[2K%s [%s] %3d%% %s", label_.c_str(), bar.c_str(), percent,
               status.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[2K", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace aihunt::cli

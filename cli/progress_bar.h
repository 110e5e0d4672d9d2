#pragma once
// A one-line progress display on stderr for online hunts: Ariel's progress while the search
// runs, then rows fetched. Only on a terminal; otherwise silent (logs say what happened).
#include <cstdio>
#include <string>
#include <string_view>

#include "qradar_client/ariel_client.h"

namespace aihunt::cli {

class ProgressBar {
 public:
  // Draws only when `out` is a terminal.
  ProgressBar(std::FILE* out, std::string_view label);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(const qradar::SearchProgress& progress);
  void clear();  // erases the line (before any other stderr output)

 private:
  std::FILE* out_;
  std::string label_;
  bool enabled_ = false;
  bool drawn_ = false;
};

}  // namespace aihunt::cli

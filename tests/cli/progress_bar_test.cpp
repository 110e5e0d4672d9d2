// The progress display: what each hunt's line says, and how lines of hunts running at once are
// redrawn in place (written to a file standing in for the terminal).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/progress_bar.h"
#include "cli/signals.h"
#include "core/logging.h"

using aihunt::cli::HuntProgress;
using aihunt::cli::ProgressDisplay;
using aihunt::cli::progressText;
using aihunt::qradar::SearchProgress;
using aihunt::qradar::SearchState;

namespace {

std::string contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[256];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  return text;
}

SearchProgress searching(SearchState state, int percent) {
  SearchProgress progress;
  progress.state = state;
  progress.percent = percent;
  return progress;
}

}  // namespace

TEST_CASE("a hunt's line: its place in the run, state, percent and pages, from the first read") {
  HuntProgress line;
  line.hunt = "proxy-ai-api";
  line.index = 2;
  line.total = 5;
  CHECK(progressText(line) == "hunt 2/5 proxy-ai-api: starting");

  line.reported = true;
  line.progress = searching(SearchState::kExecute, 60);
  CHECK(progressText(line) ==
        "hunt 2/5 proxy-ai-api: EXECUTE 60%, 0 pages [##################            ]");

  line.progress.phase = SearchProgress::Phase::kFetching;
  line.progress.state = SearchState::kCompleted;
  line.progress.percent = 100;
  line.pages = 1;
  line.progress.rows_fetched = 1000;
  line.progress.rows_total = 4000;
  CHECK(progressText(line) ==
        "hunt 2/5 proxy-ai-api: COMPLETED 100%, 1 page, 1000/4000 rows [#######               "
        "        ]");
}

TEST_CASE("every percentage a console may send draws a bar of the same width") {
  HuntProgress line;
  line.hunt = "h";
  line.index = 1;
  line.total = 1;
  line.reported = true;
  const std::size_t width = progressText([&] {
                              HuntProgress zero = line;
                              zero.progress = searching(SearchState::kWait, 0);
                              return zero;
                            }())
                                .size();
  for (int percent = -50; percent <= 250; percent += 7) {
    line.progress = searching(SearchState::kExecute, percent);
    const std::string text = progressText(line);
    INFO(text);
    CHECK(text.size() == width + (std::string("EXECUTE").size() - std::string("WAIT").size()) +
                             (std::to_string(std::clamp(percent, 0, 100)).size() - 1));
    CHECK(text.back() == ']');
  }
}

TEST_CASE("lines of hunts in flight are redrawn in place and erased when each ends") {
  std::FILE* screen = std::tmpfile();
  REQUIRE(screen != nullptr);
  {
    ProgressDisplay display(screen, /*enabled=*/true);
    display.start("a", 1, 2);
    display.start("b\x1b]0;title\x07", 2, 2);  // a hostile name: shown inert
    display.update("a", searching(SearchState::kExecute, 50));
    SearchProgress page;
    page.phase = SearchProgress::Phase::kFetching;
    page.state = SearchState::kCompleted;
    page.percent = 100;
    page.rows_total = 2000;
    for (const std::uint64_t rows : {1000, 2000}) {
      page.rows_fetched = rows;
      display.update("a", page);
    }
    display.finish("a");
    display.finish("b\x1b]0;title\x07");
  }
  const std::string drawn = contents(screen);
  std::fclose(screen);
  // Two lines on screen: the redraw climbs one line before clearing.
  CHECK(drawn.find("hunt 1/2 a: starting\nhunt 2/2 b") != std::string::npos);
  CHECK(drawn.find("\033[1A\r\033[J") != std::string::npos);
  CHECK(drawn.find("hunt 1/2 a: EXECUTE 50%, 0 pages") != std::string::npos);
  // One page per report of rows read.
  CHECK(drawn.find("hunt 1/2 a: COMPLETED 100%, 1 page, 1000/2000 rows") != std::string::npos);
  CHECK(drawn.find("hunt 1/2 a: COMPLETED 100%, 2 pages, 2000/2000 rows") != std::string::npos);
  CHECK(drawn.find("\x1b]0;") == std::string::npos);
  CHECK(drawn.find('\x07') == std::string::npos);
  // It ends erased: the last thing written clears the last line drawn.
  CHECK(drawn.size() >= 4);
  CHECK(drawn.substr(drawn.size() - 4) == "\r\033[J");
}

TEST_CASE("a log line written while bars show goes above them, on a line of its own") {
  std::FILE* screen = std::tmpfile();
  REQUIRE(screen != nullptr);
  {
    ProgressDisplay display(screen, /*enabled=*/true);
    aihunt::core::LogOptions options;
    options.stream = screen;
    auto logger =
        aihunt::core::makeLogger("aihunt", options, std::make_shared<aihunt::core::Redactor>());
    aihunt::core::attachLiveArea(*logger, &display);
    display.start("a", 1, 2);
    display.start("b", 2, 2);
    logger->info("hunt 'c' done");
    aihunt::core::attachLiveArea(*logger, nullptr);
    display.finish("a");
    display.finish("b");
  }
  const std::string drawn = contents(screen);
  std::fclose(screen);
  INFO(drawn);
  // The bars are cleared (climb one line, clear to the end), the line is written where they
  // were, and they are drawn again below it.
  const std::size_t logged = drawn.find(" info hunt 'c' done\n");
  REQUIRE(logged != std::string::npos);
  const std::size_t line_start = drawn.rfind("\033[1A\r\033[J", logged);
  REQUIRE(line_start != std::string::npos);
  constexpr std::size_t kClear = 8;       // ESC [ 1 A, CR, ESC [ J
  constexpr std::size_t kTimestamp = 24;  // 2026-12-05T01:40:10.498Z
  CHECK(logged == line_start + kClear + kTimestamp);
  const std::string again = "hunt 1/2 a: starting\nhunt 2/2 b: starting";
  CHECK(drawn.compare(logged + std::string(" info hunt 'c' done\n").size(), again.size(), again) ==
        0);
}

TEST_CASE("a display that is not wanted writes nothing") {
  std::FILE* screen = std::tmpfile();
  REQUIRE(screen != nullptr);
  {
    ProgressDisplay display(screen, /*enabled=*/false);
    display.start("a", 1, 1);
    display.update("a", searching(SearchState::kExecute, 50));
    display.finish("a");
  }
  CHECK(contents(screen).empty());
  std::fclose(screen);
  // A file is not a terminal: never wanted, whatever the options.
  aihunt::cli::Streams streams;
  std::FILE* file = std::tmpfile();
  streams.err = file;
  CHECK_FALSE(ProgressDisplay::wanted(streams));
  std::fclose(file);
}

TEST_CASE("a second signal's note erases the progress lines drawn on stderr first") {
  // The handler writes this sequence, then its note (cli/signals.cpp).
  char buffer[32];
  const auto erase = [&](unsigned lines) {
    return std::string(buffer, aihunt::cli::formatProgressErase(lines, buffer, sizeof buffer));
  };
  CHECK(erase(0).empty());
  CHECK(erase(1) == "\r\033[J");
  CHECK(erase(3) == "\033[2A\r\033[J");
  CHECK(erase(12) == "\033[11A\r\033[J");
  CHECK(erase(4'000'000'000U) == "\033[3999999999A\r\033[J");
  CHECK(aihunt::cli::formatProgressErase(3, buffer, 8) == 0);  // too small: nothing, no overrun

  // The display keeps the count of its lines on stderr; a display elsewhere leaves it alone.
  // (stderr goes to /dev/null meanwhile: the lines are not for the test's log.)
  std::atomic<unsigned>& shown = aihunt::cli::progressLinesOnStderr();
  std::fflush(stderr);
  const int saved_stderr = ::dup(STDERR_FILENO);
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  REQUIRE(saved_stderr >= 0);
  REQUIRE(null_fd >= 0);
  REQUIRE(::dup2(null_fd, STDERR_FILENO) == STDERR_FILENO);
  ::close(null_fd);
  {
    ProgressDisplay display(stderr, /*enabled=*/true);
    display.start("a", 1, 2);
    display.start("b", 2, 2);
    CHECK(shown.load() == 2);
    display.finish("a");
    CHECK(shown.load() == 1);
    display.clear();  // a log line is written below
    CHECK(shown.load() == 0);
    display.draw();
    CHECK(shown.load() == 1);
    std::FILE* screen = std::tmpfile();
    REQUIRE(screen != nullptr);
    {
      ProgressDisplay elsewhere(screen, /*enabled=*/true);
      elsewhere.start("c", 1, 1);
      CHECK(shown.load() == 1);
    }
    std::fclose(screen);
  }
  std::fflush(stderr);
  ::dup2(saved_stderr, STDERR_FILENO);
  ::close(saved_stderr);
  CHECK(shown.load() == 0);
}

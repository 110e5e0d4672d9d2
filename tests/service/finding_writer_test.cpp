// The terminal writers hold their document until the run ends: a complete run prints it, an
// incomplete one prints nothing (JSON: its envelope, marked incomplete); held bytes spill to a
// spool file past a buffer and stop at a cap; evidence reaches JSON exactly and CSV on one line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "service/finding_writer.h"
#include "service/held_findings.h"
#include "service/incident_writer.h"
#include "service/run_summary.h"

using namespace aihunt;
using nlohmann::json;

namespace {

// A real FILE (an unlinked temporary file) whose content the test reads back.
class Captured {
 public:
  Captured() : file_(std::tmpfile()) { REQUIRE(file_ != nullptr); }
  ~Captured() { std::fclose(file_); }
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;
  [[nodiscard]] std::FILE* file() const { return file_; }
  [[nodiscard]] std::string text() const {
    std::fflush(file_);
    const long end = std::ftell(file_);
    std::string out(static_cast<std::size_t>(end), '\0');
    std::rewind(file_);
    const std::size_t read = std::fread(out.data(), 1, out.size(), file_);
    out.resize(read);
    std::fseek(file_, 0, SEEK_END);
    return out;
  }

 private:
  std::FILE* file_;
};

detection::Finding finding(int n, std::string evidence = {}) {
  detection::Finding f;
  f.finding_id = std::string(31, '0') + std::to_string(n % 10);
  f.hunt = "endpoint-process";
  f.event_time = "2026-11-26T17:00:00.000Z";
  f.username = "CORP\\jdoe";
  f.process_name = "powershell.exe";
  f.evidence = std::move(evidence);
  return f;
}

service::RunReport report(service::HuntStatus status) {
  service::RunReport run;
  auto& first =
      run.hunts.emplace_back(service::HuntReport::ended("proxy-ai-api", service::HuntStatus::kOk));
  first.rows = 10;
  first.findings = 2;
  first.suppressed = 1;
  run.hunts.emplace_back(service::HuntReport::ended("endpoint-process", status)).rows = 3;
  if (status == service::HuntStatus::kFailed) run.hunts.back().error = "QRadar refused it";
  return run;
}

service::HoldOptions holding() {
  service::HoldOptions hold;
  hold.spool_dir = std::filesystem::temp_directory_path().string();
  return hold;
}

}  // namespace

TEST_CASE("a complete run prints its document; an incomplete one prints nothing") {
  for (const auto format : {service::OutputFormat::kJsonl, service::OutputFormat::kCsv,
                            service::OutputFormat::kTable}) {
    INFO(static_cast<int>(format));
    {
      Captured out;
      auto writer = service::makeFindingWriter(format, out.file(), holding());
      REQUIRE(writer->write(finding(1)).ok());
      CHECK(out.text().empty());  // held until the run ends
      REQUIRE(writer->finishRun(report(service::HuntStatus::kOk)).ok());
      INFO(out.text());
      // The table fits its cells to the width (the user may be cut): its footer counts the row.
      CHECK(out.text().find(format == service::OutputFormat::kTable ? "from 1 finding" : "jdoe") !=
            std::string::npos);
    }
    for (const auto status : {service::HuntStatus::kFailed, service::HuntStatus::kCancelled,
                              service::HuntStatus::kTruncated}) {
      Captured out;
      auto writer = service::makeFindingWriter(format, out.file(), holding());
      REQUIRE(writer->write(finding(1)).ok());
      REQUIRE(writer->finishRun(report(status)).ok());
      CHECK(out.text().empty());
    }
    // A run with no findings at all is not "No findings." when it failed either.
    Captured out;
    auto writer = service::makeFindingWriter(format, out.file(), holding());
    REQUIRE(writer->finishRun(report(service::HuntStatus::kFailed)).ok());
    CHECK(out.text().empty());
  }
}

TEST_CASE("json: the envelope says whether the run is complete and how each hunt ended") {
  Captured out;
  auto writer = service::makeFindingWriter(service::OutputFormat::kJson, out.file(), holding());
  REQUIRE(writer->write(finding(1)).ok());
  REQUIRE(writer->write(finding(2)).ok());
  REQUIRE(writer->finishRun(report(service::HuntStatus::kFailed)).ok());
  const json document = json::parse(out.text());
  CHECK(document["schema_version"] == 1);
  CHECK(document["complete"] == false);
  CHECK(document["view"] == "findings");
  REQUIRE(document["hunts"].size() == 2);
  CHECK(document["hunts"][0] == json::parse(R"({"name":"proxy-ai-api","status":"ok","rows":10,
                                                "findings":2,"suppressed":1})"));
  CHECK(document["hunts"][1]["status"] == "failed");
  CHECK(document["hunts"][1]["error"] == "QRadar refused it");
  REQUIRE(document["findings"].size() == 2);
  CHECK(document["findings"][1]["schema_version"] == 1);

  Captured empty;
  auto none = service::makeFindingWriter(service::OutputFormat::kJson, empty.file(), holding());
  REQUIRE(none->finishRun(report(service::HuntStatus::kOk)).ok());
  const json clean = json::parse(empty.text());
  CHECK(clean["complete"] == true);
  CHECK(clean["findings"] == json::array());
  CHECK_FALSE(clean["hunts"][1].contains("error"));
}

TEST_CASE("json: findings lost elsewhere (held for a later hunt) leave the envelope without any") {
  // The first hunt's findings reached the writer; a later hunt's, held in memory until the first
  // ended, passed their cap: the run's findings are not all here, so none are shown.
  Captured out;
  auto writer = service::makeFindingWriter(service::OutputFormat::kJson, out.file(), holding());
  REQUIRE(writer->write(finding(1)).ok());
  REQUIRE(writer->write(finding(2)).ok());
  service::RunReport run = report(service::HuntStatus::kOk);
  run.loseHeldFindings("the run's findings passed 1048576 bytes of memory");
  REQUIRE(writer->finishRun(run).ok());
  const json document = json::parse(out.text());
  CHECK(document["complete"] == false);
  CHECK(document["findings"] == json::array());
  CHECK(document["hunts"][0]["status"] == "failed");
}

TEST_CASE("evidence reaches JSON exactly and CSV on one line, formulas neutralised") {
  const std::string script =
      "$h = @{ \"k\" = 'v' }\r\n\tWrite-Host \"r\xC3\xA9sum\xC3\xA9\" C:\\Users\\x\n\xE2\x80\xAE"
      "end";
  {
    Captured out;
    auto writer = service::makeFindingWriter(service::OutputFormat::kJsonl, out.file(), holding());
    REQUIRE(writer->write(finding(1, script)).ok());
    REQUIRE(writer->finish().ok());
    CHECK(json::parse(out.text())["evidence"] == script);
  }
  Captured out;
  auto writer = service::makeFindingWriter(service::OutputFormat::kCsv, out.file(), holding());
  REQUIRE(writer->write(finding(1, "=cmd|' /C calc'!A0\nnext")).ok());
  REQUIRE(writer->finish().ok());
  const std::string csv = out.text();
  CHECK(csv.substr(0, csv.find('\r')).ends_with(",event_category,evidence"));
  CHECK(csv.find(",\"'=cmd|' /C calc'!A0 next\"\r\n") != std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);
}

TEST_CASE("held output spills to a spool file, in order, and stops at its cap") {
  const std::string evidence(400, 'x');
  SECTION("past the memory buffer the bytes wait on disk and come back in order") {
    Captured out;
    auto writer = service::makeFindingWriter(service::OutputFormat::kJsonl, out.file(), holding());
    for (int i = 0; i < 3000; ++i) REQUIRE(writer->write(finding(i, evidence)).ok());  // ~2 MB
    CHECK(out.text().empty());
    REQUIRE(writer->finishRun(report(service::HuntStatus::kOk)).ok());
    const std::string text = out.text();
    CHECK(std::count(text.begin(), text.end(), '\n') == 3000);
    CHECK(text.rfind(R"({"schema_version":1,"finding_id":"00)", 0) == 0);
  }
  SECTION("a spool folder that cannot be written fails the write, clearly") {
    Captured out;
    service::HoldOptions hold = holding();
    hold.spool_dir = "/nonexistent/aihunt-spool";
    auto writer = service::makeFindingWriter(service::OutputFormat::kJsonl, out.file(), hold);
    core::Status status;
    for (int i = 0; i < 3000 && status.ok(); ++i) status = writer->write(finding(i, evidence));
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("TMPDIR") != std::string::npos);
  }
  SECTION("past the cap: an output-limit error, and nothing printed") {
    Captured out;
    service::HoldOptions hold = holding();
    hold.max_bytes = 20'000;
    auto writer = service::makeFindingWriter(service::OutputFormat::kJsonl, out.file(), hold);
    core::Status status;
    int written = 0;
    for (; written < 1000 && status.ok(); ++written) status = writer->write(finding(1, evidence));
    REQUIRE_FALSE(status.ok());
    CHECK(service::isOutputLimit(status.error()));
    CHECK(written < 100);
    service::RunReport run = report(service::HuntStatus::kOk);
    run.output_ok = false;
    REQUIRE(writer->finishRun(run).ok());
    CHECK(out.text().empty());
  }
}

TEST_CASE("the table and the incidents hold findings in memory up to the cap") {
  const std::string evidence(400, 'x');
  const std::uint64_t one = service::heldFindingBytes(finding(1, evidence));
  CHECK(one > sizeof(detection::Finding) + 400);  // the evidence is on the heap
  CHECK(service::heldFindingBytes(finding(1)) > sizeof(detection::Finding));  // the id too

  service::HeldFindings held(10 * one);
  for (int i = 0; i < 10; ++i) REQUIRE(held.add(finding(i, evidence)).ok());
  CHECK(held.findings().size() == 10);
  const auto past = held.add(finding(10, evidence));
  REQUIRE_FALSE(past.ok());
  CHECK(service::isOutputLimit(past.error()));
  CHECK(held.findings().empty());  // what was held is let go
  REQUIRE(held.failure().has_value());
  CHECK_FALSE(held.add(finding(11)).ok());  // and nothing more is held
  CHECK(held.findings().empty());

  service::HeldFindings unlimited(0);
  for (int i = 0; i < 100; ++i) REQUIRE(unlimited.add(finding(i, evidence)).ok());
  CHECK(unlimited.findings().size() == 100);

  service::TableOptions options;
  service::HoldOptions hold = holding();
  hold.max_bytes = 5 * one;
  for (const auto& [format, view] :
       {std::pair{service::OutputFormat::kTable, service::OutputView::kFindings},
        std::pair{service::OutputFormat::kTable, service::OutputView::kIncidents},
        std::pair{service::OutputFormat::kJsonl, service::OutputView::kIncidents},
        std::pair{service::OutputFormat::kCsv, service::OutputView::kIncidents}}) {
    INFO(static_cast<int>(format) << " " << service::outputViewName(view));
    Captured out;
    options.view = view;
    auto writer = service::makeResultWriter(format, out.file(), options, hold);
    core::Status status;
    int written = 0;
    for (; written < 100 && status.ok(); ++written) status = writer->write(finding(1, evidence));
    REQUIRE_FALSE(status.ok());
    CHECK(written == 6);
    CHECK(service::isOutputLimit(status.error()));
    REQUIRE(writer->outputFailure().has_value());
    service::RunReport run = report(service::HuntStatus::kOk);
    run.output_ok = false;
    REQUIRE(writer->finishRun(run).ok());
    CHECK(out.text().empty());
  }
}

TEST_CASE("streaming writers (hold off) write as they go") {
  Captured out;
  auto writer = service::makeFindingWriter(service::OutputFormat::kJsonl, out.file());
  for (int i = 0; i < 2000; ++i) REQUIRE(writer->write(finding(i, std::string(100, 'y'))).ok());
  CHECK(!out.text().empty());  // past the 64 KiB buffer
  REQUIRE(writer->finish().ok());
}

TEST_CASE("the hunts' table lines up and shows why a hunt failed") {
  service::RunReport run = report(service::HuntStatus::kFailed);
  run.hunts[0].rows = 123456;
  run.hunts.push_back(service::HuntReport::ended("x\x1b[31m", service::HuntStatus::kCancelled));
  const std::string table = service::formatHuntTable(run);
  std::vector<std::string> rows;
  std::size_t from = 0;
  while (from < table.size()) {
    const std::size_t end = table.find('\n', from);
    rows.push_back(table.substr(from, end - from));
    from = end + 1;
  }
  REQUIRE(rows.size() == 5);  // header, three hunts, one error line
  CHECK(rows[0] == "HUNT              STATUS       ROWS  FINDINGS  SUPPRESSED");
  CHECK(rows[1] == "proxy-ai-api      ok         123456         2           1");
  CHECK(rows[2] == "endpoint-process  failed          3         0           0");
  CHECK(rows[3] == "  QRadar refused it");
  CHECK(rows[4] == "x?[31m            cancelled       0         0           0");

  // A hunt the run never started, its reason said once elsewhere: "not run", not "failed".
  service::RunReport stopped = report(service::HuntStatus::kOk);
  auto& never = stopped.hunts.emplace_back(service::HuntReport::ended(
      "linux-audit", service::HuntStatus::kFailed, "not run: the output cap"));
  never.error_said = true;
  const std::string with_not_run = service::formatHuntTable(stopped);
  CHECK(with_not_run.find("linux-audit       not run") != std::string::npos);
  CHECK(with_not_run.find("the output cap") == std::string::npos);
}

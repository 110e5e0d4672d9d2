// The table fitted to a terminal: generated rows at every width from 40 to 200 columns.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/display_width.h"
#include "detection/finding.h"
#include "service/table_layout.h"
#include "service/table_renderer.h"

using aihunt::core::displayColumns;
using aihunt::service::renderTable;
using aihunt::service::TableCell;
using aihunt::service::TableColumn;
using aihunt::service::TableLayoutOptions;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string randomText(std::mt19937& rng, std::size_t max_length) {
  static const std::vector<std::string> pieces = {"a", "b", "-", ".", "\xC3\xA9", "\xE6\x9D\xB1"};
  std::string out;
  const std::size_t length = 1 + rng() % max_length;
  for (std::size_t i = 0; i < length; ++i) out += pieces[rng() % pieces.size()];
  return out;
}

// The incidents table at every width from 80 to 200: each line fits, then `check(width, lines)`.
template <typename Check>
void atEveryWidth(const std::vector<aihunt::detection::Incident>& incidents, Check&& check) {
  aihunt::service::TableOptions options;
  for (std::size_t width = 80; width <= 200; ++width) {
    options.width = width;
    const auto out = lines(aihunt::service::renderIncidentsTable(incidents, options));
    REQUIRE(out.size() == incidents.size() + 1);
    INFO(width << "\n" << out[0] << "\n" << out[1] << "\n" << out[2] << "\n" << out[3]);
    for (const auto& line : out) CHECK(displayColumns(line) <= width);
    check(width, out);
  }
}

}  // namespace

TEST_CASE("every line fits the width; columns leave in rank order; --wide keeps every cell") {
  const std::vector<TableColumn> columns = {{"SEVERITY", 0, 0}, {"HOST", 6, 0},
                                            {"USER", 6, 0},     {"SOURCE IP", 0, 3},
                                            {"SIGNALS", 10, 5}, {"EVIDENCE", 8, 2}};
  std::mt19937 rng(80);
  std::vector<std::vector<TableCell>> rows;
  for (int i = 0; i < 30; ++i) {
    rows.push_back({{"high 70"},
                    {randomText(rng, 30)},
                    {randomText(rng, 20)},
                    {"10.1.4." + std::to_string(i)},
                    {randomText(rng, 40)},
                    {randomText(rng, 200)}});
  }
  for (std::size_t width = 40; width <= 200; ++width) {
    const auto out = lines(renderTable(columns, rows, TableLayoutOptions{width, false}));
    REQUIRE(out.size() == rows.size() + 1);
    for (const auto& line : out) {
      INFO(width << ": " << line);
      CHECK(displayColumns(line) <= width);
    }
    // The header shows whole words: a column is shown or left out, never half a header.
    const std::string& header = out.front();
    CHECK(header.find("SEVERITY") == 0);
    CHECK(header.find("HOST") != std::string::npos);
    CHECK(header.find("USER") != std::string::npos);
    // Signals (rank 5) go before the source IP (rank 3), which goes before the evidence (2).
    if (header.find("SOURCE IP") != std::string::npos) {
      CHECK(header.find("EVIDENCE") != std::string::npos);
    }
    if (header.find("SIGNALS") != std::string::npos) {
      CHECK(header.find("SOURCE IP") != std::string::npos);
    }
  }
  const auto wide = renderTable(columns, rows, TableLayoutOptions{40, true});
  for (const auto& row : rows) {
    for (const auto& cell : row) CHECK(wide.find(cell.text) != std::string::npos);
  }
  CHECK(wide.find("\xE2\x80\xA6") == std::string::npos);
}

TEST_CASE("colour wraps the cell's text only, so that columns stay aligned") {
  const std::vector<TableColumn> columns = {{"SEVERITY", 0, 0}, {"HOST", 0, 0}};
  const std::vector<std::vector<TableCell>> rows = {{{"high 70", "\x1b[31m"}, {"WS-1"}},
                                                    {{"low 5", "\x1b[36m"}, {"WS-2"}}};
  const auto out = lines(renderTable(columns, rows, TableLayoutOptions{80, false}));
  REQUIRE(out.size() == 3);
  CHECK(out[1] == "\x1b[31mhigh 70\x1b[0m   WS-1");
  CHECK(out[2] == "\x1b[36mlow 5\x1b[0m     WS-2");
}

TEST_CASE("server text reaches the table only through the terminal sanitiser") {
  aihunt::detection::Finding f;
  f.finding_id = "0123456789abcdef0123456789abcdef";
  f.event_time = "2026-11-26T09:14:03.000Z";
  f.username = "evil\x1b]0;owned\x07";
  f.host =
      "WS\xE2\x80\xAE"
      "1";  // a bidi override
  f.evidence = "line1\nline2\tend";
  aihunt::service::TableOptions options;
  options.view = aihunt::service::OutputView::kFindings;
  options.wide = true;
  const std::string table = aihunt::service::renderFindingsTable({&f}, options);
  CHECK(table.find('\x1b') == std::string::npos);
  CHECK(table.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(table.find("line1 line2 end") != std::string::npos);
  CHECK(lines(table).size() == 2);

  // An event time that could not be read is the event's own text: it is sanitised too, even
  // when its eleventh byte is the 'T' of a time aihunt writes (a review), in both tables.
  f.event_time = "\x1b]0;pwn\x07T\x1b[2JXXXXXXXXXXXX";
  const std::string shown = aihunt::service::renderFindingsTable({&f}, options);
  CHECK(shown.find('\x1b') == std::string::npos);
  CHECK(shown.find('\x07') == std::string::npos);
  aihunt::detection::Incident incident;
  incident.first_seen = f.event_time;
  options.view = aihunt::service::OutputView::kIncidents;
  const std::string folded = aihunt::service::renderIncidentsTable({incident}, options);
  CHECK(folded.find('\x1b') == std::string::npos);
  CHECK(folded.find('\x07') == std::string::npos);
}

TEST_CASE("who and what stay readable: other columns give way before a host or user is cut") {
  // Rows like the sample's: a Windows host and DOMAIN\user, an FQDN host, long evidence.
  std::vector<aihunt::detection::Incident> incidents;
  const std::vector<std::array<std::string, 4>> actors = {
      {"WS-FIN-0042", "CORP\\jdoe", "api.openai.com", "powershell"},
      {"WS-ENG-0412", "CORP\\bwayne", "api.anthropic.com", "anthropic-python"},
      {"build-07.lin.example.com", "svc-logsummary", "aihunt-embeddings.openai.azure.com", "java"}};
  for (const auto& [host, user, domain, process] : actors) {
    aihunt::detection::Incident& i = incidents.emplace_back();
    i.actor.host = host;
    i.actor.user_display = user;
    i.actor.source_ip = "10.20.30.15";
    i.domain = domain;
    i.process = process;
    i.sources = {"4104", "4688", "NGFW", "Sysmon 1", "Sysmon 3"};
    i.first_seen = "2026-11-26T09:14:03.000Z";
    i.finding_ids = {"a", "b"};
    i.evidence = std::string(150, 'e');
    i.severity = aihunt::detection::Severity::kCritical;
    i.risk_score = 90;
  }
  atEveryWidth(incidents, [&](std::size_t width, const std::vector<std::string>& out) {
    // A Windows host and DOMAIN\user are never cut, from 80 columns up.
    CHECK(out[1].find("WS-FIN-0042") != std::string::npos);
    CHECK(out[1].find("CORP\\jdoe") != std::string::npos);
    CHECK(out[2].find("WS-ENG-0412") != std::string::npos);
    CHECK(out[2].find("CORP\\bwayne") != std::string::npos);
    if (width >= 100) {
      // Every user, and the usual domain and process, whole.
      CHECK(out[3].find("svc-logsummary") != std::string::npos);
      CHECK(out[1].find("api.openai.com") != std::string::npos);
      CHECK(out[1].find("powershell") != std::string::npos);
    }
    if (width >= 120) CHECK(out[3].find("build-07.lin.example.com") != std::string::npos);
    // A what past its readable width (a 34-column Azure host) is cut before the evidence is.
    if (out[0].find("EVIDENCE") != std::string::npos &&
        out[3].find("aihunt-embeddings.openai.azure.com") != std::string::npos) {
      CHECK(out[1].find(std::string(150, 'e')) != std::string::npos);
    }
    // Before the who and the what are cut, the optional columns leave.
    const bool cut = out[1].find("api.openai.com") == std::string::npos ||
                     out[3].find("build-07.lin.example.com") == std::string::npos;
    if (cut) {
      CHECK(out[0].find("EVIDENCE") == std::string::npos);
      CHECK(out[0].find("SOURCE IP") == std::string::npos);
      CHECK(out[0].find("FINDINGS") == std::string::npos);
    }
  });
}

TEST_CASE("--show-suppressed: the exception is read like the what, the sources make room") {
  std::vector<aihunt::detection::Incident> incidents;
  const std::vector<std::array<std::string, 5>> rows = {
      {"WS-FIN-0042", "CORP\\jdoe", "api.openai.com", "powershell", ""},
      {"WS-ENG-0412", "CORP\\bwayne", "api.anthropic.com", "python", ""},
      {"ops-jump-02", "svc-logsummary", "opsgpt.openai.azure.com", "pwsh", "itops-log-summaries"}};
  for (const auto& [host, user, domain, process, exception] : rows) {
    aihunt::detection::Incident& i = incidents.emplace_back();
    i.actor.host = host;
    i.actor.user_display = user;
    i.domain = domain;
    i.process = process;
    if (!exception.empty()) i.exceptions = {exception};
    i.sources = {"endpoint-process", "endpoint-network"};
    i.first_seen = "2026-11-26T09:14:03.000Z";
    i.finding_ids = {"a"};
    i.severity = aihunt::detection::Severity::kMedium;
    i.risk_score = 50;
  }
  atEveryWidth(incidents, [&](std::size_t width, const std::vector<std::string>& out) {
    CHECK(out[0].find("EXCEPTION") != std::string::npos);
    // The who stay whole from 82 columns (at 80, an 11-column host loses its last character).
    if (width >= 82) {
      CHECK(out[1].find("WS-FIN-0042") != std::string::npos);
      CHECK(out[1].find("CORP\\jdoe") != std::string::npos);
    }
    if (width >= 100) CHECK(out[3].find("svc-logsummary") != std::string::npos);
    // The sources leave before the exception id is cut.
    if (out[3].find("itops-log-summaries") == std::string::npos) {
      CHECK(out[0].find("SOURCES") == std::string::npos);
    }
    if (width >= 130) CHECK(out[3].find("itops-log-summaries") != std::string::npos);
  });
}

TEST_CASE("a list cut to its column keeps its first item's start and how many more follow") {
  std::vector<aihunt::detection::Incident> incidents;
  for (const std::vector<std::string>& sources : std::vector<std::vector<std::string>>{
           {"Sysmon 1", "Sysmon 3", "proxy"}, {"proxy"}, {"\xE6\x9D\xB1\xE6\x9D\xB1", "x"}}) {
    aihunt::detection::Incident& i = incidents.emplace_back();
    i.actor.host = "WS-FIN-0042";
    i.actor.user_display = "CORP\\jdoe";
    i.domain = "api.openai.com";
    i.process = "powershell";
    i.sources = sources;
    i.first_seen = "2026-11-26T09:14:03.000Z";
    i.finding_ids = {"a"};
  }
  std::size_t counted = 0;
  atEveryWidth(incidents, [&](std::size_t width, const std::vector<std::string>& out) {
    const std::size_t at = out[0].find("SOURCES");
    if (at == std::string::npos) return;
    const std::string cell = out[1].substr(at, out[1].find("  ", at) - at);
    INFO(width << ": " << cell);
    if (cell == "Sysmon 1,Sysmon 3,proxy") return;
    // Cut: the first item's start, then the count of the others, never a cut inside the list.
    ++counted;
    CHECK(cell.size() >= 4);
    CHECK(cell.substr(cell.size() - 3) == " +2");
    CHECK(cell.rfind("Sys", 0) == 0);
    CHECK(cell.find(',') == std::string::npos);
    // One item: cut (or whole) as before, with no count.
    CHECK(out[2].find("+") == std::string::npos);
    // A wide first character that does not fit beside the ellipsis: the plain cut, never a
    // count after nothing.
    CHECK(out[3].substr(at).rfind("\xE2\x80\xA6 +1", 0) == std::string::npos);
  });
  CHECK(counted > 0);
}

TEST_CASE("a table whose run was stopped while it was built is not printed") {
  std::atomic<bool> stop{false};
  aihunt::service::TableOptions options;
  options.stop = &stop;
  for (const bool stopped : {false, true}) {
    stop = stopped;
    std::FILE* out = std::tmpfile();
    REQUIRE(out != nullptr);
    auto writer = aihunt::service::makeTableWriter(out, options, 0);
    aihunt::detection::Finding finding;
    finding.host = "WS-FIN-0042";
    finding.event_time = "2026-11-26T09:14:03.000Z";
    REQUIRE(writer->write(finding).ok());
    const auto finished = writer->finish();
    std::fflush(out);
    const long written = std::ftell(out);
    std::fclose(out);
    INFO("stopped " << stopped);
    if (stopped) {
      REQUIRE_FALSE(finished.ok());
      CHECK(finished.error().code == aihunt::core::ErrorCode::kCancelled);
      CHECK(written == 0);
    } else {
      CHECK(finished.ok());
      CHECK(written > 0);
    }
  }
}

#include "tests/integration/daemon_support.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/time.h"
#include "tests/support/background_process.h"

namespace aihunt::testing {

using nlohmann::json;

std::string proxyEvent(std::int64_t at) {
  json event = json::parse(
      R"({"sourceip": "10.1.4.21", "destinationip": "162.159.140.245", "destinationport": 443,
          "username": "jdoe", "category": 7006, "logsourceid": 102, "devicetype": 103,
          "qid": 5002001, "Application": "powershell.exe",
          "URL": "https://api.openai.com/v1/models",
          "User Agent": "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4894",
          "Bytes Sent": 612, "Hostname": "WS-FIN-0193"})");
  event["starttime"] = at;
  return event.dump();
}

std::vector<std::string> sampleData() {
  return {"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
          sourcePath("content/samples/qradar_lookups.json")};
}

std::int64_t ms(const std::string& iso) {
  auto parsed = aihunt::core::parseTimestamp(iso);
  REQUIRE(parsed.ok());
  return *parsed;
}

std::string iso(std::int64_t at) { return aihunt::core::formatIso8601(at); }

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void RunDir::write(const std::string& extra) const {
  const std::string temp = config + ".new";
  std::ofstream(temp) << qradar << "outputs:\n  jsonl:\n    path: findings.jsonl\n"
                      << "state:\n  path: state.db\n"
                      << extra;
  std::rename(temp.c_str(), config.c_str());
}

std::string withLines(const std::string& hunt, const std::string& lines) {
  const std::size_t eol = hunt.find('\n');
  return hunt.substr(0, eol + 1) + lines + hunt.substr(eol + 1);
}

RunDir makeRunDir(const RunningEmu& emu, const std::string& temp_prefix, const std::string& token,
                  const std::string& qradar_keys, const std::string& extra) {
  RunDir run;
  run.dir = makeTempDir(temp_prefix);
  run.token = token;
  const std::string token_file = run.path("token");
  std::ofstream(token_file) << token;
  ::chmod(token_file.c_str(), 0600);
  run.config = run.path("aihunt.yaml");
  run.qradar = "qradar:\n  url: " + emu.base() + "\n  token_file: " + token_file + "\n" +
               qradar_keys + "  tls:\n    ca_file: " + emu.caFile() + "\n";
  run.write(extra);
  return run;
}

std::vector<std::string> runArgs(const RunDir& run, const std::string& now,
                                 const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"run", "-c", run.config, "--once", "--now", now};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

ProcessResult runOnce(const RunDir& run, const std::string& now,
                      const std::vector<std::string>& extra) {
  ProcessResult result = runProcess(binaryPath("aihunt"), runArgs(run, now, extra), {}, 60);
  INFO(result.err);
  CHECK(result.out.find(run.token) == std::string::npos);
  CHECK(result.err.find(run.token) == std::string::npos);
  return result;
}

std::vector<std::string> huntTableLines(const std::string& out) {
  std::vector<std::string> below;
  std::istringstream lines(out);
  std::string line;
  bool in_table = false;
  while (std::getline(lines, line)) {
    if (line.rfind("HUNT ", 0) == 0) {
      in_table = true;
      continue;
    }
    if (in_table) below.push_back(line);
  }
  return below;
}

std::map<std::string, TableRow> parseTable(const std::string& out) {
  std::map<std::string, TableRow> table;
  for (const std::string& line : huntTableLines(out)) {
    if (line.rfind("delivered", 0) == 0 || line.rfind("state: ", 0) == 0) break;
    std::istringstream fields(line);
    std::string name;
    TableRow row;
    fields >> name >> row.windows >> row.rows >> row.findings >> row.repeats >> row.gaps;
    std::getline(fields >> std::ws, row.status);
    if (!name.empty()) table[name] = row;
  }
  return table;
}

std::map<std::string, LedgerRow> stateShow(const RunDir& run) {
  const ProcessResult shown =
      runProcess(binaryPath("aihunt"), {"state", "show", "--state", run.state()}, {}, 30);
  INFO(shown.out << shown.err);
  REQUIRE(shown.exit_code == 0);
  std::map<std::string, LedgerRow> hunts;
  for (const std::string& line : huntTableLines(shown.out)) {
    if (line.rfind("outbox ", 0) == 0) continue;
    std::istringstream fields(line);
    std::string name;
    LedgerRow row;
    std::uint64_t findings = 0;
    std::uint64_t repeats = 0;
    if (fields >> name >> row.from >> row.to >> row.windows >> findings >> repeats >> row.gaps) {
      hunts[name] = row;
    }
  }
  return hunts;
}

std::size_t Findings::count(const std::string& event_time) const {
  std::size_t n = 0;
  for (const auto& row : rows) n += row.value("event_time", "") == event_time ? 1 : 0;
  return n;
}

Findings readFindings(const std::string& path) {
  Findings out;
  const std::string text = readFile(path);
  out.torn = !text.empty() && text.back() != '\n';
  if (out.torn) out.problem = "the last line is torn (no line feed)";
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const json row = json::parse(line, nullptr, false);
    if (row.is_discarded() || !row.is_object() || !row.contains("finding_id") ||
        !row["finding_id"].is_string()) {
      out.problem = "line " + std::to_string(number) + " is not a finding: " + line;
      ++out.not_findings;
      continue;
    }
    out.ids.insert(row["finding_id"].get<std::string>());
    out.rows.push_back(row);
  }
  return out;
}

void setEmuClock(RunningEmu& emu, std::int64_t at) {
  const auto reply = emu.admin("POST", "/admin/clock?now=" + std::to_string(at));
  REQUIRE(reply.status == 200);
}

void addEvents(RunningEmu& emu, const std::vector<std::int64_t>& times) {
  std::string body;
  for (const std::int64_t at : times) body += proxyEvent(at) + "\n";
  const auto reply = emu.admin("POST", "/admin/events", body);
  INFO(reply.body);
  REQUIRE(reply.status == 200);
}

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit,
               std::chrono::milliseconds poll) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(poll);
  }
  return done();
}

HttpReply httpGet(const std::string& url) {
  HttpCall call;
  call.url = url;
  call.timeout_ms = 5000;
  return perform(call);
}

std::string serverBase(BackgroundProcess& daemon) {
  const std::string marker = "health and metrics on 127.0.0.1:";
  const bool up = waitUntil([&] { return daemon.err().find(marker) != std::string::npos; },
                            std::chrono::seconds(20), std::chrono::milliseconds(100));
  INFO(daemon.err());
  REQUIRE(up);
  const std::string err = daemon.err();
  return "http://127.0.0.1:" +
         std::to_string(std::stoi(err.substr(err.find(marker) + marker.size())));
}

}  // namespace aihunt::testing

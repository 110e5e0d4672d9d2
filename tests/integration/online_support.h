#pragma once
// What the QRadar-fidelity integration tests share: the emulator config with aihunt's token, the
// sample data, running `aihunt` at trace level (no output may hold the token), the emulator's
// request log, and findings reduced to comparable keys.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/emulator/emu_fixture.h"
#include "tests/support/process_runner.h"

namespace aihunt::testing::online {

inline constexpr const char* kToken = "5f0e2c1a-7b3d-4e8f-9a6b-1c2d3e4f5a6b";

// aihunt's token (a hunter), the admin token, and `extra` appended (more top-level keys).
inline std::string emuConfig(const std::string& extra = {}) {
  return std::string("tokens:\n  - {token: ") + kToken +
         ", user: aihunt, role: hunter}\nadmin_token: admin-token-0003\n" + extra;
}

inline std::vector<std::string> sampleData() {
  return {"--events", sourcePath("content/samples/events.jsonl"), "--lookups",
          sourcePath("content/samples/qradar_lookups.json")};
}

inline std::vector<std::string> concat(std::vector<std::string> a,
                                       const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// `aihunt hunt` at the sample data's now, JSON Lines out, against `emu` over TLS.
inline std::vector<std::string> huntArgs(const RunningEmu& emu,
                                         const std::vector<std::string>& extra = {}) {
  return concat({"hunt", "--now", kSampleNow, "--format", "jsonl", "--qradar-url", emu.base(),
                 "--ca-file", emu.caFile(), "--retry-delay", "20ms", "--poll-delay", "20ms"},
                extra);
}

inline ProcessResult runAihunt(const std::vector<std::string>& args, int timeout_seconds = 60) {
  std::vector<std::string> all = args;
  all.insert(all.end(), {"--log-level", "trace"});
  ProcessResult result = runProcess(binaryPath("aihunt"), all, {}, timeout_seconds,
                                    {std::string("AIHUNT_QRADAR_TOKEN=") + kToken});
  INFO(result.err);
  CHECK(result.out.find(kToken) == std::string::npos);
  CHECK(result.err.find(kToken) == std::string::npos);
  return result;
}

// The emulator's request log: [{seq, method, target, headers, status, duration_us, ...}].
inline nlohmann::json requestLog(RunningEmu& emu) {
  return parseJson(emu.admin("GET", "/admin/requests?limit=100000").body)["requests"];
}

inline int countRequests(const nlohmann::json& log, const std::string& method,
                         const std::string& target_prefix) {
  int n = 0;
  for (const auto& r : log) {
    if (r["method"] == method && r["target"].get<std::string>().rfind(target_prefix, 0) == 0) ++n;
  }
  return n;
}

inline int countTarget(const nlohmann::json& log, const std::string& method,
                       const std::string& target) {
  int n = 0;
  for (const auto& r : log) n += r["method"] == method && r["target"] == target ? 1 : 0;
  return n;
}

// Findings as "hunt|finding_id" keys (a multiset: duplicates show).
inline std::multiset<std::string> findingKeys(const std::string& jsonl) {
  std::multiset<std::string> out;
  std::istringstream lines(jsonl);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const nlohmann::json f = nlohmann::json::parse(line);
    out.insert(f["hunt"].get<std::string>() + "|" + f["finding_id"].get<std::string>());
  }
  return out;
}

}  // namespace aihunt::testing::online

// What `config check`, `check` and `run` must find wrong before anything is hunted: a state folder
// aihunt cannot write, no console URL, a pinned API version aihunt does not speak. Found by `run`
// instead, each failed every cycle of a daemon whose /readyz said the config was fine.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/aihunt_cli.h"

using aihunt::testing::binaryPath;
using aihunt::testing::ProcessResult;
using aihunt::testing::runAihunt;
using aihunt::testing::runProcess;

namespace {

namespace fs = std::filesystem;

// A folder for one case, readable by everyone (the unprivileged runs below read it).
struct CaseDir {
  explicit CaseDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("aihunt_preflight_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path / "state");
    fs::permissions(path, fs::perms::all);
    fs::permissions(path / "state", fs::perms::all);
    std::ofstream(path / "token") << "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n";
    ::chmod((path / "token").c_str(), 0600);
  }
  ~CaseDir() {
    std::error_code ignored;
    fs::permissions(path / "state", fs::perms::all, ignored);
    fs::remove_all(path, ignored);
  }
  CaseDir(const CaseDir&) = delete;
  CaseDir& operator=(const CaseDir&) = delete;

  // The URL names a port where nothing listens: every check here comes before any request.
  [[nodiscard]] std::string config(const std::string& qradar_lines) const {
    const std::string file = (path / "aihunt.yaml").string();
    std::ofstream(file) << "qradar:\n"
                        << qradar_lines << "  token_file: " << (path / "token").string() << "\n"
                        << "outputs:\n  jsonl:\n    path: "
                        << (path / "state/findings.jsonl").string()
                        << "\nstate:\n  path: " << (path / "state/state.db").string() << "\n";
    ::chmod(file.c_str(), 0644);
    return file;
  }

  fs::path path;
};

constexpr const char* kUrl = "  url: https://127.0.0.1:9\n";

// aihunt as a user who does not own `dir`: as root (CI), through setpriv as nobody, whose token
// file is then unreadable too, so the token comes from the environment.
ProcessResult runUnprivileged(const std::vector<std::string>& args) {
  const std::vector<std::string> env = {"AIHUNT_QRADAR_TOKEN=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"};
  if (::geteuid() != 0) return runProcess(binaryPath("aihunt"), args, {}, 60, env);
  std::vector<std::string> wrapped = {"--reuid=65534", "--regid=65534", "--clear-groups",
                                      binaryPath("aihunt")};
  wrapped.insert(wrapped.end(), args.begin(), args.end());
  return runProcess("/usr/bin/setpriv", wrapped, {}, 60, env);
}

}  // namespace

TEST_CASE("a state folder aihunt cannot write fails config check and check, before run does") {
  const CaseDir dir("readonly");
  const std::string config = dir.config(kUrl);
  // Writable: the checks pass (the baseline the read-only case departs from).
  const ProcessResult writable = runUnprivileged({"config", "check", config});
  INFO(writable.err);
  CHECK(writable.exit_code == 0);

  // Read-only for everyone but root (0555): the unprivileged user cannot add files there.
  fs::permissions(dir.path / "state", fs::perms::owner_read | fs::perms::owner_exec |
                                          fs::perms::group_read | fs::perms::group_exec |
                                          fs::perms::others_read | fs::perms::others_exec);
  const ProcessResult checked = runUnprivileged({"config", "check", config});
  INFO(checked.err);
  CHECK(checked.exit_code == 2);
  CHECK(checked.err.find(": state.path: ") != std::string::npos);
  CHECK(checked.err.find(": outputs.jsonl.path: ") != std::string::npos);
  CHECK(checked.out.empty());

  // `aihunt check` names it as a warning (it may run on another machine than the daemon).
  const ProcessResult check = runUnprivileged({"check", "-c", config, "--format", "json"});
  INFO(check.out);
  bool warned = false;
  const nlohmann::json document = nlohmann::json::parse(check.out);
  for (const auto& item : document["checks"]) {
    warned = warned || (item["status"] == "warn" &&
                        item["detail"].get<std::string>().find("state.path") != std::string::npos);
  }
  CHECK(warned);

  // And run: a state error (exit 5), with what to check.
  const ProcessResult run = runUnprivileged({"run", "--once", "-c", config});
  INFO(run.err);
  CHECK(run.exit_code == 5);
  CHECK(run.err.find("owner and permissions") != std::string::npos);
}

TEST_CASE("a state lock left by a run as another user fails config check, and run says why") {
  const CaseDir dir("lock");
  const std::string config = dir.config(kUrl);
  // Root's lock file (0600), or, run unprivileged already, one with no permissions at all.
  const fs::path lock = dir.path / "state/state.db.lock";
  std::ofstream(lock) << "";
  fs::permissions(
      lock, ::geteuid() == 0 ? fs::perms::owner_read | fs::perms::owner_write : fs::perms::none);
  const ProcessResult checked = runUnprivileged({"config", "check", config});
  INFO(checked.err);
  CHECK(checked.exit_code == 2);
  // Named by its real path (a TMPDIR reached through a link shows where the lock really is).
  CHECK(checked.err.find(": state.path: '" + fs::canonical(lock).string() + "' is not writable") !=
        std::string::npos);

  const ProcessResult run = runUnprivileged({"run", "--once", "-c", config});
  INFO(run.err);
  CHECK(run.exit_code == 5);
  CHECK(run.err.find("belongs to another user") != std::string::npos);
  CHECK(run.err.find("give them all to this user") != std::string::npos);
  fs::permissions(lock, fs::perms::owner_all);

  // The same for the state file itself (no lock left): run names what to check.
  fs::remove(lock);
  const fs::path state = dir.path / "state/state.db";
  std::ofstream(state) << "";
  fs::permissions(
      state, ::geteuid() == 0 ? fs::perms::owner_read | fs::perms::owner_write : fs::perms::none);
  const ProcessResult unreadable = runUnprivileged({"run", "--once", "-c", config});
  INFO(unreadable.err);
  CHECK(unreadable.exit_code == 5);
  CHECK(unreadable.err.find("check its owner and permissions") != std::string::npos);
  fs::permissions(state, fs::perms::owner_all);

  // A state file of aihunt's user, beside a -wal and a -shm file that another user left (a
  // check run as root after a restore): the error names the file to give back.
  fs::remove(state);
  const ProcessResult made = runUnprivileged({"run", "--once", "-c", config});
  INFO(made.err);
  REQUIRE(fs::exists(state));  // made before the console was tried
  for (const char* suffix : {"-wal", "-shm"}) {
    const fs::path beside = dir.path / ("state/state.db" + std::string(suffix));
    std::ofstream(beside) << "";
    fs::permissions(beside, ::geteuid() == 0 ? fs::perms::owner_read | fs::perms::owner_write
                                             : fs::perms::none);
  }
  const ProcessResult companions = runUnprivileged({"run", "--once", "-c", config});
  INFO(companions.err);
  CHECK(companions.exit_code == 5);
  CHECK(companions.err.find("may not read and write " + state.string() + "-") != std::string::npos);
  CHECK(companions.err.find("check its owner and permissions") != std::string::npos);
}

TEST_CASE("a daemon without a console URL stops at once (exit 2) and config check warns") {
  const CaseDir dir("nourl");
  const std::string config = dir.config("");
  const ProcessResult checked = runAihunt({"config", "check", config});
  INFO(checked.err);
  CHECK(checked.exit_code == 0);  // --qradar-url may give it
  CHECK(checked.err.find("qradar.url") != std::string::npos);

  // The daemon itself (not --once): it used to fail every cycle for ever (here: until the
  // runner's time limit, exit -1).
  const ProcessResult daemon = runAihunt({"run", "-c", config});
  INFO(daemon.err);
  CHECK(daemon.exit_code == 2);
  CHECK(daemon.err.find("--qradar-url") != std::string::npos);
  CHECK(daemon.err.find("--offline") == std::string::npos);  // run has no such option
  // Refused before the state was touched: no state file was made. Nor by backfill and
  // hunt --deliver, which hunt on the console too.
  CHECK_FALSE(fs::exists(dir.path / "state/state.db"));
  const ProcessResult backfill =
      runAihunt({"backfill", "-c", config, "--hunt", "proxy-ai-api", "--from",
                 "2026-11-26T00:00:00Z", "--to", "2026-11-26T01:00:00Z"});
  CHECK(backfill.exit_code == 2);
  const ProcessResult deliver = runAihunt({"hunt", "--deliver", "-c", config});
  CHECK(deliver.exit_code == 2);
  CHECK(deliver.err.find("--offline") != std::string::npos);  // hunt has it
  CHECK_FALSE(fs::exists(dir.path / "state/state.db"));
}

TEST_CASE("a daemon whose console CA file is missing stops at once (exit 2), as config check") {
  const CaseDir dir("noca");
  const std::string missing = (dir.path / "no-such-ca.pem").string();
  const std::string config =
      dir.config(std::string(kUrl) + "  tls:\n    ca_file: " + missing + "\n");
  const ProcessResult checked = runAihunt({"config", "check", config});
  CHECK(checked.exit_code == 2);
  // The daemon used to start and log the same error every cycle.
  const ProcessResult daemon = runAihunt({"run", "-c", config});
  INFO(daemon.err);
  CHECK(daemon.exit_code == 2);
  CHECK(daemon.err.find(missing) != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "state/state.db"));
}

TEST_CASE("a state path under a file says the file is in the way") {
  const CaseDir dir("underfile");
  std::ofstream(dir.path / "afile") << "x";
  const std::string file = (dir.path / "aihunt.yaml").string();
  std::ofstream(file) << "state:\n  path: " << (dir.path / "afile/state.db").string() << "\n";
  const ProcessResult online = runAihunt({"config", "check", file});
  INFO(online.err);
  CHECK(online.exit_code == 2);
  CHECK(online.err.find("is not a folder (a file is in the way)") != std::string::npos);
}

TEST_CASE("a findings file path that names a folder fails config check, before delivery does") {
  // A trial: config check said OK, and every delivery failed with "Is a directory".
  const CaseDir dir("jsonldir");
  const std::string config = dir.config(kUrl);
  fs::create_directories(dir.path / "state/findings.jsonl");
  const ProcessResult checked = runAihunt({"config", "check", config});
  INFO(checked.err);
  CHECK(checked.exit_code == 2);
  CHECK(checked.err.find("outputs.jsonl.path: '" + (dir.path / "state/findings.jsonl").string() +
                         "' is a folder; the findings file must be a file") != std::string::npos);
}

TEST_CASE("a pinned API version aihunt does not speak is refused by config check, check and run") {
  const CaseDir dir("version");
  for (const std::string version : {"19.0", "99.0"}) {
    const std::string config =
        dir.config(std::string(kUrl) + "  api_version: \"" + version + "\"\n");
    const ProcessResult checked = runAihunt({"config", "check", config});
    INFO(checked.err);
    CHECK(checked.exit_code == 2);
    CHECK(checked.err.find("qradar.api_version") != std::string::npos);
    CHECK(checked.err.find("20.0 to 26.0") != std::string::npos);
    const ProcessResult run = runAihunt({"run", "--once", "-c", config});
    CHECK(run.exit_code == 2);
    const ProcessResult pinned =
        runAihunt({"check", "-c", dir.config(kUrl), "--api-version", version});
    CHECK(pinned.exit_code == 2);
    CHECK(pinned.out.find("20.0 to 26.0") != std::string::npos);
  }
  // Not a version at all: said as such.
  const ProcessResult garbled =
      runAihunt({"check", "-c", dir.config(kUrl), "--api-version", "abc"});
  CHECK(garbled.exit_code == 2);
  CHECK(garbled.out.find("'abc' is not a version") != std::string::npos);

  // Every error at once: a token file missing here does not hide the pin's.
  const std::string config = dir.config(std::string(kUrl) + "  api_version: \"99.0\"\n");
  std::filesystem::remove(dir.path / "token");
  const ProcessResult both = runAihunt({"config", "check", config});
  INFO(both.err);
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("qradar.token_file") != std::string::npos);
  CHECK(both.err.find("qradar.api_version") != std::string::npos);
}

TEST_CASE("config check says the schema's errors, the pin's and the missing folders in one run") {
  const CaseDir dir("all_at_once");
  const std::string config = (dir.path / "all.yaml").string();
  std::ofstream(config) << "qradar:\n"
                        << kUrl << "  api_version: \"99.0\"\n  max_concurent_searches: 3\n"
                        << "  token_file: " << (dir.path / "token").string() << "\n"
                        << "outputs:\n  jsonl:\n    path: "
                        << (dir.path / "gone/findings.jsonl").string()
                        << "\nstate:\n  path: ./no-such-folder/state.db\n"
                        << "server: {enabled: true, listen: 9464}\n";
  const ProcessResult checked = runAihunt({"config", "check", config});
  INFO(checked.err);
  CHECK(checked.exit_code == 2);
  for (const char* key : {"qradar.max_concurent_searches", "server.listen", "qradar.api_version",
                          "outputs.jsonl.path", "state.path"}) {
    CHECK(checked.err.find(std::string(": ") + key + ": ") != std::string::npos);
  }
  CHECK(checked.err.find("5 error(s)") != std::string::npos);
  // The state folder as written beside the file, without a doubled "./".
  CHECK(checked.err.find("'" + dir.path.string() + "/no-such-folder'") != std::string::npos);
}

TEST_CASE("a bad AIHUNT_QRADAR_TOKEN does not hide the qradar keys' own errors") {
  const CaseDir dir("bad_env_token");
  const std::string config = dir.config(std::string(kUrl) + "  api_version: \"99.0\"\n" +
                                        "  tls:\n    ca_file: /nonexistent/ca.pem\n");
  // The variable names a file: a mistake said as such, under the key "qradar".
  const ProcessResult checked =
      runProcess(binaryPath("aihunt"), {"config", "check", config}, {}, 60,
                 {"AIHUNT_QRADAR_TOKEN=" + (dir.path / "token").string()});
  INFO(checked.err);
  CHECK(checked.exit_code == 2);
  CHECK(checked.err.find("names a file on this machine") != std::string::npos);
  CHECK(checked.err.find("qradar.api_version") != std::string::npos);
  CHECK(checked.err.find("qradar.tls.ca_file") != std::string::npos);
}

TEST_CASE("config check --offline does not suggest --offline") {
  const CaseDir dir("hint");
  const std::string config =
      dir.config(std::string(kUrl) + "  tls:\n    ca_file: /nonexistent.pem\n");
  const ProcessResult here = runAihunt({"config", "check", config});
  CHECK(here.exit_code == 2);
  CHECK(here.err.find("add --offline") != std::string::npos);  // a file of this machine's
  // A config error that is no machine's (ca_file only applies to TLS), --offline given.
  std::ofstream(config) << "qradar:\n"
                        << kUrl
                        << "outputs:\n  leef:\n    enabled: true\n    host: h\n"
                           "    protocol: tcp\n    ca_file: ca.pem\n";
  const ProcessResult offline = runAihunt({"config", "check", "--offline", config});
  INFO(offline.err);
  CHECK(offline.exit_code == 2);
  CHECK(offline.err.find("add --offline") == std::string::npos);
  // Without --offline neither, the token found: --offline would say the same error (a
  // newcomer's trial).
  const ProcessResult same =
      runProcess(binaryPath("aihunt"), {"config", "check", config}, {}, 60,
                 {"AIHUNT_QRADAR_TOKEN=5f0e2c1a-7b3d-4e8f-9a6b-1c2d3e4f5a6b"});
  INFO(same.err);
  CHECK(same.exit_code == 2);
  CHECK(same.err.find("ca_file only applies") != std::string::npos);
  CHECK(same.err.find("add --offline") == std::string::npos);
  // A token file that is here but readable by others is as wrong on any machine (a trial).
  const std::string open_token = dir.config(kUrl);
  ::chmod((dir.path / "token").c_str(), 0644);
  const ProcessResult loose = runAihunt({"config", "check", open_token});
  INFO(loose.err);
  CHECK(loose.exit_code == 2);
  CHECK(loose.err.find("can be read by group or others") != std::string::npos);
  CHECK(loose.err.find("add --offline") == std::string::npos);
  // Not here at all: it may be on the machine the file is for.
  fs::remove(dir.path / "token");
  const ProcessResult absent = runAihunt({"config", "check", open_token});
  INFO(absent.err);
  CHECK(absent.exit_code == 2);
  CHECK(absent.err.find("add --offline") != std::string::npos);
}

TEST_CASE("config check warns when state.path is left to the working directory") {
  // A review: runs started in other folders kept other ledgers, each raising every finding.
  const CaseDir dir("nostate");
  const std::string file = (dir.path / "aihunt.yaml").string();
  std::ofstream(file) << "qradar:\n  url: https://127.0.0.1:1\n  token_file: "
                      << (dir.path / "token").string() << "\noutputs:\n  jsonl:\n    path: "
                      << (dir.path / "state/findings.jsonl").string() << "\n";
  const ProcessResult unset = runAihunt({"config", "check", file});
  INFO(unset.err);
  CHECK(unset.exit_code == 0);
  CHECK(unset.err.find("state.path: not set") != std::string::npos);
  CHECK(unset.out.find("1 warning(s)") != std::string::npos);
  std::ofstream(file, std::ios::app)
      << "state:\n  path: " << (dir.path / "state/state.db").string() << "\n";
  const ProcessResult set = runAihunt({"config", "check", file});
  INFO(set.err);
  CHECK(set.exit_code == 0);
  CHECK(set.err.find("state.path") == std::string::npos);
  CHECK(set.out.find("0 warning(s)") != std::string::npos);
}

TEST_CASE("config check refuses a hunt that every run would refuse: it maps nothing to search") {
  // A trial: config check passed it, and aql, hunt and run --once each failed on it.
  const CaseDir dir("nothing");
  const std::string file = (dir.path / "aihunt.yaml").string();
  std::ofstream(file) << "hunts:\n  - name: h1\n    schedule: {every: 15m}\n";
  const ProcessResult checked = runAihunt({"config", "check", "--offline", file});
  INFO(checked.err);
  CHECK(checked.exit_code == 2);
  CHECK(checked.err.find("hunts[0]: hunt 'h1' maps none of url") != std::string::npos);
  std::ofstream(file) << "hunts:\n  - name: h1\n    fields: {url: URL}\n";
  const ProcessResult fixed = runAihunt({"config", "check", "--offline", file});
  INFO(fixed.err);
  CHECK(fixed.exit_code == 0);
}

TEST_CASE("config check says its errors in the file's order") {
  // A trial: the sections' readers' order came through (line 5 before line 2).
  const CaseDir dir("order");
  const std::string file = (dir.path / "aihunt.yaml").string();
  std::ofstream(file) << "state:\n  retention: 1s\nqradar:\n  url: https://x\n  tokn_file: a\n"
                         "logging:\n  level: loud\n";
  const ProcessResult checked = runAihunt({"config", "check", "--offline", file});
  INFO(checked.err);
  CHECK(checked.exit_code == 2);
  const std::size_t state = checked.err.find(file + ":2:");
  const std::size_t qradar = checked.err.find(file + ":5:");
  const std::size_t logging = checked.err.find(file + ":7:");
  REQUIRE(state != std::string::npos);
  REQUIRE(qradar != std::string::npos);
  REQUIRE(logging != std::string::npos);
  CHECK(state < qradar);
  CHECK(qradar < logging);
}

TEST_CASE(
    "a config whose outputs name no destination: config check warns, hunt --deliver refuses") {
  // Findings recorded with nowhere to go are raised: a destination added later never gets them.
  const CaseDir dir("nodest");
  const std::string file = (dir.path / "aihunt.yaml").string();
  std::ofstream(file) << "qradar:\n  url: https://127.0.0.1:9\n  token_file: "
                      << (dir.path / "token").string()
                      << "\nstate:\n  path: " << (dir.path / "state/state.db").string() << "\n";
  const ProcessResult checked = runAihunt({"config", "check", file});
  INFO(checked.err);
  CHECK(checked.exit_code == 0);
  CHECK(checked.err.find(": outputs: no destination") != std::string::npos);
  CHECK(checked.out.find("1 warning(s)") != std::string::npos);
  const ProcessResult delivered = runAihunt({"hunt", "--deliver", "-c", file});
  INFO(delivered.err);
  CHECK(delivered.exit_code == 2);
  CHECK(delivered.err.find("--deliver: the config's outputs name no destination") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "state/state.db"));  // nothing recorded
  std::ofstream(file, std::ios::app) << "outputs:\n  leef:\n    enabled: true\n    host: "
                                        "127.0.0.1\n    port: 9\n    protocol: tls\n";
  const ProcessResult leef = runAihunt({"config", "check", file});
  INFO(leef.err);
  CHECK(leef.exit_code == 0);
  CHECK(leef.err.find("outputs") == std::string::npos);
  CHECK(leef.out.find("0 warning(s)") != std::string::npos);
}

TEST_CASE("config check counts the hunts turned off apart") {
  // A trial: "OK (2 hunt(s)" read as two hunts running where one was turned off.
  const CaseDir dir("off");
  const std::string file = (dir.path / "aihunt.yaml").string();
  std::ofstream(file) << "hunts:\n  - name: h1\n    fields: {url: URL}\n  - name: h2\n"
                         "    enabled: false\n    fields: {url: URL}\n";
  const ProcessResult checked = runAihunt({"config", "check", "--offline", file});
  INFO(checked.err);
  CHECK(checked.exit_code == 0);
  CHECK(checked.out.find("OK (2 hunt(s), 1 turned off, 0 exception(s)") != std::string::npos);
}

TEST_CASE("server.ready_within below 5 s is refused") {
  // Shorter, the probe would ask a silent console every tick.
  const CaseDir dir("ready");
  const std::string file = (dir.path / "aihunt.yaml").string();
  std::ofstream(file) << "hunts:\n  - name: h1\n    fields: {url: URL}\nserver:\n  enabled: true\n"
                         "  ready_within: 4s\n";
  const ProcessResult checked = runAihunt({"config", "check", "--offline", file});
  INFO(checked.err);
  CHECK(checked.exit_code == 2);
  CHECK(checked.err.find("server.ready_within") != std::string::npos);
  std::ofstream(file, std::ios::trunc) << "hunts:\n  - name: h1\n    fields: {url: URL}\n"
                                          "server:\n  enabled: true\n  ready_within: 5s\n";
  CHECK(runAihunt({"config", "check", "--offline", file}).exit_code == 0);
}

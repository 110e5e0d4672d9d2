// docker/Dockerfile without a Docker engine: the build stage runs the scripts CI runs, and the
// runtime stage holds only the listed files, as a numeric non-root user, with the health check,
// entrypoint and labels the deployment docs promise.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tests/deploy/manifest_reader.h"

using aihunt::testing::DockerInstruction;
using aihunt::testing::DockerStage;
using aihunt::testing::dockerStages;
using aihunt::testing::readSourceFile;

namespace {

const DockerStage& stage(const std::vector<DockerStage>& stages, const std::string& name) {
  for (const auto& s : stages) {
    if (s.name == name) return s;
  }
  FAIL("no stage " << name);
  throw std::logic_error("unreachable");
}

std::vector<std::string> arguments(const DockerStage& s, const std::string& keyword) {
  std::vector<std::string> out;
  for (const auto& instruction : s.instructions) {
    if (instruction.keyword == keyword) out.push_back(instruction.arguments);
  }
  return out;
}

// Every "scripts/NAME" a text invokes.
std::set<std::string> scriptsCalled(const std::string& text) {
  std::set<std::string> out;
  const std::regex script(R"((^|[\s;&|(])(scripts/[a-z0-9-]+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), script);
       it != std::sregex_iterator(); ++it) {
    out.insert((*it)[2].str());
  }
  return out;
}

}  // namespace

TEST_CASE("the Dockerfile has a build stage and a runtime stage on Debian 12 slim") {
  const auto stages = dockerStages();
  REQUIRE(stages.size() == 2);
  CHECK(stages[0].name == "build");
  CHECK(stages[1].name == "runtime");
  CHECK(readSourceFile("docker/Dockerfile").find("ARG DEBIAN_IMAGE=debian:12-slim") !=
        std::string::npos);
}

TEST_CASE("the build stage runs exactly the scripts CI runs, with the release preset") {
  const auto stages = dockerStages();
  std::string runs;
  for (const auto& run : arguments(stage(stages, "build"), "RUN")) runs += run + "\n";
  const std::set<std::string> expected = {"scripts/install-deps", "scripts/build"};
  CHECK(scriptsCalled(runs) == expected);
  CHECK(runs.find("scripts/build release") != std::string::npos);
  CHECK(runs.find("-DAIHUNT_BENCH=OFF") != std::string::npos);  // the image needs no benchmarks
  // CI (.ci/run -> scripts/test) builds through the same two scripts.
  CHECK(readSourceFile(".ci/run").find("scripts/test") != std::string::npos);
  const auto ci = scriptsCalled(readSourceFile("scripts/test"));
  for (const auto& script : expected) {
    INFO(script);
    CHECK(ci.count(script) == 1);
  }
  // The release preset the stage names exists and builds no tests.
  const std::string presets = readSourceFile("CMakePresets.json");
  CHECK(std::regex_search(presets, std::regex(R"("name": "release")")));
}

TEST_CASE("the runtime stage copies only the two binaries and the content pack") {
  const auto stages = dockerStages();
  const DockerStage& runtime = stage(stages, "runtime");
  CHECK(arguments(runtime, "ADD").empty());
  const std::vector<std::string> copies = arguments(runtime, "COPY");
  const std::vector<std::string> expected = {
      "--from=build /src/build-release/bin/aihunt /usr/local/bin/aihunt",
      "--from=build /src/build-release/bin/qradar-emu /usr/local/bin/qradar-emu",
      "--from=build /src/content /usr/share/aihunt/content",
  };
  CHECK(copies == expected);
  // One RUN: the packages of the shared libraries and CA certificates, nothing fetched by hand.
  const auto runs = arguments(runtime, "RUN");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].find("apt-get install -y --no-install-recommends") != std::string::npos);
  CHECK(runs[0].find("ca-certificates") != std::string::npos);
  CHECK(runs[0].find("rm -rf /var/lib/apt/lists/*") != std::string::npos);
  for (const char* fetcher : {"curl ", "wget ", "git "}) {
    INFO(fetcher);
    CHECK(runs[0].find(fetcher) == std::string::npos);
  }
}

TEST_CASE("the runtime stage runs aihunt run as a numeric non-root user, with a health check") {
  const auto stages = dockerStages();
  const DockerStage& runtime = stage(stages, "runtime");
  const auto users = arguments(runtime, "USER");
  REQUIRE(users.size() == 1);
  std::smatch numeric;
  REQUIRE(std::regex_match(users[0], numeric, std::regex(R"(([0-9]+):([0-9]+))")));
  CHECK(std::stoi(numeric[1].str()) != 0);
  CHECK(std::stoi(numeric[2].str()) != 0);
  CHECK(arguments(runtime, "ENTRYPOINT") ==
        std::vector<std::string>{R"(["/usr/local/bin/aihunt", "run"])"});
  CHECK(arguments(runtime, "CMD") ==
        std::vector<std::string>{R"(["--config", "/etc/aihunt/aihunt.yaml"])"});
  CHECK(arguments(runtime, "VOLUME") == std::vector<std::string>{R"(["/var/lib/aihunt"])"});
  const auto checks = arguments(runtime, "HEALTHCHECK");
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].find("GET /healthz ") != std::string::npos);
  CHECK(checks[0].find("/dev/tcp/127.0.0.1/9464") != std::string::npos);
  std::string labels;
  for (const auto& label : arguments(runtime, "LABEL")) labels += label;
  for (const char* key : {"org.opencontainers.image.source=", "org.opencontainers.image.version=",
                          "org.opencontainers.image.licenses="}) {
    INFO(key);
    CHECK(labels.find(key) != std::string::npos);
  }
  // The label's version is the build argument the build stage checks against `aihunt --version`.
  CHECK(labels.find("org.opencontainers.image.version=\"${AIHUNT_VERSION}\"") != std::string::npos);
  std::string build_runs;
  for (const auto& run : arguments(stage(stages, "build"), "RUN")) build_runs += run;
  CHECK(build_runs.find("aihunt --version | grep -q \"^aihunt ${AIHUNT_VERSION} \"") !=
        std::string::npos);
}

TEST_CASE("the compose demo's emulator takes aihunt's own LEEF events as its log source type") {
  // Without it, aihunt's events come back with no log source type, the hunts read their url
  // and raise aihunt's own findings again a window later.
  const YAML::Node compose = YAML::Load(readSourceFile("docker/compose.yaml"));
  const YAML::Node demo = YAML::Load(readSourceFile("docker/demo/aihunt.yaml"));
  const std::string host = demo["outputs"]["leef"]["hostname"].as<std::string>();
  REQUIRE_FALSE(host.empty());
  std::set<std::string> flags;
  for (const auto& argument : compose["services"]["qradar-emu"]["command"]) {
    flags.insert(argument.as<std::string>());
  }
  CHECK(flags.count("--log-source=" + host + "=aihunt") == 1);
  // ... and named by the QID map, so that the offenses they open carry "aihunt" for the notes.
  CHECK(flags.count("--qid-map=aihunt=/usr/share/aihunt/content/qradar/qid_map.txt") == 1);
}

TEST_CASE("the two ignore files leave out the same things, state files included") {
  // BuildKit reads docker/Dockerfile.dockerignore, other builders the root's .dockerignore: a
  // review found them apart (the root's let a local state.db into the build context).
  const auto patterns = [](const std::string& text) {
    std::set<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(start, end - start);
      if (!line.empty() && line[0] != '#') out.insert(line);
      start = end + 1;
    }
    return out;
  };
  const std::set<std::string> root = patterns(readSourceFile(".dockerignore"));
  CHECK(root == patterns(readSourceFile("docker/Dockerfile.dockerignore")));
  for (const char* needed : {".git", "build", "**/*.db", "**/*.db-wal", "**/*.db-shm"}) {
    INFO(needed);
    CHECK(root.count(needed) == 1);
  }
}

// Relative paths in a config file are taken from the file's folder, not the working directory.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "config/loader.h"
#include "config/relative_paths.h"
#include "config_test_util.h"

namespace aihunt::config {
namespace {

// A folder in /tmp with the given files, removed when the test ends.
class TempFolder {
 public:
  TempFolder() {
    static int counter = 0;
    path_ =
        "/tmp/aihunt_paths_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    REQUIRE(::mkdir(path_.c_str(), 0700) == 0);
  }
  ~TempFolder() {
    for (const auto& name : files_) std::remove((path_ + "/" + name).c_str());
    ::rmdir(path_.c_str());
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  void write(const std::string& name, const std::string& content, mode_t mode = 0600) {
    std::ofstream(path_ + "/" + name) << content;
    REQUIRE(::chmod((path_ + "/" + name).c_str(), mode) == 0);
    files_.push_back(name);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

constexpr const char* kConfig = R"(qradar:
  url: https://qradar.example.com
  token_file: qradar.token
  tls:
    ca_file: certs/qradar-ca.pem
outputs:
  jsonl:
    path: out/findings.jsonl
  leef:
    enabled: true
    host: 127.0.0.1
    protocol: tls
    ca_file: /etc/aihunt/ca.pem
state:
  path: state.db
)";

}  // namespace

TEST_CASE("relative paths are taken from the config file's folder") {
  TempFolder folder;
  folder.write("aihunt.yaml", kConfig);
  folder.write("qradar.token", "7c1d55e2-93aa-4f6b-b0c4-2de7a1f0e9ab\n");
  // The working directory is elsewhere, as under a service manager.
  const LoadOutcome outcome = loadConfigFile(folder.path() + "/aihunt.yaml", MapEnvironment{});
  INFO(testing::describeAll(outcome.errors));
  REQUIRE(outcome.ok());
  const Config& config = *outcome.config;
  CHECK(config.qradar->token_file == folder.path() + "/qradar.token");
  CHECK(config.qradar_token->reveal() == "7c1d55e2-93aa-4f6b-b0c4-2de7a1f0e9ab");
  CHECK(config.qradar->tls.ca_file == folder.path() + "/certs/qradar-ca.pem");
  CHECK(config.outputs.jsonl.path == folder.path() + "/out/findings.jsonl");
  CHECK(config.outputs.leef.ca_file == "/etc/aihunt/ca.pem");  // absolute: unchanged
  CHECK(config.state.path == folder.path() + "/state.db");
}

TEST_CASE("state.path's default stays in the working directory; text from no file as it is") {
  TempFolder folder;
  folder.write("aihunt.yaml", "logging:\n  level: info\n");
  const LoadOutcome from_file = loadConfigFile(folder.path() + "/aihunt.yaml", MapEnvironment{});
  REQUIRE(from_file.ok());
  CHECK(from_file.config->state.path == "aihunt-state.db");
  CHECK_FALSE(from_file.config->state.path_given);

  LoadOptions options;
  options.resolve_token = false;
  const LoadOutcome from_text =
      loadConfigText("outputs:\n  jsonl:\n    path: f.jsonl\n", "text", MapEnvironment{}, options);
  REQUIRE(from_text.ok());
  CHECK(from_text.config->outputs.jsonl.path == "f.jsonl");
}

TEST_CASE("directoryOf") {
  CHECK(directoryOf("/etc/aihunt/aihunt.yaml") == "/etc/aihunt");
  CHECK(directoryOf("conf/aihunt.yaml") == "conf");
  CHECK(directoryOf("aihunt.yaml") == ".");
  CHECK(directoryOf("/aihunt.yaml") == "/");
}

}  // namespace aihunt::config

// Issue 12, token containment and the transport rules, as a user meets them: the real aihunt
// binary (and, where a console is needed, the real qradar-emu on loopback, port 0).
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/background_process.h"
#include "tests/support/process_runner.h"

using aihunt::testing::binaryPath;
using aihunt::testing::makeTempDir;
using aihunt::testing::ProcessResult;
using aihunt::testing::runProcess;

namespace {

constexpr const char* kSecretToken = "5f0e2c1a-7b3d-4e8f-9a6b-1c2d3e4f5a6b";

std::string writeFile(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

ProcessResult runWithToken(const std::vector<std::string>& args) {
  ProcessResult result = runProcess(binaryPath("aihunt"), args, {}, 60,
                                    {std::string("AIHUNT_QRADAR_TOKEN=") + kSecretToken});
  INFO(result.out);
  INFO(result.err);
  CHECK(result.out.find(kSecretToken) == std::string::npos);
  CHECK(result.err.find(kSecretToken) == std::string::npos);
  return result;
}

}  // namespace

TEST_CASE("a config value that references the token is refused by config check and aql") {
  const std::string dir = makeTempDir("aihunt-token-ref");
  const std::string config = writeFile(dir, "aihunt.yaml",
                                       "hunts:\n"
                                       "  - name: mine\n"
                                       "    where: \"username = '${AIHUNT_QRADAR_TOKEN}'\"\n"
                                       "    fields: {url: URL}\n");
  const ProcessResult check = runWithToken({"config", "check", config});
  CHECK(check.exit_code == 2);
  CHECK(check.err.find("hunts[0].where") != std::string::npos);
  CHECK(check.err.find("refers to a secret") != std::string::npos);

  const ProcessResult aql = runWithToken({"aql", "--config", config, "--last", "15m"});
  CHECK(aql.exit_code == 2);
  CHECK(aql.err.find("hunts[0].where") != std::string::npos);
  CHECK(aql.out.empty());
}

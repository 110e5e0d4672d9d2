#include "cli/local_files.h"

#include <filesystem>
#include <system_error>

#include "qradar_client/tls_options.h"

namespace aihunt::cli {
namespace {

void checkCaFile(const std::string& key, const std::string& file,
                 std::vector<LocalFileProblem>& problems) {
  if (file.empty()) return;  // the system trust store
  qradar::TransportOptions options;
  options.ca_file = file;
  if (auto valid = qradar::validateTransportOptions(options); !valid) {
    problems.push_back({key, valid.error().message});
  }
}

void checkFolderOf(const std::string& key, const std::string& file, const char* what,
                   std::vector<LocalFileProblem>& problems) {
  if (file.empty()) return;
  const std::filesystem::path folder = std::filesystem::path(file).parent_path();
  std::error_code error;
  if (folder.empty() || std::filesystem::is_directory(folder, error)) return;
  problems.push_back({key, "the folder '" + folder.string() +
                               "' does not exist here; aihunt creates " + what +
                               ", not its folder"});
}

}  // namespace

std::vector<LocalFileProblem> localFileProblems(const config::Config& cfg) {
  std::vector<LocalFileProblem> problems;
  if (cfg.qradar) checkCaFile("qradar.tls.ca_file", cfg.qradar->tls.ca_file, problems);
  if (cfg.outputs.leef.enabled && cfg.outputs.leef.protocol == config::LeefProtocol::kTls) {
    checkCaFile("outputs.leef.ca_file", cfg.outputs.leef.ca_file, problems);
  }
  checkFolderOf("state.path", cfg.state.path, "the state file", problems);
  checkFolderOf("outputs.jsonl.path", cfg.outputs.jsonl.path, "the findings file", problems);
  return problems;
}

}  // namespace aihunt::cli

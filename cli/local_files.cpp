#include "cli/local_files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "qradar_client/tls_options.h"
#include "state/instance_lock.h"

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

// The folder must exist and take new files: the state store adds its lock, journal and WAL files
// beside the database, and the findings file is created when missing. An existing file must be
// writable too. access() grants root everything, and a pseudo-filesystem (/proc, /sys) refuses
// new files whatever its mode bits say, so a file is also created there and removed at once.
void checkFolderOf(const std::string& key, const std::string& file, const char* what,
                   const std::vector<std::string>& besides,
                   std::vector<LocalFileProblem>& problems) {
  if (file.empty()) return;
  const std::filesystem::path path(file);
  const std::filesystem::path folder = path.parent_path();
  std::error_code error;
  if (!folder.empty() && !std::filesystem::is_directory(folder, error)) {
    problems.push_back(
        {key, std::filesystem::exists(folder, error)
                  ? "'" + folder.string() + "' is not a folder (a file is in the way)"
                  : "the folder '" + folder.string() + "' does not exist here; aihunt creates " +
                        what + ", not its folder"});
    return;
  }
  // A bare file name is found in the working directory of the process that opens it, which a
  // check run elsewhere cannot see (the systemd unit sets its own): not checked.
  if (folder.empty()) return;
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    problems.push_back({key, "the folder '" + folder.string() +
                                 "' is not writable here (check its owner and permissions): "
                                 "aihunt creates " +
                                 what + " and the files beside it there"});
    return;
  }
  std::string probe = (folder / ".aihunt-check-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    const int why = errno;
    problems.push_back({key, "the folder '" + folder.string() + "' takes no new file here (" +
                                 std::strerror(why) + "): aihunt creates " + what +
                                 " and the files beside it there"});
    return;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  // The file, and what aihunt keeps beside it (the state's lock), when they exist already: a
  // run as another user (root) may have left them unwritable.
  for (const std::string& existing : besides) {
    // A folder where the file should be passed the checks above and failed every delivery
    // (a trial).
    if (std::filesystem::is_directory(existing, error)) {
      problems.push_back({key, "'" + existing + "' is a folder; " + what + " must be a file"});
      continue;
    }
    if (std::filesystem::exists(existing, error) && ::access(existing.c_str(), R_OK | W_OK) != 0) {
      problems.push_back({key, "'" + existing +
                                   "' is not writable here (check its owner and permissions; "
                                   "an earlier run as another user may have left it)"});
    }
  }
}

}  // namespace

std::vector<LocalFileProblem> localFileProblems(const config::Config& cfg) {
  std::vector<LocalFileProblem> problems;
  if (cfg.qradar) checkCaFile("qradar.tls.ca_file", cfg.qradar->tls.ca_file, problems);
  if (cfg.outputs.leef.enabled && cfg.outputs.leef.protocol == config::LeefProtocol::kTls) {
    checkCaFile("outputs.leef.ca_file", cfg.outputs.leef.ca_file, problems);
  }
  // Where SQLite will keep the file, its -wal and the lock: the folder a link points into.
  const std::string state_path = state::realStatePath(cfg.state.path);
  checkFolderOf("state.path", state_path, "the state file",
                {state_path, state::lockPathOf(cfg.state.path)}, problems);
  checkFolderOf("outputs.jsonl.path", cfg.outputs.jsonl.path, "the findings file",
                {cfg.outputs.jsonl.path}, problems);
  return problems;
}

}  // namespace aihunt::cli

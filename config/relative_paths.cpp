#include "config/relative_paths.h"

namespace aihunt::config {
namespace {

void resolve(std::string& path, const std::string& base_directory) {
  if (path.empty() || path.front() == '/') return;
  // "./state.db" beside "./aihunt.yaml" is "./state.db", not "././state.db".
  while (path.size() > 2 && path.compare(0, 2, "./") == 0) path.erase(0, 2);
  std::string absolute = base_directory;
  if (absolute.back() != '/') absolute.push_back('/');
  path = absolute + path;
}

}  // namespace

void resolveRelativePaths(Config& config, const std::string& base_directory) {
  if (base_directory.empty()) return;
  if (config.qradar) {
    resolve(config.qradar->token_file, base_directory);
    resolve(config.qradar->tls.ca_file, base_directory);
  }
  resolve(config.outputs.jsonl.path, base_directory);
  resolve(config.outputs.leef.ca_file, base_directory);
  // Not its default, which stays in the working directory: the image and the systemd unit set
  // it as the state folder, and the config's folder (a ConfigMap, /etc) is often read-only.
  if (config.state.path_given) resolve(config.state.path, base_directory);
}

std::string directoryOf(const std::string& file_path) {
  const std::size_t slash = file_path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return file_path.substr(0, slash);
}

}  // namespace aihunt::config

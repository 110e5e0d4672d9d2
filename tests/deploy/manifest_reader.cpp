#include "tests/deploy/manifest_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/process_runner.h"

namespace aihunt::testing {

std::string readSourceFile(const std::string& relative) {
  std::ifstream in(sourcePath(relative), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Manifest> kubernetesManifests() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(sourcePath("deploy/kubernetes"))) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Manifest> out;
  for (const auto& file : files) {
    for (const auto& node : YAML::LoadAll(readSourceFile("deploy/kubernetes/" + file))) {
      out.push_back({file, node});
    }
  }
  return out;
}

std::vector<DockerStage> dockerStages() {
  std::istringstream in(readSourceFile("docker/Dockerfile"));
  std::vector<DockerStage> stages;
  std::string line;
  std::string pending;
  const auto finish = [&](std::string text) {
    const std::size_t start = text.find_first_not_of(" \t");
    if (start == std::string::npos) return;
    text.erase(0, start);
    const std::size_t space = text.find_first_of(" \t");
    DockerInstruction instruction{text.substr(0, space),
                                  space == std::string::npos ? "" : text.substr(space + 1)};
    if (instruction.keyword == "FROM") {
      const std::size_t as = instruction.arguments.find(" AS ");
      stages.push_back({as == std::string::npos ? "" : instruction.arguments.substr(as + 4), {}});
      return;
    }
    if (!stages.empty()) stages.back().instructions.push_back(std::move(instruction));
  };
  while (std::getline(in, line)) {
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    if (!line.empty() && line.back() == '\\') {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    finish(pending + line);
    pending.clear();
  }
  if (!pending.empty()) finish(pending);
  return stages;
}

}  // namespace aihunt::testing

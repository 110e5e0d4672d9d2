#pragma once
// Reading the deployment files for the tests: the repository's files by path, the Kubernetes
// manifests as YAML documents, and the Dockerfile as stages of instructions.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace aihunt::testing {

// $AIHUNT_SOURCE_DIR/<relative> as text; throws when it cannot be read.
std::string readSourceFile(const std::string& relative);

// Every document of every *.yaml file in deploy/kubernetes, with the file it came from.
struct Manifest {
  std::string file;
  YAML::Node node;
};
std::vector<Manifest> kubernetesManifests();

// One Dockerfile instruction: "RUN", "COPY", ... and its arguments, continuation lines joined.
struct DockerInstruction {
  std::string keyword;
  std::string arguments;
};
struct DockerStage {
  std::string name;  // "build" from "FROM image AS build"
  std::vector<DockerInstruction> instructions;
};
// The stages of docker/Dockerfile (instructions before the first FROM are dropped).
std::vector<DockerStage> dockerStages();

}  // namespace aihunt::testing

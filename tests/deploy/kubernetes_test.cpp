// deploy/kubernetes without a cluster: every Pod template meets each rule of the Pod Security
// "restricted" profile (https://kubernetes.io/docs/concepts/security/pod-security-standards,
// baseline controls included), the probes ask routes the real health server answers, and the
// ConfigMap's config, the Secret's key and the volumes agree with what the daemon reads.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/environment.h"
#include "config/loader.h"
#include "core/metrics.h"
#include "service/health_server.h"
#include "tests/deploy/manifest_reader.h"

using aihunt::testing::kubernetesManifests;
using aihunt::testing::Manifest;

namespace {

// metadata.name, or "" for a document without one (kustomization.yaml).
std::string nameOf(const YAML::Node& document) {
  const YAML::Node metadata = document["metadata"];
  return metadata && metadata["name"] ? metadata["name"].as<std::string>() : std::string();
}

struct PodTemplate {
  std::string where;  // "deployment.yaml Deployment/aihunt"
  YAML::Node spec;
};

std::vector<PodTemplate> podTemplates() {
  std::vector<PodTemplate> out;
  for (const Manifest& m : kubernetesManifests()) {
    const std::string kind = m.node["kind"].as<std::string>("");
    const std::string where = m.file + " " + kind + "/" + nameOf(m.node);
    if (kind == "Pod") out.push_back({where, m.node["spec"]});
    if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "Job") {
      out.push_back({where, m.node["spec"]["template"]["spec"]});
    }
  }
  return out;
}

std::vector<YAML::Node> allContainers(const YAML::Node& spec) {
  std::vector<YAML::Node> out;
  for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
    for (const auto& container : spec[list]) out.push_back(container);
  }
  return out;
}

const Manifest& manifestOf(const std::string& kind, const std::string& name) {
  static const std::vector<Manifest> manifests = kubernetesManifests();
  for (const Manifest& m : manifests) {
    if (m.node["kind"].as<std::string>("") == kind && nameOf(m.node) == name) {
      return m;
    }
  }
  FAIL("no " << kind << "/" << name << " in deploy/kubernetes");
  throw std::logic_error("unreachable");
}

YAML::Node containerNamed(const YAML::Node& spec, const std::string& name) {
  for (const auto& container : allContainers(spec)) {
    if (container["name"].as<std::string>("") == name) return container;
  }
  return {};
}

// The volume mounted at the longest mount path that holds `path`, and the path inside it.
struct MountedAt {
  YAML::Node volume;
  std::string rest;
};
MountedAt volumeFor(const YAML::Node& spec, const YAML::Node& container, const std::string& path) {
  MountedAt best;
  std::size_t best_length = 0;
  for (const auto& mount : container["volumeMounts"]) {
    std::string at = mount["mountPath"].as<std::string>();
    if (!at.ends_with('/')) at += '/';
    if (path.starts_with(at) && at.size() > best_length) {
      best_length = at.size();
      best.rest = path.substr(at.size());
      for (const auto& volume : spec["volumes"]) {
        if (volume["name"].as<std::string>() == mount["name"].as<std::string>()) {
          best.volume = static_cast<const YAML::Node&>(volume);
        }
      }
    }
  }
  return best;
}

// The daemon's config as the ConfigMap holds it, loaded by aihunt's own loader.
aihunt::config::LoadOutcome configMapConfig() {
  aihunt::config::LoadOptions options;
  options.resolve_token = false;
  return aihunt::config::loadConfigText(
      manifestOf("ConfigMap", "aihunt-config").node["data"]["aihunt.yaml"].as<std::string>(),
      "configmap aihunt.yaml", aihunt::config::MapEnvironment{}, options);
}

int httpStatus(std::uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  int status = -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[64] = {};
      const ssize_t got = ::recv(fd, buffer, sizeof buffer - 1, 0);
      if (got > 12) status = std::stoi(std::string(buffer + 9, 3));
    }
  }
  ::close(fd);
  return status;
}

}  // namespace

TEST_CASE("the manifests parse and hold both forms: a Deployment and a sidecar Pod") {
  const auto templates = podTemplates();
  REQUIRE(templates.size() == 2);
  const YAML::Node deployment = manifestOf("Deployment", "aihunt").node;
  CHECK(deployment["spec"]["replicas"].as<int>() == 1);
  CHECK(deployment["spec"]["strategy"]["type"].as<std::string>() == "Recreate");
  const YAML::Node pod = manifestOf("Pod", "app-with-aihunt").node;
  CHECK(pod["spec"]["containers"].size() == 2);
}

TEST_CASE("every Pod template meets the Pod Security restricted profile") {
  const std::set<std::string> allowed_volumes = {"configMap", "csi",       "downwardAPI",
                                                 "emptyDir",  "ephemeral", "persistentVolumeClaim",
                                                 "projected", "secret"};
  for (const PodTemplate& pod : podTemplates()) {
    INFO(pod.where);
    const YAML::Node& spec = pod.spec;
    // Baseline: host namespaces, host paths and ports, privileged, /proc, sysctls.
    for (const char* host : {"hostNetwork", "hostPID", "hostIPC"}) {
      INFO(host);
      CHECK_FALSE(spec[host].as<bool>(false));
    }
    CHECK_FALSE(spec["securityContext"]["sysctls"]);
    // Restricted: volume types.
    for (const auto& volume : spec["volumes"]) {
      for (const auto& field : volume) {
        const std::string key = field.first.as<std::string>();
        if (key == "name") continue;
        INFO("volume " << volume["name"].as<std::string>() << ": " << key);
        CHECK(allowed_volumes.count(key) == 1);
      }
    }
    const YAML::Node pod_context = spec["securityContext"];
    CHECK(pod_context["runAsNonRoot"].as<bool>(false));
    // aihunt's containers run as the image's numeric user, set on them or on the Pod.
    for (const char* name : {"aihunt", "token"}) {
      INFO("container " << name);
      const YAML::Node container = containerNamed(spec, name);
      REQUIRE(container);
      const YAML::Node own = container["securityContext"]["runAsUser"];
      CHECK((own ? own : pod_context["runAsUser"]).as<long>(0) == 65532);
    }
    CHECK(pod_context["seccompProfile"]["type"].as<std::string>("") == "RuntimeDefault");
    const auto containers = allContainers(spec);
    REQUIRE_FALSE(containers.empty());
    for (const auto& container : containers) {
      INFO("container " << container["name"].as<std::string>());
      const YAML::Node context = container["securityContext"];
      REQUIRE(context);
      CHECK_FALSE(context["privileged"].as<bool>(false));
      const bool host_process =
          context["windowsOptions"] && context["windowsOptions"]["hostProcess"].as<bool>(false);
      CHECK_FALSE(host_process);
      CHECK(context["allowPrivilegeEscalation"].as<bool>(true) == false);
      CHECK(context["runAsNonRoot"].as<bool>(true));  // unset inherits the Pod's true
      CHECK(context["runAsUser"].as<long>(1) != 0);
      if (context["seccompProfile"]) {
        CHECK(context["seccompProfile"]["type"].as<std::string>() != "Unconfined");
      }
      std::set<std::string> dropped;
      for (const auto& cap : context["capabilities"]["drop"]) dropped.insert(cap.as<std::string>());
      CHECK(dropped.count("ALL") == 1);
      for (const auto& cap : context["capabilities"]["add"]) {
        CHECK(cap.as<std::string>() == "NET_BIND_SERVICE");
      }
      CHECK(context["procMount"].as<std::string>("Default") == "Default");
      // Ours on top of the profile: nothing but volumes is writable.
      CHECK(context["readOnlyRootFilesystem"].as<bool>(false));
      for (const auto& port : container["ports"]) CHECK_FALSE(port["hostPort"]);
      CHECK(container["resources"]["requests"]["memory"]);
      CHECK(container["resources"]["limits"]["memory"]);
      CHECK(container["resources"]["limits"]["cpu"]);
    }
  }
}

TEST_CASE("the probes ask routes that the daemon's health server answers") {
  aihunt::core::Metrics metrics;
  auto server = aihunt::service::HealthServer::start(
      {}, metrics,
      [] {
        aihunt::service::ReadyReport report;
        report.ready = true;
        report.checks = {{"state", true}};
        return report;
      },
      nullptr);
  REQUIRE(server.ok());
  const std::uint16_t port = (*server)->port();
  // The check can fail: a path the server does not serve is a 404.
  CHECK(httpStatus(port, "/health") == 404);
  int probes = 0;
  for (const PodTemplate& pod : podTemplates()) {
    const YAML::Node aihunt = containerNamed(pod.spec, "aihunt");
    REQUIRE(aihunt);
    std::set<std::string> port_names;
    for (const auto& p : aihunt["ports"]) port_names.insert(p["name"].as<std::string>());
    for (const char* kind : {"livenessProbe", "readinessProbe", "startupProbe"}) {
      const YAML::Node probe = aihunt[kind];
      if (!probe) continue;
      INFO(pod.where << " " << kind);
      const std::string path = probe["httpGet"]["path"].as<std::string>();
      CHECK(httpStatus(port, path) == 200);
      CHECK(port_names.count(probe["httpGet"]["port"].as<std::string>()) == 1);
      ++probes;
    }
    CHECK(aihunt["livenessProbe"]["httpGet"]["path"].as<std::string>() == "/healthz");
    CHECK(aihunt["startupProbe"]["httpGet"]["path"].as<std::string>() == "/healthz");
    if (allContainers(pod.spec).size() > 2) {
      // A sidecar: its readiness is the Pod's, and /readyz fails while QRadar cannot be
      // reached, which would take the other containers out of their Services.
      CHECK_FALSE(aihunt["readinessProbe"]);
    } else {
      CHECK(aihunt["readinessProbe"]["httpGet"]["path"].as<std::string>() == "/readyz");
    }
  }
  CHECK(probes >= 4);
  (*server)->stop();
}

TEST_CASE("the ConfigMap's config loads, and its paths land on the right volumes") {
  const YAML::Node config_map = manifestOf("ConfigMap", "aihunt-config").node;
  const YAML::Node secret = manifestOf("Secret", "aihunt-qradar-token").node;
  std::set<std::string> secret_keys;
  for (const char* field : {"data", "stringData"}) {
    for (const auto& entry : secret[field]) secret_keys.insert(entry.first.as<std::string>());
  }
  const auto outcome = configMapConfig();
  for (const auto& error : outcome.errors) INFO(error.describe());
  REQUIRE(outcome.ok());
  const aihunt::config::Config& config = *outcome.config;
  REQUIRE(config.qradar);
  CHECK(config.server.enabled);
  CHECK_FALSE(config.qradar->allow_readable_token_file);

  for (const PodTemplate& pod : podTemplates()) {
    INFO(pod.where);
    const YAML::Node aihunt = containerNamed(pod.spec, "aihunt");
    // --config names a key of the ConfigMap, through its volume.
    const YAML::Node args = aihunt["args"];
    REQUIRE(args.size() == 2);
    CHECK(args[0].as<std::string>() == "--config");
    const MountedAt config_file = volumeFor(pod.spec, aihunt, args[1].as<std::string>());
    REQUIRE(config_file.volume);
    CHECK(config_file.volume["configMap"]["name"].as<std::string>("") == "aihunt-config");
    CHECK(config_map["data"][config_file.rest]);
    // The CA files too.
    for (const std::string& ca : {config.qradar->tls.ca_file, config.outputs.leef.ca_file}) {
      const MountedAt at = volumeFor(pod.spec, aihunt, ca);
      REQUIRE(at.volume);
      CHECK(at.volume["configMap"]["name"].as<std::string>("") == "aihunt-config");
      CHECK(config_map["data"][at.rest]);
    }
    // The state file and the JSONL file are on the claim, the one writable mount but /tmp.
    for (const std::string& path : {config.state.path, config.outputs.jsonl.path}) {
      INFO(path);
      const MountedAt at = volumeFor(pod.spec, aihunt, path);
      REQUIRE(at.volume);
      CHECK(at.volume["persistentVolumeClaim"]["claimName"].as<std::string>("") ==
            manifestOf("PersistentVolumeClaim", "aihunt-state")
                .node["metadata"]["name"]
                .as<std::string>());
    }
    // The token file: written by the init container from the Secret's key into the memory
    // volume that aihunt mounts read-only.
    const MountedAt token = volumeFor(pod.spec, aihunt, config.qradar->token_file);
    REQUIRE(token.volume);
    CHECK(token.volume["emptyDir"]["medium"].as<std::string>("") == "Memory");
    const YAML::Node init = containerNamed(pod.spec, "token");
    REQUIRE(init);
    const YAML::Node command = init["command"];
    REQUIRE(command.size() == 5);
    CHECK(command[0].as<std::string>() == "install");
    CHECK(command[2].as<std::string>() == "0600");
    CHECK(command[4].as<std::string>() == config.qradar->token_file);
    const MountedAt source = volumeFor(pod.spec, init, command[3].as<std::string>());
    REQUIRE(source.volume);
    CHECK(source.volume["secret"]["secretName"].as<std::string>("") == "aihunt-qradar-token");
    CHECK(secret_keys.count(source.rest) == 1);
    const MountedAt destination = volumeFor(pod.spec, init, config.qradar->token_file);
    REQUIRE(destination.volume);
    CHECK(destination.volume["name"].as<std::string>() == token.volume["name"].as<std::string>());
    // The metrics port is the one the config listens on.
    CHECK(aihunt["ports"][0]["containerPort"].as<int>() == config.server.port);
  }
}

TEST_CASE("the Service and the NetworkPolicy expose metrics and allow only console and syslog") {
  const auto outcome = configMapConfig();
  REQUIRE(outcome.ok());
  const auto& config = *outcome.config;
  const YAML::Node service = manifestOf("Service", "aihunt-metrics").node;
  REQUIRE(service["spec"]["ports"].size() == 1);
  CHECK(service["spec"]["ports"][0]["name"].as<std::string>() == "metrics");
  CHECK(service["spec"]["ports"][0]["targetPort"].as<std::string>() == "metrics");
  CHECK(service["metadata"]["labels"]["app.kubernetes.io/name"].as<std::string>() == "aihunt");

  const YAML::Node policy = manifestOf("NetworkPolicy", "aihunt").node["spec"];
  std::set<std::string> types;
  for (const auto& t : policy["policyTypes"]) types.insert(t.as<std::string>());
  CHECK(types == std::set<std::string>{"Ingress", "Egress"});
  REQUIRE(policy["ingress"].size() == 1);
  REQUIRE(policy["ingress"][0]["ports"].size() == 1);
  CHECK(policy["ingress"][0]["ports"][0]["port"].as<int>() == config.server.port);
  // The console's port (443 for an https:// URL without one), the syslog receiver's, and DNS.
  std::set<int> egress_ports;
  for (const auto& rule : policy["egress"]) {
    for (const auto& port : rule["ports"]) egress_ports.insert(port["port"].as<int>());
  }
  CHECK(config.qradar->url.starts_with("https://"));
  CHECK(config.qradar->url.find(':', 8) == std::string::npos);
  CHECK(egress_ports == std::set<int>{443, config.outputs.leef.port, 53});
}

namespace {

// Whether `selector` (a matchLabels map) selects a Pod with `labels`.
bool selects(const YAML::Node& match_labels, const YAML::Node& labels) {
  for (const auto& entry : match_labels) {
    const std::string key = entry.first.as<std::string>();
    if (!labels[key] || labels[key].as<std::string>() != entry.second.as<std::string>()) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("applying the kustomization again leaves the token's Secret alone") {
  const YAML::Node kustomization = manifestOf("Kustomization", "").node;
  std::set<std::string> listed;
  for (const auto& resource : kustomization["resources"]) listed.insert(resource.as<std::string>());
  for (const Manifest& m : kubernetesManifests()) {
    if (m.node["kind"].as<std::string>("") == "Kustomization") continue;
    INFO(m.file);
    // secret.yaml holds a placeholder: listed, every `apply -k` would put it over the real token.
    if (m.node["kind"].as<std::string>("") == "Secret") {
      CHECK(listed.count(m.file) == 0);
    } else if (m.file != "sidecar-pod.yaml") {
      CHECK(listed.count(m.file) == 1);  // the sidecar form is the other way to run it
    }
  }
}

TEST_CASE("the NetworkPolicy and the Service select aihunt's Deployment, not the sidecar's Pod") {
  const YAML::Node policy = manifestOf("NetworkPolicy", "aihunt").node["spec"]["podSelector"];
  const YAML::Node service = manifestOf("Service", "aihunt-metrics").node["spec"]["selector"];
  const YAML::Node deployment =
      manifestOf("Deployment", "aihunt").node["spec"]["template"]["metadata"]["labels"];
  const YAML::Node sidecar = manifestOf("Pod", "app-with-aihunt").node["metadata"]["labels"];
  CHECK(selects(policy["matchLabels"], deployment));
  CHECK(selects(service, deployment));
  // A policy holds for every container of a Pod it selects: the app beside aihunt would lose
  // its own traffic.
  CHECK_FALSE(selects(policy["matchLabels"], sidecar));
}

#include "core/usable_cores.h"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string>
#include <thread>

namespace aihunt::core {
namespace {

std::string firstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// This process's cgroup path in the v2 hierarchy ("0::/kubepods/..."), or in the v1 hierarchy
// of the cpu controller ("4:cpu,cpuacct:/system.slice/x.service"), from the hierarchy's root.
std::string ownCgroup(bool v2) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (v2 && line.rfind("0::", 0) == 0) return line.substr(3);
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (v2 || second == std::string::npos) continue;
    const std::string controllers = "," + line.substr(first + 1, second - first - 1) + ",";
    if (controllers.find(",cpu,") != std::string::npos) return line.substr(second + 1);
  }
  return {};
}

// Calls `visit` with `path` and each folder above it, up to the hierarchy's root ("").
template <typename Visit>
void upwards(std::string path, Visit&& visit) {
  while (true) {
    visit(path == "/" ? std::string() : path);
    if (path.empty() || path == "/") return;
    const std::size_t slash = path.find_last_of('/');
    path = slash == 0 || slash == std::string::npos ? std::string() : path.substr(0, slash);
  }
}

// The tightest quota on this process's cgroup or any above it (a limit may sit on the Pod and
// not on the container), v2 first, then v1's usual mount.
std::optional<unsigned> quotaCpus() {
  std::optional<unsigned> tightest;
  const auto consider = [&](std::optional<unsigned> cpus) {
    if (cpus && (!tightest || *cpus < *tightest)) tightest = cpus;
  };
  if (const std::string v2 = ownCgroup(true); !v2.empty()) {
    upwards(v2, [&](const std::string& path) {
      consider(cpusFromQuota(firstLine("/sys/fs/cgroup" + path + "/cpu.max")));
    });
  }
  if (!tightest) {
    // v1 (or a hybrid host, whose v2 tree has no cpu controller): the cpu hierarchy's mount.
    upwards(ownCgroup(false), [&](const std::string& path) {
      const std::string folder = "/sys/fs/cgroup/cpu" + path;
      const std::string quota = firstLine(folder + "/cpu.cfs_quota_us");
      const std::string period = firstLine(folder + "/cpu.cfs_period_us");
      if (!quota.empty() && !period.empty()) consider(cpusFromQuota(quota + " " + period));
    });
  }
  return tightest;
}

}  // namespace

std::optional<unsigned> cpusFromQuota(std::string_view text) {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view quota_text = text.substr(0, space);
  const std::string_view period_text = text.substr(space + 1);
  long long quota = 0;
  long long period = 0;
  const auto parse = [](std::string_view digits, long long& value) {
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return error == std::errc() && end == digits.data() + digits.size();
  };
  if (!parse(quota_text, quota) || !parse(period_text, period)) return std::nullopt;
  if (quota <= 0 || period <= 0) return std::nullopt;  // "max" fails to parse; v1 says -1
  return static_cast<unsigned>(std::max(1LL, (quota + period - 1) / period));
}

unsigned usableCores() {
  // std::thread::hardware_concurrency() counts the machine's CPUs: under `taskset -c 0`, in a
  // container limited to two CPUs of sixteen, or in a Pod with a CPU limit of 1, that many
  // threads would take turns on the few.
  unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) {
    cores = static_cast<unsigned>(CPU_COUNT(&set));
  }
  if (const auto quota = quotaCpus()) cores = std::min(cores, *quota);
  return std::max(1U, cores);
}

bool addressSpaceLimited() {
  rlimit limit{};
  return ::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY;
}

unsigned defaultPassThreads(unsigned cap) {
  if (addressSpaceLimited()) return 1;
  return std::max(1U, std::min(cap, usableCores()));
}

}  // namespace aihunt::core

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

// The cgroup v2 path of this process ("0::/kubepods/.../cri-containerd-..."), from its root.
std::string ownCgroupV2() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return {};
}

// The tightest quota on this process's cgroup or any above it (a limit may sit on the Pod and
// not on the container), v2 first, then v1's usual mount.
std::optional<unsigned> quotaCpus() {
  std::optional<unsigned> tightest;
  const auto consider = [&](std::optional<unsigned> cpus) {
    if (cpus && (!tightest || *cpus < *tightest)) tightest = cpus;
  };
  std::string path = ownCgroupV2();
  if (!path.empty()) {
    while (true) {
      consider(cpusFromQuota(firstLine("/sys/fs/cgroup" + path + "/cpu.max")));
      if (path.empty() || path == "/") break;
      const std::size_t slash = path.find_last_of('/');
      path = slash == 0 || slash == std::string::npos ? std::string() : path.substr(0, slash);
    }
  }
  if (!tightest) {
    const std::string quota = firstLine("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
    const std::string period = firstLine("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
    if (!quota.empty() && !period.empty()) consider(cpusFromQuota(quota + " " + period));
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

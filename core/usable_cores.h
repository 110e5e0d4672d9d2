#pragma once
// How many threads a CPU-bound pass should start: the CPUs this process may run on (its
// affinity mask: taskset, a container's cpuset), no more than its CPU quota allows (cgroup v2
// cpu.max, or v1 cpu.cfs_quota_us: a Kubernetes CPU limit), at least 1.
#include <optional>
#include <string_view>

namespace aihunt::core {

unsigned usableCores();

// Whether the address space is limited (ulimit -v, RLIMIT_AS). Each thread's malloc arena and
// stack reserve tens of MiB of it, so a pass that fits one thread under a limit may fail on
// several: the default is then one thread.
bool addressSpaceLimited();

// Threads for a CPU-bound pass whose caller did not say: usableCores(), at most `cap`, and 1
// under an address-space limit.
unsigned defaultPassThreads(unsigned cap);

// The CPUs a cgroup v2 `cpu.max` ("QUOTA PERIOD", or "max PERIOD" for none) allows, rounded up;
// nullopt for no limit or text that is not such a line. v1 gives the same two numbers in two
// files: pass "QUOTA PERIOD" (a quota of -1 is no limit).
std::optional<unsigned> cpusFromQuota(std::string_view text);

}  // namespace aihunt::core

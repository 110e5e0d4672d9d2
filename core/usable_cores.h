#pragma once
// How many threads a CPU-bound pass should start: the CPUs this process may run on (its
// affinity mask: taskset, a container's cpuset), no more than its CPU quota allows (cgroup v2
// cpu.max, or v1 cpu.cfs_quota_us: a Kubernetes CPU limit), at least 1.
#include <optional>
#include <string_view>

namespace aihunt::core {

unsigned usableCores();

// The CPUs a cgroup v2 `cpu.max` ("QUOTA PERIOD", or "max PERIOD" for none) allows, rounded up;
// nullopt for no limit or text that is not such a line. v1 gives the same two numbers in two
// files: pass "QUOTA PERIOD" (a quota of -1 is no limit).
std::optional<unsigned> cpusFromQuota(std::string_view text);

}  // namespace aihunt::core

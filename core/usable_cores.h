#pragma once
// How many threads a CPU-bound pass should start: the CPUs this process may run on (its
// affinity mask: taskset, a container's cpuset), else every CPU the machine reports, at least 1.
namespace aihunt::core {

unsigned usableCores();

}  // namespace aihunt::core

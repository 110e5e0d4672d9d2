#include "core/usable_cores.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace aihunt::core {

unsigned usableCores() {
  // std::thread::hardware_concurrency() counts the machine's CPUs: under `taskset -c 0` or in a
  // container limited to two CPUs of sixteen, that many threads would take turns on the few.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<unsigned>(count);
  }
  return std::max(1U, std::thread::hardware_concurrency());
}

}  // namespace aihunt::core

#include "service/hunt_runner.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <new>
#include <optional>
#include <thread>

namespace aihunt::service {
namespace {

// Progress from several hunts' threads, passed on one call at a time: a terminal's progress
// bar is not drawn from two threads at once.
class SerialObserver final : public HuntObserver {
 public:
  explicit SerialObserver(HuntObserver& inner) : inner_(inner) {}
  void progress(const HuntJob& job, const qradar::SearchProgress& progress) override {
    const std::lock_guard lock(mutex_);
    inner_.progress(job, progress);
  }

 private:
  HuntObserver& inner_;
  std::mutex mutex_;
};

// A hunt whose results need more memory than the process may have (a huge row under ulimit -v,
// with the row cap raised) fails alone, as any other failed hunt: thrown on this thread,
// bad_alloc would end the process (std::terminate) with nothing said and no hunt reported. The
// engine's own state (its search, its pager) has unwound with the stack; its search is deleted
// or recorded as a leftover by the guards that held it.
HuntOutcome runCatchingOutOfMemory(HuntEngine& engine, const HuntJob& job, FindingWriter& writer,
                                   HuntObserver& observer,
                                   const qradar::Cancellation& cancellation) {
  try {
    return engine.run(job, writer, observer, cancellation);
  } catch (const std::bad_alloc&) {
    HuntOutcome outcome;
    outcome.hunt = job.name;
    outcome.result = HuntResult::kFailed;
    outcome.error = core::makeError(
        core::ErrorCode::kLimitExceeded,
        "out of memory: the hunt needs more memory than this process may use (ulimit -v, "
        "a container's memory limit)");
    return outcome;
  }
}

}  // namespace

std::size_t searchesAtOnce(int configured, std::size_t jobs) {
  const auto limit = static_cast<std::size_t>(std::max(1, configured));
  return std::max<std::size_t>(1, std::min(limit, jobs));
}

void HuntRunner::run(const std::vector<HuntJob>& jobs, const std::vector<FindingWriter*>& writers,
                     const std::vector<qradar::ApiClient*>& clients, HuntObserver& observer,
                     const qradar::Cancellation& cancellation, const HuntDone& on_done) const {
  const std::size_t count = std::min(jobs.size(), writers.size());
  if (clients.empty()) return;  // nothing to run a hunt on; the caller always gives one
  std::mutex mutex;
  std::condition_variable finished;
  std::vector<std::optional<HuntOutcome>> outcomes(count);
  std::size_t next = 0;  // the next hunt to start
  bool stop_starting = false;
  SerialObserver serial(observer);

  const auto worker = [&](qradar::ApiClient& api) {
    HuntEngine engine(api, settings_, options_);
    while (true) {
      std::size_t index = 0;
      {
        const std::lock_guard lock(mutex);
        // After Ctrl-C no hunt starts, as a run one hunt at a time would not start the next.
        if (stop_starting || cancellation.requested() || next >= count) {
          stop_starting = true;
          finished.notify_all();
          return;
        }
        index = next++;
      }
      HuntOutcome outcome =
          runCatchingOutOfMemory(engine, jobs[index], *writers[index], serial, cancellation);
      {
        const std::lock_guard lock(mutex);
        outcomes[index] = std::move(outcome);
      }
      finished.notify_all();
    }
  };

  std::vector<std::thread> threads;
  const std::size_t width = std::min(clients.size(), std::max<std::size_t>(count, 1));
  threads.reserve(width);
  for (std::size_t i = 0; i < width; ++i) {
    threads.emplace_back([&worker, client = clients[i]] { worker(*client); });
  }

  // Reported in plan order; a hunt that never started is not reported.
  bool go_on = true;
  for (std::size_t index = 0; index < count; ++index) {
    std::optional<HuntOutcome> outcome;
    {
      std::unique_lock lock(mutex);
      finished.wait(
          lock, [&] { return outcomes[index].has_value() || (stop_starting && index >= next); });
      if (!outcomes[index]) break;
      outcome = std::move(outcomes[index]);
    }
    const bool wants_more = on_done(index, *outcome);
    if (go_on && !wants_more) {
      go_on = false;
      const std::lock_guard lock(mutex);
      stop_starting = true;
    }
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace aihunt::service

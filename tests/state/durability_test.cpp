// Concurrency and durability: threads sharing one store, a process that exits without closing
// it, and one killed with SIGKILL in the middle of its commits.
#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <functional>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "state/state_store.h"
#include "tests/state/state_test_support.h"

using namespace aihunt;
using namespace aihunt::state;
using namespace aihunt::state::testing;

namespace {

int waitForChild(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // namespace

TEST_CASE("two threads committing at once: every commit counted once") {
  const TempDir dir;
  auto store = openStore(dir.file("state.db"));
  REQUIRE(store != nullptr);
  constexpr int kCommits = 40;
  constexpr int kPerCommit = 5;
  std::atomic<std::uint64_t> added{0};
  std::atomic<std::uint64_t> repeats{0};
  std::atomic<int> failures{0};
  const auto worker = [&](int thread) {
    for (int c = 0; c < kCommits; ++c) {
      Commit commit;
      commit.hunt = "t" + std::to_string(thread);
      commit.now = kT0;
      for (int f = 0; f < kPerCommit; ++f) {
        // Even findings are shared by both threads, odd ones are each thread's own.
        const std::string id = f % 2 == 0 ? "shared-" + std::to_string(c) + "-" + std::to_string(f)
                                          : "t" + std::to_string(thread) + "-" + std::to_string(c) +
                                                "-" + std::to_string(f);
        commit.findings.push_back(finding(id));
      }
      commit.sinks = {"jsonl"};
      commit.completes = window(commit.hunt, c * kMinute, (c + 1) * kMinute);
      auto result = store->commit(commit);
      if (!result) {
        ++failures;
        continue;
      }
      added += result->added;
      repeats += result->repeats;
      if (!store->ledgerEnd(commit.hunt)) ++failures;
    }
  };
  std::thread a(worker, 0);
  std::thread b(worker, 1);
  a.join();
  b.join();
  CHECK(failures == 0);
  // Per commit: 3 shared ids (one thread adds each, the other repeats it) and 2 own ids per thread.
  const std::uint64_t distinct = kCommits * (3 + 2 * 2);
  CHECK(added == distinct);
  CHECK(repeats == 2 * kCommits * kPerCommit - distinct);
  CHECK(store->summary().value().seen_findings == distinct);
  CHECK(store->outboxDepth("jsonl").value() == distinct);
  CHECK(store->ledgerEnd("t0").value() == kCommits * kMinute);
  CHECK(store->ledgerEnd("t1").value() == kCommits * kMinute);
  CHECK(store->windows("t1", 0, kCommits * kMinute).value().size() == kCommits);
}

TEST_CASE("two connections to one file take turns to write, and read each other's commits") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  auto first = openStore(path);
  auto second = openStore(path);
  REQUIRE(first != nullptr);
  REQUIRE(second != nullptr);
  auto reader = openStore(path, OpenOptions{/*create=*/false, /*read_only=*/true});
  REQUIRE(reader != nullptr);
  constexpr int kCommits = 30;
  std::atomic<int> failures{0};
  const auto worker = [&failures](StateStore& store, int offset) {
    for (int c = 0; c < kCommits; ++c) {
      if (!store.commit(numbered(offset + c))) ++failures;
    }
  };
  std::thread a(worker, std::ref(*first), 0);
  std::thread b(worker, std::ref(*second), kCommits);
  a.join();
  b.join();
  CHECK(failures == 0);
  CHECK(completeCommits(*reader) == 2 * kCommits);
  CHECK(completeCommits(*first) == 2 * kCommits);
}

TEST_CASE("a commit survives a process that exits without closing the store") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child opens its own connection (never share one across fork), commits, and leaves
    // without destructors, atexit handlers or a checkpoint.
    auto store = StateStore::open(path, OpenOptions{});
    if (!store) _exit(2);
    if (!(*store)->commit(numbered(0))) _exit(3);
    _exit(0);
  }
  const int status = waitForChild(child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);

  auto store = openStore(path);
  REQUIRE(store != nullptr);
  CHECK(completeCommits(*store) == 1);
  CHECK(store->seen("0-2").value());
  CHECK(store->integrityCheck().value().empty());
}

TEST_CASE("SIGKILL in the middle of many commits leaves only whole commits") {
  const TempDir dir;
  for (const int acknowledged : {5, 23, 41}) {
    const std::string path = dir.file("killed-" + std::to_string(acknowledged) + ".db");
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(pipe_fds[0]);
      auto store = StateStore::open(path, OpenOptions{});
      if (!store) _exit(2);
      // Commits until killed; bounded all the same (and a closed pipe ends it too).
      for (int i = 0; i < 100'000; ++i) {
        if (!(*store)->commit(numbered(i))) _exit(3);
        const char done = 1;
        if (write(pipe_fds[1], &done, 1) != 1) _exit(4);
      }
      _exit(0);
    }
    close(pipe_fds[1]);
    // Each byte is a commit that returned, and so must be on disk.
    int seen = 0;
    char buffer = 0;
    while (seen < acknowledged && read(pipe_fds[0], &buffer, 1) == 1) ++seen;
    kill(child, SIGKILL);
    const int status = waitForChild(child);
    close(pipe_fds[0]);
    REQUIRE(seen == acknowledged);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    auto store = openStore(path);
    REQUIRE(store != nullptr);
    CHECK(store->integrityCheck().value().empty());
    const int commits = completeCommits(*store);
    INFO("acknowledged " << acknowledged << ", found " << commits);
    CHECK(commits >= acknowledged);
    // And the store carries on from there.
    REQUIRE(store->commit(numbered(commits)).ok());
    CHECK(completeCommits(*store) == commits + 1);
  }
}

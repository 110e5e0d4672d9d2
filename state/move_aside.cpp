// moveAside: a damaged store and its -wal and -shm files renamed out of the way, together.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "state/state_store.h"

namespace aihunt::state {
namespace {

namespace fs = std::filesystem;

// The companion files SQLite keeps next to a WAL database.
constexpr const char* kCompanions[] = {"-wal", "-shm"};
// Numbered names tried when "<path>.corrupt-<stamp>" is taken.
constexpr int kMaxSuffix = 1000;

bool present(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

// "20261126T170308Z" from "2026-11-26T17:03:08.123Z".
std::string compactStamp(core::EpochMs now) {
  const std::string iso = core::formatIso8601(now);
  std::string stamp;
  for (const char c : iso.substr(0, 19)) {
    if (c != '-' && c != ':') stamp.push_back(c);
  }
  return stamp + "Z";
}

bool nameFree(const std::string& base) {
  if (present(base)) return false;
  for (const char* suffix : kCompanions) {
    if (present(base + suffix)) return false;
  }
  return true;
}

core::Status renameFile(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    const int error = errno;
    return core::makeError(core::ErrorCode::kIo, "cannot move state file " + from + " aside to " +
                                                     to + ": " + std::strerror(error));
  }
  return {};
}

}  // namespace

core::Result<std::string> moveAside(const std::string& path, core::EpochMs now) {
  if (path.empty()) return core::makeError(core::ErrorCode::kIo, "state file path is empty");
  const bool main_present = present(path);
  bool any_present = main_present;
  for (const char* suffix : kCompanions) any_present = any_present || present(path + suffix);
  if (!any_present) return std::string();
  const std::string base = path + ".corrupt-" + compactStamp(now);
  std::string target = base;
  for (int suffix = 1; !nameFree(target); ++suffix) {
    if (suffix > kMaxSuffix) {
      return core::makeError(core::ErrorCode::kIo, "cannot move state file " + path +
                                                       " aside: " + base +
                                                       " and its numbered variants are all taken");
    }
    target = base + "." + std::to_string(suffix);
  }
  // The -wal and -shm files go first: a -wal left behind next to a fresh store would be
  // replayed into it.
  for (const char* suffix : kCompanions) {
    if (!present(path + suffix)) continue;
    if (auto status = renameFile(path + suffix, target + suffix); !status) return status.error();
  }
  if (!main_present) return std::string();  // only leftovers: moved, but no store was there
  if (auto status = renameFile(path, target); !status) return status.error();
  return target;
}

}  // namespace aihunt::state

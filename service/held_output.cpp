#include "service/held_output.h"

#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "core/spool_file.h"

namespace aihunt::service {
namespace {

constexpr std::string_view kOutputLimit = "the run's findings passed ";
constexpr std::size_t kMemoryBytes = 256 * 1024;  // held in memory before the spool file is used

core::Error outputError() {
  return core::makeError(core::ErrorCode::kIo,
                         "writing findings failed (disk full or output closed?)");
}

}  // namespace

bool isOutputLimit(const core::Error& error) {
  return error.code == core::ErrorCode::kLimitExceeded &&
         error.message.find(kOutputLimit) != std::string::npos;
}

core::Error outputLimitError(std::uint64_t max_bytes, std::string_view what) {
  return core::makeError(core::ErrorCode::kLimitExceeded,
                         std::string(kOutputLimit) + std::to_string(max_bytes) + " bytes " +
                             std::string(what) +
                             "; narrow what the run reads, or raise --max-output (MiB; 0: no "
                             "limit)");
}

HeldOutput::HeldOutput(std::FILE* out, HoldOptions options)
    : out_(out), options_(std::move(options)) {}

HeldOutput::~HeldOutput() { discard(); }

core::Status HeldOutput::append(std::string_view bytes) {
  if (!options_.hold) return direct(bytes);
  if (failure_) return *failure_;
  held_bytes_ += bytes.size();
  if (options_.max_bytes != 0 && held_bytes_ > options_.max_bytes) {
    failure_ = outputLimitError(options_.max_bytes,
                                "of output (held until the run ends, so that a failed run prints "
                                "no findings)");
    return *failure_;
  }
  memory_.append(bytes);
  if (memory_.size() >= kMemoryBytes) {
    if (auto status = spill(); !status) {
      failure_ = status.error();
      return status;
    }
  }
  return {};
}

core::Status HeldOutput::spill() {
  if (spool_ == nullptr) {
    auto fd = core::openSpoolFile(options_.spool_dir, "the run's output");
    if (!fd) return fd.error();
    spool_ = ::fdopen(*fd, "w+b");
    if (spool_ == nullptr) {
      ::close(*fd);
      return core::makeError(core::ErrorCode::kIo, "cannot open the output spool file");
    }
  }
  const bool complete = std::fwrite(memory_.data(), 1, memory_.size(), spool_) == memory_.size();
  memory_.clear();
  if (!complete) {
    return core::makeError(core::ErrorCode::kIo,
                           "cannot hold the run's output in " + options_.spool_dir +
                               " (disk full? set TMPDIR to a folder with room)");
  }
  return {};
}

core::Status HeldOutput::direct(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), out_) != bytes.size()) return outputError();
  return {};
}

core::Status HeldOutput::copySpool() {
  const int from = ::fileno(spool_);
  const int to = ::fileno(out_);
  struct stat held {};
  if (from < 0 || to < 0 || ::fstat(from, &held) != 0) return outputError();
  // In the kernel, page cache to file or pipe: no copy through this process (a run's output may
  // be hundreds of MB). sendfile(2) takes any output since Linux 2.6.33; where it is refused
  // (EINVAL: an output opened with O_APPEND, ENOSYS), the bytes are read and written instead.
  off_t offset = 0;
  const auto size = static_cast<off_t>(held.st_size);
  while (offset < size) {
    const ssize_t sent = ::sendfile(
        to, from, &offset, static_cast<std::size_t>(std::min<off_t>(size - offset, 1 << 30)));
    if (sent > 0) continue;
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EINVAL || errno == ENOSYS) && offset == 0) break;
    return outputError();
  }
  if (offset == size) return {};
  if (std::fseek(spool_, 0, SEEK_SET) != 0) return outputError();
  std::array<char, 64 * 1024> chunk{};
  std::size_t read = 0;
  while ((read = std::fread(chunk.data(), 1, chunk.size(), spool_)) > 0) {
    if (std::fwrite(chunk.data(), 1, read, out_) != read) return outputError();
  }
  if (std::ferror(spool_) != 0) return outputError();
  return {};
}

core::Status HeldOutput::release() {
  if (spool_ != nullptr) {
    if (std::fflush(spool_) != 0 || std::fflush(out_) != 0) return outputError();
    if (auto copied = copySpool(); !copied) return copied;
    std::fclose(spool_);
    spool_ = nullptr;
  }
  if (auto status = direct(memory_); !status) return status;
  memory_.clear();
  held_bytes_ = 0;
  if (std::fflush(out_) != 0 || std::ferror(out_) != 0) return outputError();
  return {};
}

void HeldOutput::discard() {
  memory_.clear();
  held_bytes_ = 0;
  if (spool_ != nullptr) {
    std::fclose(spool_);
    spool_ = nullptr;
  }
}

}  // namespace aihunt::service

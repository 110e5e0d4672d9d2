#include "service/jsonl_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace aihunt::service {
namespace {

core::Error ioError(const std::string& what, const std::string& path) {
  return core::makeError(core::ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno));
}

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

}  // namespace

JsonlSink::JsonlSink(JsonlSinkOptions options) : options_(std::move(options)) {}

JsonlSink::~JsonlSink() { closeFile(); }

void JsonlSink::closeFile() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

core::Status JsonlSink::openFile() {
  if (fd_ >= 0) return {};
  fd_ = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) return ioError("opening", options_.path);
  return {};
}

core::Status JsonlSink::rotate() {
  closeFile();
  const std::string& base = options_.path;
  if (options_.keep <= 0) {
    if (::unlink(base.c_str()) != 0 && errno != ENOENT) return ioError("removing", base);
    return openFile();
  }
  const std::string oldest = base + "." + std::to_string(options_.keep);
  if (exists(oldest) && ::unlink(oldest.c_str()) != 0) return ioError("removing", oldest);
  for (int i = options_.keep - 1; i >= 1; --i) {
    const std::string from = base + "." + std::to_string(i);
    const std::string to = base + "." + std::to_string(i + 1);
    if (exists(from) && ::rename(from.c_str(), to.c_str()) != 0) return ioError("rotating", from);
  }
  if (::rename(base.c_str(), (base + ".1").c_str()) != 0) return ioError("rotating", base);
  return openFile();
}

core::Result<state::SinkProgress> JsonlSink::mark() {
  if (auto status = openFile(); !status) return status.error();
  struct stat info {};
  if (::fstat(fd_, &info) != 0) return ioError("reading the size of", options_.path);
  if (options_.max_bytes > 0 && info.st_size >= options_.max_bytes) {
    if (auto status = rotate(); !status) return status.error();
    if (::fstat(fd_, &info) != 0) return ioError("reading the size of", options_.path);
  }
  state::SinkProgress progress;
  progress.sink = name_;
  progress.target = options_.path;
  progress.offset = info.st_size;
  return progress;
}

std::string JsonlSink::rollbackDetail(const state::SinkProgress& progress) const {
  return "truncating " + progress.target + " back to " + std::to_string(progress.offset) +
         " bytes (the batch's lines written before the interruption)";
}

core::Status JsonlSink::rollback(const state::SinkProgress& progress) {
  // The batch's lines may be partly in the file; everything past the mark goes. A file that is
  // now shorter than the mark was rotated or replaced by someone else: nothing of ours to undo.
  struct stat info {};
  if (::stat(progress.target.c_str(), &info) != 0) return {};
  if (info.st_size <= progress.offset) return {};
  if (::truncate(progress.target.c_str(), progress.offset) != 0) {
    return ioError("truncating", progress.target);
  }
  return {};
}

core::Status JsonlSink::deliver(const std::vector<state::OutboxRow>& rows) {
  if (auto status = openFile(); !status) return status;
  buffer_.clear();
  for (const auto& row : rows) {
    buffer_ += row.payload;
    buffer_.push_back('\n');
  }
  std::size_t written = 0;
  while (written < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const core::Error error = ioError("appending to", options_.path);
      closeFile();  // reopened (and rolled back by the outbox) on the next attempt
      return error;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_) != 0) {
    const core::Error error = ioError("syncing", options_.path);
    closeFile();
    return error;
  }
  return {};
}

}  // namespace aihunt::service

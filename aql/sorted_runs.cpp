#include "aql/sorted_runs.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>

#include "aql/value_bytes.h"
#include "core/spool_file.h"

namespace aihunt::aql {
namespace {

// An item on disk: its body's length (u32), then the body: seq (u64), the key and value counts
// (u16 each), then each value as aql/value_bytes.h writes it.
constexpr std::size_t kWriteBuffer = 1 << 20;
constexpr std::size_t kReadBuffer = 64 * 1024;

void putItem(std::string& out, const SortItem& item) {
  const std::size_t start = out.size();
  detail::appendRaw(out, std::uint32_t{0});  // the length, filled in below
  detail::appendRaw(out, item.seq);
  detail::appendRaw(out, static_cast<std::uint16_t>(item.keys.size()));
  detail::appendRaw(out, static_cast<std::uint16_t>(item.values.size()));
  for (const Value& key : item.keys) detail::appendValue(out, detail::viewOf(key));
  for (const Value& value : item.values) detail::appendValue(out, detail::viewOf(value));
  const auto length = static_cast<std::uint32_t>(out.size() - start - sizeof(std::uint32_t));
  std::memcpy(out.data() + start, &length, sizeof length);
}

// Reads what putItem wrote; false when the bytes do not hold a whole item (a damaged file).
bool decodeItem(std::string_view body, SortItem& item) {
  detail::ByteReader reader(body);
  std::uint16_t keys = 0;
  std::uint16_t values = 0;
  if (!reader.raw(item.seq) || !reader.raw(keys) || !reader.raw(values)) return false;
  item.keys.resize(keys);
  item.values.resize(values);
  for (Value& key : item.keys) {
    if (!reader.value(key)) return false;
  }
  for (Value& value : item.values) {
    if (!reader.value(value)) return false;
  }
  return reader.done();
}

// `items`: what the spool file holds ("the rows held for ORDER BY").
core::Error spoolError(const std::string& items, const std::string& what) {
  return core::makeError(core::ErrorCode::kIo,
                         items + ": " + what + " (disk full? set TMPDIR to a folder with room)");
}

std::size_t stringBytes(const Value& value) {
  if (value.kind() != Value::Kind::kString) return 0;
  const std::string& text = value.asString();
  return text.capacity() > 15 ? text.capacity() + 1 : 0;  // past the small-string buffer
}

}  // namespace

std::size_t heldBytes(const SortItem& item) {
  std::size_t bytes =
      sizeof(SortItem) + (item.keys.capacity() + item.values.capacity()) * sizeof(Value);
  for (const Value& key : item.keys) bytes += stringBytes(key);
  for (const Value& value : item.values) bytes += stringBytes(value);
  return bytes;
}

struct SortedRuns::Impl {
  struct Run {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
  };

  // Reads one run's items in order, a buffer at a time.
  class Cursor {
   public:
    Cursor(int fd, Run run, const std::string& what)
        : fd_(fd), offset_(run.begin), end_(run.end), what_(what) {}

    // False at the end of the run; an error when the file cannot be read back.
    core::Result<bool> next(SortItem& item) {
      std::uint32_t length = 0;
      auto have = fill(sizeof length);
      if (!have) return have.error();
      if (!*have) return false;
      std::memcpy(&length, buffer_.data() + pos_, sizeof length);
      have = fill(sizeof length + length);
      if (!have) return have.error();
      if (!*have) return spoolError(what_, "the spool file ended inside an item");
      if (!decodeItem(std::string_view(buffer_.data() + pos_ + sizeof length, length), item))
        return spoolError(what_, "the spool file holds a damaged item");
      pos_ += sizeof length + length;
      return true;
    }

   private:
    // At least `bytes` unread in the buffer; false at the run's end (none left at all).
    core::Result<bool> fill(std::size_t bytes) {
      if (len_ - pos_ >= bytes) return true;
      std::memmove(buffer_.data(), buffer_.data() + pos_, len_ - pos_);
      len_ -= pos_;
      pos_ = 0;
      if (buffer_.size() < bytes) buffer_.resize(std::max(bytes, kReadBuffer));
      while (len_ < bytes && offset_ < end_) {
        const std::size_t want = static_cast<std::size_t>(
            std::min<std::uint64_t>(buffer_.size() - len_, end_ - offset_));
        const ssize_t got = ::pread(fd_, buffer_.data() + len_, want, static_cast<off_t>(offset_));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0)
          return spoolError(what_, std::string("reading the spool file: ") +
                                       (got < 0 ? std::strerror(errno) : "it ended early"));
        len_ += static_cast<std::size_t>(got);
        offset_ += static_cast<std::uint64_t>(got);
      }
      if (len_ >= bytes) return true;
      if (len_ == 0) return false;
      return spoolError(what_, "the spool file ended inside an item");
    }

    int fd_;
    std::uint64_t offset_;
    std::uint64_t end_;
    const std::string& what_;
    std::vector<char> buffer_ = std::vector<char>(kReadBuffer);
    std::size_t pos_ = 0;
    std::size_t len_ = 0;
  };

  std::string dir;
  std::string what;
  int fd = -1;
  std::uint64_t size = 0;
  std::vector<Run> runs;

  core::Status append(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t wrote =
          ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(size + done));
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) {
        return spoolError(what, std::string("writing the spool file: ") +
                                    (wrote < 0 ? std::strerror(errno) : "nothing written"));
      }
      done += static_cast<std::size_t>(wrote);
    }
    size += bytes.size();
    return {};
  }
};

SortedRuns::SortedRuns(std::string dir, std::string what) : impl_(std::make_unique<Impl>()) {
  impl_->dir = std::move(dir);
  impl_->what = std::move(what);
}

SortedRuns::~SortedRuns() {
  if (impl_->fd >= 0) ::close(impl_->fd);
}

std::size_t SortedRuns::runs() const { return impl_->runs.size(); }

core::Status SortedRuns::write(const std::vector<SortItem>& items) {
  Impl& impl = *impl_;
  if (impl.fd < 0) {
    auto fd = core::openSpoolFile(impl.dir, impl.what);
    if (!fd) return fd.error();
    impl.fd = *fd;
  }
  Impl::Run run{impl.size, impl.size};
  std::string buffer;
  buffer.reserve(kWriteBuffer + kReadBuffer);
  for (const SortItem& item : items) {
    putItem(buffer, item);
    if (buffer.size() >= kWriteBuffer) {
      if (auto status = impl.append(buffer); !status) return status;
      buffer.clear();
    }
  }
  if (auto status = impl.append(buffer); !status) return status;
  run.end = impl.size;
  impl.runs.push_back(run);
  return {};
}

core::Status SortedRuns::merge(std::vector<SortItem>& memory, const Before& before,
                               const Emit& emit) {
  Impl& impl = *impl_;
  // Source i < runs: run i; the last source: `memory`.
  struct Source {
    std::unique_ptr<Impl::Cursor> cursor;  // null: the memory source
    std::size_t next_memory = 0;
    SortItem current;
  };
  std::vector<Source> sources(impl.runs.size() + 1);
  const auto advance = [&](Source& source) -> core::Result<bool> {
    if (source.cursor) return source.cursor->next(source.current);
    if (source.next_memory >= memory.size()) return false;
    source.current = std::move(memory[source.next_memory++]);
    return true;
  };
  // The heap's top is the source whose current item comes first.
  const auto later = [&](std::size_t a, std::size_t b) {
    return before(sources[b].current, sources[a].current);
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (i < impl.runs.size())
      sources[i].cursor = std::make_unique<Impl::Cursor>(impl.fd, impl.runs[i], impl.what);
    auto more = advance(sources[i]);
    if (!more) return more.error();
    if (*more) heap.push(i);
  }
  while (!heap.empty()) {
    const std::size_t top = heap.top();
    heap.pop();
    if (!emit(std::move(sources[top].current))) return {};
    auto more = advance(sources[top]);
    if (!more) return more.error();
    if (*more) heap.push(top);
  }
  return {};
}

}  // namespace aihunt::aql

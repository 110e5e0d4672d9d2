#include "results/event_scan.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/text.h"
#include "core/usable_cores.h"
#include "results/event_decoder.h"
#include "results/event_prefilter.h"

namespace aihunt::results {

// The scan's threads when the caller does not say: one per usable core, up to this many.
constexpr unsigned kMaxDefaultScanThreads = 64;

namespace {

// A chunk's bytes: whole lines, then EventPrefilter::kPadding bytes more, so that simdjson
// reads every line where it lies. Not zeroed when allocated (a chunk is read over at once), and
// reused from chunk to chunk.
class ChunkBuffer {
 public:
  [[nodiscard]] std::string_view text() const { return {data_.get(), size_}; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  char* data() { return data_.get(); }
  void resize(std::size_t size) { size_ = size; }  // within capacity
  // Room for `capacity` bytes (and the padding), keeping the first size() bytes.
  void reserve(std::size_t capacity) {
    if (capacity <= capacity_) return;
    std::unique_ptr<char[]> grown(new char[capacity + EventPrefilter::kPadding]);
    std::copy_n(data_.get(), size_, grown.get());
    std::fill_n(grown.get() + capacity, EventPrefilter::kPadding, ' ');
    data_ = std::move(grown);
    capacity_ = capacity;
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

// Cuts the input into chunks of whole lines (the last may lack its line end).
class ChunkReader {
 public:
  ChunkReader(ByteSource& source, std::size_t chunk_bytes)
      : source_(source), chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)) {}

  // False at the end of the input; `chunk` then holds nothing.
  core::Result<bool> next(ChunkBuffer& chunk) {
    chunk.resize(0);
    chunk.reserve(std::max(chunk_bytes_, carry_.size()));
    std::copy(carry_.begin(), carry_.end(), chunk.data());
    chunk.resize(carry_.size());
    carry_.clear();
    std::size_t target = chunk_bytes_;
    std::size_t searched = 0;  // the chunk's first bytes, known to hold no line end
    while (true) {
      while (!eof_ && chunk.size() < target) {
        chunk.reserve(target);
        const std::size_t old = chunk.size();
        auto got = source_.read(std::span<char>(chunk.data() + old, target - old));
        if (!got.ok()) {
          const std::string_view read = chunk.text();
          lines_at_error_ = static_cast<std::uint64_t>(std::count(read.begin(), read.end(), '\n'));
          return got.error();
        }
        chunk.resize(old + got.value());
        eof_ = got.value() == 0;
      }
      if (eof_) return chunk.size() != 0;
      const std::size_t found = chunk.text().substr(searched).rfind('\n');
      if (found != std::string_view::npos) {
        const std::size_t last = searched + found;
        carry_.assign(chunk.text().substr(last + 1));
        chunk.resize(last + 1);
        return true;
      }
      // A line longer than a chunk: read on to its end. The room doubles and only the new bytes
      // are searched, so a line of 100 MiB costs linear time (a trial: 23 s, growing a chunk at
      // a time and searching it all again each time).
      searched = chunk.size();
      target = std::max(target + chunk_bytes_, target * 2);
    }
  }

  // After next() failed: the whole lines it had read into its chunk before the failure, which
  // no caller saw.
  [[nodiscard]] std::uint64_t linesAtError() const { return lines_at_error_; }

  // A consumed chunk's buffer, for a later chunk.
  void recycle(ChunkBuffer&& buffer) { spare_.push_back(std::move(buffer)); }
  ChunkBuffer fresh() {
    if (spare_.empty()) return {};
    ChunkBuffer buffer = std::move(spare_.back());
    spare_.pop_back();
    return buffer;
  }

 private:
  ByteSource& source_;
  std::size_t chunk_bytes_;
  std::string carry_;
  bool eof_ = false;
  std::uint64_t lines_at_error_ = 0;
  std::vector<ChunkBuffer> spare_;
};

struct Chunk {
  ChunkBuffer bytes;
  std::vector<aql::Event> matched;  // in input order
  aql::EventTimes times;            // start times seen, for the empty-window hint
  std::uint64_t lines = 0;
  std::uint64_t events = 0;
  std::uint64_t fallbacks = 0;
  std::uint64_t tried = 0;
  std::uint64_t settled = 0;
  std::optional<core::Error> error;  // at line `lines` of the chunk; later lines unread
  std::uint64_t skipped = 0;         // bad lines passed over (skip_bad_lines)
  std::optional<core::Error> first_skipped;
  std::uint64_t first_skipped_line = 0;   // of the chunk, one-based
  std::uint64_t repaired = 0;             // lines read with U+FFFD (aql::Event::repaired)
  std::uint64_t first_repaired_line = 0;  // of the chunk, one-based
  // What the worker threw (bad_alloc on an event larger than the memory left): thrown again on
  // the thread that waits for the chunk, where a scan on one thread would have thrown it.
  std::exception_ptr exception;
  bool done = false;
};

// Whether `line` (a view into `bytes`) ends `bytes` without a line end: chunks end at a line end
// but for the input's last, so this is the input's last line, unterminated.
bool unterminatedLast(std::string_view bytes, std::string_view line) {
  return line.data() + line.size() == bytes.data() + bytes.size() &&
         (bytes.empty() || bytes.back() != '\n');
}

// A bad event on the input's unterminated last line is most likely a file cut short.
core::Error badLineError(core::Error error, std::string_view bytes, std::string_view line) {
  if (unterminatedLast(bytes, line)) {
    error.message += " (the input's last line, with no line end after it: is the file cut short?)";
  }
  return error;
}

// Calls on_line(line) for each line of `bytes` (blank lines included) until it returns false.
template <typename OnLine>
void forEachLine(std::string_view bytes, OnLine&& on_line) {
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    const std::string_view line = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    if (!on_line(line)) return;
  }
}

// One thread's prefilter, decoder and filter.
// Whether to try the prefilter on the next line. It pays only when it settles most lines: a line
// it cannot settle is read twice (simdjson, then the decoder), and validating a line costs about
// half of decoding it. The built-in hunts' prefilters pass most events of a busy AI day, the seed
// query's almost none. So it is tried on a sample of lines; below kMinSettledPercent of them
// settled, lines go straight to the decoder until the next sample.
class PrefilterGate {
 public:
  explicit PrefilterGate(PrefilterUse use) : use_(use) {}

  [[nodiscard]] bool tryNext() const {
    return use_ == PrefilterUse::kAlways || (use_ == PrefilterUse::kAuto && skip_ == 0);
  }
  void skipped() { --skip_; }
  void tried(bool settled) {
    ++tried_;
    settled_ += settled ? 1U : 0U;
    if (tried_ < kSample) return;
    if (use_ == PrefilterUse::kAuto && settled_ * 100 < tried_ * kMinSettledPercent) {
      skip_ = kSkip;
    }
    tried_ = 0;
    settled_ = 0;
  }

 private:
  static constexpr std::uint32_t kSample = 1024;
  static constexpr std::uint32_t kSkip = 16 * 1024;
  static constexpr std::uint32_t kMinSettledPercent = 60;
  PrefilterUse use_;
  std::uint32_t tried_ = 0;
  std::uint32_t settled_ = 0;
  std::uint32_t skip_ = 0;
};

struct Worker {
  EventPrefilter prefilter;
  PrefilterGate gate;
  EventDecoder decoder;
  aql::EventFilter filter;
  bool skip_bad_lines = false;

  void process(Chunk& chunk) {
    const std::uint64_t fallbacks_before = decoder.fallbacks();
    chunk.times.window = filter.range();
    forEachLine(chunk.bytes.text(), [&](std::string_view line) {
      ++chunk.lines;
      if (core::trim(line).empty()) return true;
      if (!gate.tryNext()) {
        gate.skipped();
      } else {
        auto settled = prefilter.settle(line, /*padded=*/true);
        ++chunk.tried;
        gate.tried(settled.has_value());
        if (settled) {
          ++chunk.events;
          ++chunk.settled;
          if (settled->start) {
            chunk.times.note(*settled->start);
          } else {
            ++chunk.times.without_time;
          }
          return true;
        }
      }
      auto event = decoder.decode(line);
      if (!event.ok()) {
        if (!skip_bad_lines) {
          chunk.error = badLineError(event.error(), chunk.bytes.text(), line);
          return false;
        }
        if (chunk.skipped++ == 0) {
          chunk.first_skipped = event.error();
          chunk.first_skipped_line = chunk.lines;
        }
        return true;
      }
      ++chunk.events;
      if ((*event)->repaired && chunk.repaired++ == 0) chunk.first_repaired_line = chunk.lines;
      if (filter.matches(**event, &chunk.times)) chunk.matched.push_back(**event);
      return true;
    });
    chunk.fallbacks = decoder.fallbacks() - fallbacks_before;
  }
};

// Threads that take chunks from a queue; the caller waits for each chunk in turn.
class Pool {
 public:
  explicit Pool(std::vector<Worker>& workers) {
    threads_.reserve(workers.size());
    for (Worker& worker : workers) threads_.emplace_back([this, &worker] { loop(worker); });
  }
  ~Pool() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
      queue_.clear();  // chunks not started are not needed (an early stop or an error)
    }
    work_ready_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  void submit(Chunk& chunk) {
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back(&chunk);
    }
    work_ready_.notify_one();
  }
  void wait(const Chunk& chunk) {
    std::unique_lock lock(mutex_);
    chunk_done_.wait(lock, [&] { return chunk.done; });
    if (chunk.exception) std::rethrow_exception(chunk.exception);
  }

 private:
  void loop(Worker& worker) {
    while (true) {
      Chunk* chunk = nullptr;
      {
        std::unique_lock lock(mutex_);
        work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, nothing left
        chunk = queue_.front();
        queue_.pop_front();
      }
      try {
        worker.process(*chunk);
      } catch (...) {
        chunk->exception = std::current_exception();
      }
      {
        const std::lock_guard lock(mutex_);
        chunk->done = true;
      }
      chunk_done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable chunk_done_;
  std::deque<Chunk*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

core::Error lineError(const core::Error& error, std::uint64_t line) {
  return error.withContext("events line " + std::to_string(line));
}

// The input broke off (a truncated or corrupt gzip or zstd file, a read error): how far it was
// read, so that a user can tell a file cut near its end from one that is damaged throughout.
core::Error readError(core::Error error, std::uint64_t lines_read) {
  error.message += lines_read == 0 ? std::string(" (before the first events line)")
                                   : " (after events line " + std::to_string(lines_read) + ")";
  return error;
}

// SELECT *: the columns are every property seen, so all events are read (and every property
// interned) before the query is compiled. One thread, as aql::evaluateJsonl does it.
core::Result<std::vector<std::string>> scanAll(ChunkReader& reader, const aql::Query& query,
                                               const aql::EvalOptions& options, aql::RowSink sink,
                                               bool skip_bad_lines, EventScanStats& stats) {
  aql::Schema schema;
  std::vector<aql::Event> events;
  std::uint64_t line_number = 0;
  ChunkBuffer chunk;
  while (true) {
    auto more = reader.next(chunk);
    if (!more.ok()) {
      stats.input_error = true;
      return readError(more.error(), line_number + reader.linesAtError());
    }
    if (!more.value()) break;
    std::optional<core::Error> failed;
    forEachLine(chunk.text(), [&](std::string_view line) {
      ++line_number;
      if (core::trim(line).empty()) return true;
      auto event = aql::parseEventJson(line, schema);
      if (!event.ok()) {
        if (!skip_bad_lines) {
          failed = lineError(badLineError(event.error(), chunk.text(), line), line_number);
          return false;
        }
        if (stats.skipped++ == 0) stats.first_skipped = lineError(event.error(), line_number);
        return true;
      }
      ++stats.events;
      ++stats.fallbacks;
      if (event->repaired && stats.repaired++ == 0) stats.first_repaired_line = line_number;
      events.push_back(std::move(event.value()));
      return true;
    });
    if (failed) {
      stats.input_error = true;
      return *failed;
    }
  }
  auto run = aql::QueryRun::create(query, schema, options, std::move(sink));
  if (!run.ok()) return run.error();
  for (const aql::Event& event : events) {
    if (!run->add(event)) break;
  }
  if (auto finished = run->finish(); !finished) return finished.error();
  return run->columns();
}

bool selectsStar(const aql::Query& query) {
  return std::any_of(query.select.begin(), query.select.end(), [](const aql::SelectItem& item) {
    return item.expr.kind == aql::ExprKind::kStar;
  });
}

}  // namespace

core::Result<std::vector<std::string>> scanEvents(ByteSource& source, const aql::Query& query,
                                                  const aql::EvalOptions& options,
                                                  aql::RowSink sink, EventScanOptions scan,
                                                  EventScanStats* stats_out) {
  EventScanStats ignored;
  EventScanStats& stats = stats_out != nullptr ? *stats_out : ignored;
  ChunkReader reader(source, scan.chunk_bytes);
  if (selectsStar(query)) {
    return scanAll(reader, query, options, std::move(sink), scan.skip_bad_lines, stats);
  }

  // The run is compiled first, so the schema knows every field the query reads before the
  // threads start reading it.
  aql::Schema schema;
  // The workers count start times (they see every event; the run sees only the matches).
  aql::EvalOptions run_options = options;
  run_options.times = nullptr;
  auto run = aql::QueryRun::create(query, schema, run_options, std::move(sink));
  if (!run.ok()) return run.error();
  // A thread per usable core; one under ulimit -v (core::addressSpaceLimited()).
  const unsigned threads =
      scan.threads != 0 ? scan.threads : core::defaultPassThreads(kMaxDefaultScanThreads);
  std::vector<Worker> workers;
  workers.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    auto filter = aql::EventFilter::create(query, schema, options);
    if (!filter.ok()) return filter.error();
    if (options.times != nullptr) options.times->window = filter->range();
    EventPrefilter prefilter(filter->range(), filter->textDemands());
    workers.push_back(Worker{std::move(prefilter), PrefilterGate(scan.prefilter),
                             EventDecoder(schema), std::move(filter.value()), scan.skip_bad_lines});
  }
  // Declared before the pool: chunks must outlive the threads that may still hold them.
  std::deque<std::unique_ptr<Chunk>> in_flight;
  // One thread: the chunks are processed inline, no pool.
  std::optional<Pool> pool;
  if (threads > 1) pool.emplace(workers);
  const std::size_t max_in_flight = threads > 1 ? 2 * std::size_t{threads} : 1;

  std::optional<core::Error> read_error;
  bool input_done = false;
  std::uint64_t lines_before = 0;  // lines in the chunks already consumed
  // An event without a start time changes nothing; a run that refuses it has its result already.
  const bool done_at_start = !run->add(aql::Event{});
  while (true) {
    while (!input_done && in_flight.size() < max_in_flight) {
      auto chunk = std::make_unique<Chunk>();
      chunk->bytes = reader.fresh();
      auto more = reader.next(chunk->bytes);
      if (!more.ok()) {
        // Reported after the chunks before it, as a read error at the end of a stream is.
        read_error = more.error();
        input_done = true;
      } else if (!more.value()) {
        input_done = true;
      } else {
        if (pool) {
          pool->submit(*chunk);
        } else {
          workers.front().process(*chunk);
          chunk->done = true;
        }
        in_flight.push_back(std::move(chunk));
      }
    }
    if (in_flight.empty()) break;
    Chunk& chunk = *in_flight.front();
    if (pool) pool->wait(chunk);
    stats.events += chunk.events;
    stats.fallbacks += chunk.fallbacks;
    stats.tried += chunk.tried;
    stats.settled += chunk.settled;
    if (chunk.skipped > 0 && stats.skipped == 0) {
      stats.first_skipped =
          lineError(*chunk.first_skipped, lines_before + chunk.first_skipped_line);
    }
    stats.skipped += chunk.skipped;
    if (chunk.repaired > 0 && stats.repaired == 0) {
      stats.first_repaired_line = lines_before + chunk.first_repaired_line;
    }
    stats.repaired += chunk.repaired;
    if (options.times != nullptr) options.times->merge(chunk.times);
    // A query done before any event (LIMIT 0) stops at the first event read.
    bool more = !done_at_start || chunk.events == 0;
    for (const aql::Event& event : chunk.matched) {
      if (!more) break;
      ++stats.matched;
      // False: a streaming query reached its LIMIT, and the rest cannot change the result.
      more = run->add(event);
    }
    // A stop comes from an event before the chunk's bad line (if any), which is never reached.
    if (!more) break;
    if (scan.stop != nullptr && scan.stop->load()) {
      pool.reset();  // joins the threads: no chunk is in use after this
      return run->columns();
    }
    if (chunk.error) {
      stats.input_error = true;
      return lineError(*chunk.error, lines_before + chunk.lines);
    }
    lines_before += chunk.lines;
    reader.recycle(std::move(chunk.bytes));
    in_flight.pop_front();
  }
  pool.reset();  // joins the threads: no chunk is in use after this
  if (read_error && in_flight.empty()) {
    stats.input_error = true;
    return readError(*read_error, lines_before + reader.linesAtError());
  }
  if (auto finished = run->finish(); !finished) return finished.error();
  return run->columns();
}

}  // namespace aihunt::results

#include "service/triage_workers.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "core/text.h"
#include "service/triage.h"

namespace aihunt::service {
namespace {

// A batch is about this much input: enough that handing it over costs nothing next to its rows,
// small enough that the batches in flight hold a few MiB.
constexpr std::size_t kBatchRows = 512;
constexpr std::size_t kBatchBytes = 256U << 10;
// Bytes after a batch's last row that a parser may read (simdjson over-reads up to 64).
constexpr std::size_t kPadding = 64;

struct Batch {
  struct Row {
    std::size_t offset = 0;
    std::size_t size = 0;
    std::uint64_t index = 0;
    std::uint64_t line = 0;
    bool unterminated = false;
  };
  // Filled by the reading thread: the rows' text back to back, then kPadding bytes.
  std::string text;
  std::vector<Row> rows;
  // Filled by a worker: the findings, in order. A writer that formats records gets them as
  // records (record i ends at record_ends[i]); any other gets copies, in `findings`, which keeps
  // its slots between batches (a Finding's strings keep their storage). finding_rows[i] is the
  // row (in `rows`) that raised finding i; `found` counts them.
  std::string records;
  std::vector<std::size_t> record_ends;
  std::vector<detection::Finding> findings;
  std::vector<std::size_t> finding_rows;
  std::size_t found = 0;
  TriageCounts counts;
  std::vector<std::string> seen_first;    // watched names its worker saw here first
  std::vector<std::string> unread_first;  // the same for the unread ones
  std::optional<core::Error> failure;     // at the row after the last one counted
  std::exception_ptr exception;           // what the worker threw (the serial loop lets it out)
  bool done = false;                      // guarded by the pipeline's mutex

  void reset() {
    text.clear();
    rows.clear();
    records.clear();
    record_ends.clear();
    finding_rows.clear();
    found = 0;
    counts = {};
    seen_first.clear();
    unread_first.clear();
    failure.reset();
    exception = nullptr;
    done = false;
  }
  [[nodiscard]] results::RowText rowText(std::size_t i) const {
    const Row& row = rows[i];
    results::RowText view;
    view.json = std::string_view(text).substr(row.offset, row.size);
    view.index = row.index;
    view.line = row.line;
    view.readable_after = text.size() - row.offset - row.size;
    view.unterminated = row.unterminated;
    return view;
  }
};

// The writer a worker's detection writes to: the findings stay in the batch, in order, as the
// output's records when it formats them (then the formatting is the worker's work too).
class BatchCollector final : public FindingWriter {
 public:
  explicit BatchCollector(const FindingWriter& output)
      : output_(output), records_(output.formatsRecords()) {}
  void collectInto(Batch* batch, std::size_t row) {
    batch_ = batch;
    row_ = row;
  }
  core::Status write(const detection::Finding& finding) override {
    if (records_) {
      output_.formatRecord(finding, batch_->records);
      batch_->record_ends.push_back(batch_->records.size());
    } else if (batch_->found == batch_->findings.size()) {
      batch_->findings.push_back(finding);
    } else {
      batch_->findings[batch_->found] = finding;
    }
    batch_->finding_rows.push_back(row_);
    ++batch_->found;
    return {};
  }
  core::Status finish() override { return {}; }

 private:
  const FindingWriter& output_;
  const bool records_;
  Batch* batch_ = nullptr;
  std::size_t row_ = 0;
};

class DiscardFindings final : public FindingWriter {
 public:
  core::Status write(const detection::Finding& /*finding*/) override { return {}; }
  core::Status finish() override { return {}; }
};

void appendNew(std::vector<std::string>& names, const std::vector<std::string>& more) {
  for (const auto& name : more) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
}

std::vector<std::string> tailFrom(const std::vector<std::string>& names, std::size_t& taken) {
  std::vector<std::string> tail(names.begin() + static_cast<std::ptrdiff_t>(taken), names.end());
  taken = names.size();
  return tail;
}

class Pipeline {
 public:
  Pipeline(const detection::DetectionSettings& settings, const detection::FieldMapping& mapping,
           FindingWriter& writer, const TriageOptions& options, unsigned workers)
      : settings_(settings), mapping_(mapping), writer_(writer), options_(options) {
    // Enough batches for every worker to hold one and find the next waiting; made before any
    // thread starts, so that a failing allocation leaves no thread to join.
    for (std::size_t i = 0; i < std::size_t{workers} * 2 + 2; ++i) {
      free_.push_back(std::make_unique<Batch>());
    }
    threads_.reserve(workers);
    try {
      for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      // No more threads (a Pod's pid limit, RLIMIT_NPROC): go on with those that started; with
      // none, the caller takes the serial loop.
    }
  }
  ~Pipeline() {
    stopping_.store(true, std::memory_order_relaxed);
    {
      const std::lock_guard lock(mutex_);
      closing_ = true;
    }
    work_ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  [[nodiscard]] std::size_t workers() const { return threads_.size(); }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  TriageTally run(results::RowSplitter& splitter) {
    bool at_end = false;
    std::optional<core::Error> split_error;
    // A row that would have taken its batch past kBatchBytes starts the next one. Its text stays
    // where the splitter has it until the splitter is asked for the next row.
    std::optional<results::RowText> carried;
    while (!at_end && !split_error && !tally_.failure) {
      std::unique_ptr<Batch> batch = takeFreeBatch();
      if (!batch) break;  // a batch written on the way failed the run
      if (carried) add(*batch, *carried);
      carried.reset();
      while (batch->rows.size() < kBatchRows) {
        auto row = splitter.next();
        if (!row) {
          split_error = row.error();
          break;
        }
        if (!row->has_value()) {
          at_end = true;
          break;
        }
        if (!batch->rows.empty() && batch->text.size() + (*row)->json.size() > kBatchBytes) {
          carried = **row;
          break;
        }
        add(*batch, **row);
      }
      if (batch->rows.empty()) {
        free_.push_back(std::move(batch));
      } else {
        batch->text.append(kPadding, '\0');
        submit(std::move(batch));
      }
    }
    while (!in_flight_.empty() && !tally_.failure) writeOldest();
    if (split_error && !tally_.failure) {
      tally_.failure =
          split_error->withContext("after " + core::counted(tally_.counts.rows, "row"));
    }
    stopWorkers();
    return std::move(tally_);
  }

 private:
  static void add(Batch& batch, const results::RowText& text) {
    batch.rows.push_back(
        {batch.text.size(), text.json.size(), text.index, text.line, text.unterminated});
    batch.text.append(text.json);
  }

  // A free batch, writing the oldest batch in flight when all are taken. Null once the run failed.
  std::unique_ptr<Batch> takeFreeBatch() {
    while (free_.empty() && !tally_.failure) writeOldest();
    if (tally_.failure) return nullptr;
    std::unique_ptr<Batch> batch = std::move(free_.back());
    free_.pop_back();
    batch->reset();
    return batch;
  }

  void submit(std::unique_ptr<Batch> batch) {
    Batch* queued = batch.get();
    in_flight_.push_back(std::move(batch));  // owned here before a worker can see it
    {
      const std::lock_guard lock(mutex_);
      todo_.push_back(queued);
    }
    work_ready_.notify_one();
  }

  // Waits for the oldest batch, then writes its findings and adds up its counts.
  void writeOldest() {
    std::unique_ptr<Batch> batch = std::move(in_flight_.front());
    in_flight_.pop_front();
    {
      std::unique_lock lock(mutex_);
      batch_done_.wait(lock, [&] { return batch->done; });
    }
    if (batch->exception) {
      stopping_.store(true, std::memory_order_relaxed);
      std::rethrow_exception(batch->exception);
    }
    const bool records = writer_.formatsRecords();
    std::size_t record_start = 0;
    for (std::size_t i = 0; i < batch->found; ++i) {
      core::Status status;
      if (records) {
        const std::size_t end = batch->record_ends[i];
        status = writer_.writeRecord(
            std::string_view(batch->records).substr(record_start, end - record_start));
        record_start = end;
      } else {
        status = writer_.write(batch->findings[i]);
      }
      if (!status) {
        // The serial loop stops at this finding's row: count the batch up to it, no further.
        stopping_.store(true, std::memory_order_relaxed);
        addThrough(*batch, batch->finding_rows[i]);
        tally_.failure = status.error();
        free_.push_back(std::move(batch));
        return;
      }
    }
    tally_.counts.add(batch->counts);
    appendNew(tally_.watched_seen, batch->seen_first);
    appendNew(tally_.unread_columns, batch->unread_first);
    if (batch->failure) {
      stopping_.store(true, std::memory_order_relaxed);
      tally_.failure = std::move(batch->failure);
    }
    free_.push_back(std::move(batch));
  }

  // Adds what the serial loop would have counted of `batch` up to and with row `last`: the rows
  // are examined again (detection keeps nothing from one row to the next), on this thread; only
  // a failing writer gets here.
  void addThrough(const Batch& batch, std::size_t last) {
    DiscardFindings discard;
    TriageRows rows(settings_, mapping_, discard, options_);
    for (std::size_t i = 0; i <= last; ++i) static_cast<void>(rows.consume(batch.rowText(i)));
    tally_.counts.add(rows.counts());
    appendNew(tally_.watched_seen, rows.decoder().watchedSeen());
    appendNew(tally_.unread_columns, rows.decoder().unreadColumns());
  }

  void work() {
    BatchCollector collector(writer_);
    std::optional<TriageRows> rows;
    std::size_t seen_taken = 0;
    std::size_t unread_taken = 0;
    while (true) {
      Batch* batch = nullptr;
      {
        std::unique_lock lock(mutex_);
        work_ready_.wait(lock, [&] { return !todo_.empty() || closing_; });
        if (todo_.empty()) return;
        batch = todo_.front();
        todo_.pop_front();
      }
      if (!stopping_.load(std::memory_order_relaxed)) {
        try {
          if (!rows) rows.emplace(settings_, mapping_, collector, options_);
          examine(*batch, *rows, collector);
          batch->seen_first = tailFrom(rows->decoder().watchedSeen(), seen_taken);
          batch->unread_first = tailFrom(rows->decoder().unreadColumns(), unread_taken);
        } catch (...) {
          // Handed to the reading thread, which throws it where the serial loop would have
          // (bad_alloc on a huge row). This worker's state is not to be trusted after it.
          batch->exception = std::current_exception();
          stopping_.store(true, std::memory_order_relaxed);
        }
      }
      {
        const std::lock_guard lock(mutex_);
        batch->done = true;
      }
      batch_done_.notify_all();
    }
  }

  static void examine(Batch& batch, TriageRows& rows, BatchCollector& collector) {
    const TriageCounts before = rows.counts();
    for (std::size_t i = 0; i < batch.rows.size(); ++i) {
      collector.collectInto(&batch, i);
      if (auto status = rows.consume(batch.rowText(i)); !status) {
        batch.failure = status.error();
        break;
      }
    }
    batch.counts = rows.counts().since(before);
  }

  void stopWorkers() {
    stopping_.store(true, std::memory_order_relaxed);
    // Batches still queued are skipped; the destructor joins the threads.
    std::unique_lock lock(mutex_);
    for (auto& batch : in_flight_) {
      batch_done_.wait(lock, [&] { return batch->done; });
    }
  }

  const detection::DetectionSettings& settings_;
  const detection::FieldMapping& mapping_;
  FindingWriter& writer_;
  const TriageOptions& options_;
  TriageTally tally_;

  // Batches handed to the workers, oldest first (the reading thread's alone).
  std::deque<std::unique_ptr<Batch>> in_flight_;
  std::vector<std::unique_ptr<Batch>> free_;

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable batch_done_;
  std::deque<Batch*> todo_;  // guarded by mutex_
  bool closing_ = false;     // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace

TriageTally triageOnWorkers(results::RowSplitter& splitter,
                            const detection::DetectionSettings& settings,
                            const detection::FieldMapping& mapping, FindingWriter& writer,
                            const TriageOptions& options, unsigned workers) {
  Pipeline pipeline(settings, mapping, writer, options, std::max(1U, workers));
  if (pipeline.workers() == 0) return triageInOrder(splitter, settings, mapping, writer, options);
  TriageTally tally = pipeline.run(splitter);
  tally.threads = static_cast<unsigned>(pipeline.workers());
  return tally;
}

TriageTally triageInOrder(results::RowSplitter& splitter,
                          const detection::DetectionSettings& settings,
                          const detection::FieldMapping& mapping, FindingWriter& writer,
                          const TriageOptions& options) {
  TriageRows rows(settings, mapping, writer, options);
  TriageTally tally;
  while (true) {
    auto row = splitter.next();
    if (!row) {
      tally.failure = row.error().withContext("after " + core::counted(rows.counts().rows, "row"));
      break;
    }
    if (!row->has_value()) break;
    if (auto status = rows.consume(**row); !status) {
      tally.failure = status.error();
      break;
    }
  }
  tally.counts = rows.counts();
  tally.watched_seen = rows.decoder().watchedSeen();
  tally.unread_columns = rows.decoder().unreadColumns();
  return tally;
}

}  // namespace aihunt::service

#include "qradar_client/result_pager.h"

#include <algorithm>
#include <future>

#include "results/byte_source.h"
#include "results/row_splitter.h"

namespace aihunt::qradar {

core::Result<std::uint64_t> countResultRows(std::string_view body) {
  results::MemoryByteSource source(body);
  results::RowSplitter splitter(source);
  while (true) {
    auto row = splitter.next();
    if (!row) return row.error();
    if (!row->has_value()) break;
  }
  if (splitter.shape() != results::InputShape::kDocument &&
      splitter.shape() != results::InputShape::kArray) {
    return core::makeError(core::ErrorCode::kParse, "not an Ariel results document");
  }
  return splitter.rowsSeen();
}

core::Result<std::optional<std::string>> ResultPager::fetchPage(const std::string& search_id,
                                                                std::uint64_t first,
                                                                std::uint64_t last,
                                                                const ApiCall& base) {
  ApiCall call = base;
  call.method = "GET";
  call.path = "/api/ariel/searches/" + urlEncode(search_id) + "/results";
  call.headers.emplace_back("Range", "items=" + std::to_string(first) + "-" + std::to_string(last));
  const std::uint64_t expected = last - first + 1;
  const RetryPolicy& policy = api_.settings().retry;
  for (int attempt = 1;; ++attempt) {
    auto response = api_.call(call);
    if (!response) return response.error().withContext("reading results");
    if (response->status == 404 && api_.errorOf(*response).code == kCodeNotFound) {
      return std::optional<std::string>();
    }
    if (response->status < 200 || response->status >= 300) {
      return api_.coreErrorOf(*response).withContext("reading results");
    }
    auto rows = countResultRows(response->body);
    std::string why;
    if (!rows) {
      why = rows.error().message;
    } else if (*rows != expected) {
      why = "expected " + std::to_string(expected) + " rows, got " + std::to_string(*rows);
    } else {
      return std::optional<std::string>(std::move(response->body));
    }
    const std::string where =
        "results " + std::to_string(first) + "-" + std::to_string(last) + ": " + why;
    if (attempt >= std::max(1, policy.max_attempts)) {
      return core::makeError(core::ErrorCode::kRemote, "bad results page, " + where);
    }
    ++stats_.refetched_pages;
    const Millis delay = backoffDelay(policy, attempt, api_.deps().random);
    api_.deps().logger->warn("bad results page, {}; fetching it again in {} ms", where,
                             delay.count());
    api_.pause(delay, call.abort_flag);
  }
}

struct ResultPager::Fetched {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  core::Result<std::optional<std::string>> body;
};

ResultPager::Fetched ResultPager::fetchRows(const std::string& search_id, std::uint64_t first,
                                            std::uint64_t rows, std::uint64_t limit,
                                            const ApiCall& base) {
  const std::uint64_t last = std::min(limit, first + rows) - 1;
  return Fetched{first, last, fetchPage(search_id, first, last, base)};
}

core::Result<PagingEnd> ResultPager::fetch(const std::string& search_id, std::uint64_t limit,
                                           const ApiCall& base, const PageConsumer& consumer,
                                           const std::function<void(std::uint64_t)>& on_rows) {
  if (stats_.rows >= limit) return PagingEnd::kDone;
  Fetched current = fetchRows(search_id, stats_.rows, sizer_.next(), limit, base);
  while (true) {
    if (!current.body) return current.body.error();
    if (!*current.body) {
      ++stats_.vanished;
      return PagingEnd::kVanished;
    }
    const std::string& body = **current.body;
    const ResultPage page{body, current.first, current.last - current.first + 1};
    sizer_.observe(page.rows, body.size());
    const std::uint64_t next_first = current.last + 1;
    // The next page is asked for before this one is analysed; its size is settled here, on
    // this thread, from the pages already in.
    std::future<Fetched> ahead;
    if (prefetch_ && next_first < limit) {
      ahead = std::async(std::launch::async,
                         [this, &search_id, &base, next_first, limit, rows = sizer_.next()] {
                           return fetchRows(search_id, next_first, rows, limit, base);
                         });
    }
    auto status = consumer(page);
    if (!status) {
      if (ahead.valid()) ahead.wait();  // the page in flight is dropped, never left running
      return status.error();
    }
    stats_.rows += page.rows;
    ++stats_.pages;
    if (on_rows) on_rows(stats_.rows);
    if (next_first >= limit) return PagingEnd::kDone;
    current =
        ahead.valid() ? ahead.get() : fetchRows(search_id, next_first, sizer_.next(), limit, base);
  }
}

}  // namespace aihunt::qradar

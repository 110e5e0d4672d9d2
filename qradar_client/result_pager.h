#pragma once
// Reads a completed search's results page by page with `Range: items=a-b`, hands each page's
// body to the consumer and lets it go: memory is bounded by the page size, never the result's.
// A page that is malformed, truncated or short of the rows the status promised is fetched again
// (bounded by the retry policy) before any of its rows reach the consumer. A page answered
// 404/1002 means the search is gone (another client sharing it deleted it): paging stops and
// says so, and the caller re-creates the search and resumes at the row where it stopped.
//
// Pipelined: while the consumer analyses page N, page N+1 is fetched on a second thread (at most
// one page ahead, so memory holds two pages at most). The consumer sees the same pages, in the
// same order, as without it; a consumer error or a vanished search waits for the page in flight
// and drops it. Page sizes follow qradar_client/page_sizer.h.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "qradar_client/api_client.h"
#include "qradar_client/page_sizer.h"

namespace aihunt::qradar {

// One page of results: an Ariel document {"events": [...]} holding `rows` rows.
struct ResultPage {
  std::string_view body;
  std::uint64_t first_row = 0;
  std::uint64_t rows = 0;
};

using PageConsumer = std::function<core::Status(const ResultPage& page)>;

// Counts the rows of an Ariel results document; errors when it is not one.
core::Result<std::uint64_t> countResultRows(std::string_view body);

struct PagerStats {
  std::uint64_t rows = 0;  // handed to the consumer, over every fetch(): the next row to read
  std::uint64_t pages = 0;
  std::uint64_t refetched_pages = 0;
  std::uint64_t vanished = 0;  // fetches that ended because the search was gone (404/1002)
};

enum class PagingEnd { kDone, kVanished };

class ResultPager {
 public:
  // Pages of `page_size` rows, growing up to `page_size_max` while rows are small (0: fixed);
  // `prefetch`: page N+1 is fetched while page N is consumed.
  ResultPager(ApiClient& api, std::uint64_t page_size, std::uint64_t page_size_max = 0,
              bool prefetch = false)
      : api_(api), sizer_(page_size, page_size_max), prefetch_(prefetch) {}

  // Rows [stats().rows, limit) of the search, in pages: a first call reads from row 0, a call
  // for a re-created search resumes after the rows already consumed. `on_rows` reports
  // progress after each page. kVanished: the search answered 404/1002 before `limit`.
  [[nodiscard]] core::Result<PagingEnd> fetch(const std::string& search_id, std::uint64_t limit,
                                              const ApiCall& base, const PageConsumer& consumer,
                                              const std::function<void(std::uint64_t)>& on_rows);
  [[nodiscard]] const PagerStats& stats() const { return stats_; }

 private:
  // The page's body, or nullopt when the search is gone (404/1002).
  core::Result<std::optional<std::string>> fetchPage(const std::string& search_id,
                                                     std::uint64_t first, std::uint64_t last,
                                                     const ApiCall& base);

  struct Fetched;
  // Rows [first, min(limit, first + rows)) of the search.
  Fetched fetchRows(const std::string& search_id, std::uint64_t first, std::uint64_t rows,
                    std::uint64_t limit, const ApiCall& base);

  ApiClient& api_;
  PageSizer sizer_;
  bool prefetch_;
  PagerStats stats_;
};

}  // namespace aihunt::qradar

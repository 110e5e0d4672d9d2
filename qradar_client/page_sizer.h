#pragma once
// How many rows the next results page asks for. The first page asks for `first` rows (the
// configured page_size). After that the rows seen so far say how large a row is, and a page is
// sized to about kTargetPageBytes, never fewer rows than `first` and never more than `most`
// (page_size_max): small rows take fewer round trips, and memory stays near one page (two while
// the next page is fetched ahead). With most == first every page has `first` rows.
#include <algorithm>
#include <cstdint>

namespace aihunt::qradar {

class PageSizer {
 public:
  static constexpr std::uint64_t kTargetPageBytes = 4U << 20U;

  PageSizer(std::uint64_t first, std::uint64_t most)
      : first_(std::max<std::uint64_t>(1, first)), most_(std::max(first_, most)) {}

  // A page of `rows` rows whose body was `bytes` long came in.
  void observe(std::uint64_t rows, std::uint64_t bytes) {
    rows_ += rows;
    bytes_ += bytes;
  }

  [[nodiscard]] std::uint64_t next() const {
    if (rows_ == 0 || most_ == first_) return first_;
    const std::uint64_t row_bytes = std::max<std::uint64_t>(1, bytes_ / rows_);
    return std::clamp(kTargetPageBytes / row_bytes, first_, most_);
  }

 private:
  std::uint64_t first_;
  std::uint64_t most_;
  std::uint64_t rows_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace aihunt::qradar

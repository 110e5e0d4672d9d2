#pragma once
// A ByteSource that hands out its bytes in small, varying chunks, so that tests cross every
// buffer boundary the way a slow pipe or network would.
#include <algorithm>
#include <cstring>
#include <random>
#include <string>

#include "results/byte_source.h"

namespace aihunt::testing {

class ChunkedByteSource final : public results::ByteSource {
 public:
  ChunkedByteSource(std::string bytes, unsigned seed, std::size_t max_chunk)
      : bytes_(std::move(bytes)), random_(seed), max_chunk_(max_chunk) {}

  core::Result<std::size_t> read(std::span<char> buffer) override {
    std::uniform_int_distribution<std::size_t> size(1, max_chunk_);
    const std::size_t count = std::min({buffer.size(), bytes_.size() - offset_, size(random_)});
    std::memcpy(buffer.data(), bytes_.data() + offset_, count);
    offset_ += count;
    return count;
  }

 private:
  std::string bytes_;
  std::size_t offset_ = 0;
  std::mt19937 random_;
  std::size_t max_chunk_;
};

}  // namespace aihunt::testing

#pragma once
// Where result bytes come from: a file, standard input, or (later) an HTTP body. The row
// splitter pulls chunks, so nothing ever holds a whole result in memory.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace aihunt::results {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills up to `buffer.size()` bytes; 0 means the end of the input.
  [[nodiscard]] virtual core::Result<std::size_t> read(std::span<char> buffer) = 0;
};

// "-" is standard input; anything else a file path.
core::Result<std::unique_ptr<ByteSource>> openInput(const std::string& path);

// Bytes already in memory (a page of results, a test case). Does not copy.
class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(std::string_view bytes) : bytes_(bytes) {}
  core::Result<std::size_t> read(std::span<char> buffer) override;

 private:
  std::string_view bytes_;
};

}  // namespace aihunt::results

// Fuzzes what QRadar (or an export) hands us: the row splitter over arbitrary bytes, fed in
// uneven chunks, and every row it yields through the decoder and the detection.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "config/detection_settings_builder.h"
#include "detection/analyzer.h"
#include "results/row_decoder.h"
#include "results/row_splitter.h"

namespace {

// Splits the input at sizes taken from its first byte, so the fuzzer explores refill edges.
class FuzzSource final : public aihunt::results::ByteSource {
 public:
  FuzzSource(const std::uint8_t* data, std::size_t size, std::size_t step)
      : data_(data), size_(size), step_(step) {}
  aihunt::core::Result<std::size_t> read(std::span<char> buffer) override {
    const std::size_t count = std::min({buffer.size(), size_ - offset_, step_});
    std::memcpy(buffer.data(), data_ + offset_, count);
    offset_ += count;
    return count;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t step_;
  std::size_t offset_ = 0;
};

const aihunt::detection::DetectionSettings& settings() {
  static const auto built = aihunt::config::builtinDetectionSettings();
  if (!built) __builtin_trap();
  return *built;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  FuzzSource source(data + 1, size - 1, 1 + data[0] % 64);
  aihunt::results::SplitLimits limits;
  limits.chunk_bytes = 128;
  limits.max_row_bytes = 4096;
  aihunt::results::RowSplitter splitter(source, limits);
  aihunt::results::RowDecoder decoder(aihunt::detection::FieldMapping::seedDefaults());
  aihunt::detection::Analyzer analyzer(settings(), "fuzz");
  aihunt::detection::Event event;
  for (int rows = 0; rows < 1000; ++rows) {
    auto row = splitter.next();
    if (!row || !row->has_value()) break;
    if (!decoder.decode((*row)->json, event)) continue;
    (void)analyzer.analyze(event, 0);
  }
  return 0;
}

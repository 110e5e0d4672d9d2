// Fuzzes what QRadar (or an export) hands us: the row splitter over arbitrary bytes, fed in
// uneven chunks, and every row it yields through the decoder and the detection. Each row is
// decoded three ways: by the fast flat-row path where the row lies, and by simdjson alone both
// where it lies and from a padded copy. All three must agree exactly: the fast path must never
// accept what simdjson would not, or read it differently, and parsing in place must not read
// anything it should not.
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

bool sameEvent(const aihunt::detection::Event& a, const aihunt::detection::Event& b) {
  return a.values == b.values && a.bytes_sent == b.bytes_sent &&
         a.destination_port == b.destination_port && a.event_time_ms == b.event_time_ms;
}

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
  const auto mapping = aihunt::detection::FieldMapping::seedDefaults();
  using aihunt::results::DecodePath;
  aihunt::results::RowDecoder fast_decoder(mapping, DecodePath::kFastWhenFlat);
  aihunt::results::RowDecoder in_place_decoder(mapping, DecodePath::kFullParserOnly);
  aihunt::results::RowDecoder copying_decoder(mapping, DecodePath::kFullParserOnly);
  aihunt::detection::Analyzer analyzer(settings(), "fuzz");
  aihunt::detection::Event fast;
  aihunt::detection::Event in_place;
  aihunt::detection::Event copied;
  for (int rows = 0; rows < 1000; ++rows) {
    auto row = splitter.next();
    if (!row || !row->has_value()) break;
    const aihunt::results::RowText& text = **row;
    const bool fast_ok =
        static_cast<bool>(fast_decoder.decode(text.json, fast, text.readable_after));
    const bool in_place_ok =
        static_cast<bool>(in_place_decoder.decode(text.json, in_place, text.readable_after));
    const bool copied_ok = static_cast<bool>(copying_decoder.decode(text.json, copied));
    if (fast_ok != in_place_ok || in_place_ok != copied_ok) __builtin_trap();
    if (fast_ok && (!sameEvent(fast, in_place) || !sameEvent(in_place, copied))) {
      __builtin_trap();
    }
    if (fast_ok) (void)analyzer.analyze(fast, 0);
  }
  return 0;
}

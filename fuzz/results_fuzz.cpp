// Fuzzes what QRadar (or an export) hands us: the row splitter over arbitrary bytes, fed in
// uneven chunks, and every row it yields through the decoder and the detection. Each row is
// decoded twice, where it lies in the splitter's buffer and from a padded copy: the two must
// agree exactly, or parsing in place would be reading something it should not.
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
  aihunt::results::RowDecoder in_place_decoder(mapping);
  aihunt::results::RowDecoder copying_decoder(mapping);
  aihunt::detection::Analyzer analyzer(settings(), "fuzz");
  aihunt::detection::Event in_place;
  aihunt::detection::Event copied;
  for (int rows = 0; rows < 1000; ++rows) {
    auto row = splitter.next();
    if (!row || !row->has_value()) break;
    const aihunt::results::RowText& text = **row;
    const bool in_place_ok =
        static_cast<bool>(in_place_decoder.decode(text.json, in_place, text.readable_after));
    const bool copied_ok = static_cast<bool>(copying_decoder.decode(text.json, copied));
    if (in_place_ok != copied_ok || (in_place_ok && !sameEvent(in_place, copied))) {
      __builtin_trap();
    }
    if (in_place_ok) (void)analyzer.analyze(in_place, 0);
  }
  return 0;
}

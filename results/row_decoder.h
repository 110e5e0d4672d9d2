#pragma once
// Turns one row's JSON text into a detection::Event through the hunt's field mapping. Columns the
// mapping does not name are skipped unread. The Event's views point into the row text or the
// decoder's buffers: they stay valid while the row text does, and until the next decode().
#include <memory>
#include <string_view>

#include "core/result.h"
#include "detection/event.h"

namespace aihunt::results {

class RowDecoder {
 public:
  explicit RowDecoder(const detection::FieldMapping& mapping);
  ~RowDecoder();
  RowDecoder(const RowDecoder&) = delete;
  RowDecoder& operator=(const RowDecoder&) = delete;

  // Errors: malformed JSON, invalid UTF-8, a row that is not an object, nesting too deep.
  // `readable_after`: bytes past the row that may be read (RowText::readable_after). With enough
  // of them the row is parsed where it lies; otherwise it is first copied into a padded buffer.
  [[nodiscard]] core::Status decode(std::string_view row_json, detection::Event& out,
                                    std::size_t readable_after = 0);

 private:
  struct Impl;  // keeps simdjson's heavy header out of every includer
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::results

#pragma once
// Turns one row's JSON text into a detection::Event through the hunt's field mapping. Columns the
// mapping does not name are skipped unread. The Event's views point into the decoder's buffers
// and stay valid until the next decode().
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
  [[nodiscard]] core::Status decode(std::string_view row_json, detection::Event& out);

 private:
  struct Impl;  // keeps simdjson's heavy header out of every includer
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::results

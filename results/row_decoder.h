#pragma once
// Turns one row's JSON text into a detection::Event through the hunt's field mapping. Columns the
// mapping does not name are skipped unread. The Event's views point into the row text or the
// decoder's buffers: they stay valid while the row text does, and until the next decode().
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "detection/event.h"

namespace aihunt::results {

// Which parser decodes a row. Flat rows of scalars (what Ariel sends) take a fast scanner that
// declines anything it has not fully checked; declined rows, and every row with kFullParserOnly,
// go through simdjson. Tests and the fuzzer use kFullParserOnly as the reference.
enum class DecodePath { kFastWhenFlat, kFullParserOnly };

class RowDecoder {
 public:
  explicit RowDecoder(const detection::FieldMapping& mapping,
                      DecodePath path = DecodePath::kFastWhenFlat);
  ~RowDecoder();
  RowDecoder(const RowDecoder&) = delete;
  RowDecoder& operator=(const RowDecoder&) = delete;

  // Errors: malformed JSON, invalid UTF-8, a row that is not an object, nesting too deep.
  // `readable_after`: bytes past the row that may be read (RowText::readable_after). With enough
  // of them the row is parsed where it lies; otherwise it is first copied into a padded buffer.
  [[nodiscard]] core::Status decode(std::string_view row_json, detection::Event& out,
                                    std::size_t readable_after = 0);

  // Reads `column` as `field` too, unless the mapping already reads that name. A row that holds
  // two names of one field gets the later one.
  void alsoRead(const std::string& column, detection::Field field);

  // Rows the fast path decoded on its own (the rest went through simdjson).
  [[nodiscard]] std::uint64_t fastPathRows() const;
  // Rows decoded only once their invalid UTF-8 or lone surrogate escapes were replaced with
  // U+FFFD (core/json_repair.h): the caller says how many, as their text is not quite the
  // console's.
  [[nodiscard]] std::uint64_t repairedRows() const;

  // Names to look out for: those of them that rows hold are listed by watchedSeen(), and those
  // neither the mapping nor alsoRead() reads by unreadColumns() too, in the order first seen.
  // Other names are not kept (an export may hold hundreds of columns).
  void watchUnread(std::vector<std::string> names);
  [[nodiscard]] const std::vector<std::string>& watchedSeen() const;
  [[nodiscard]] const std::vector<std::string>& unreadColumns() const;

 private:
  // simdjson's parse of the row (decode() tries the fast scanner first, and a repair after).
  [[nodiscard]] core::Status decodeFull(std::string_view row_json, detection::Event& out,
                                        std::size_t readable_after);
  struct Impl;  // keeps simdjson's heavy header out of every includer
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::results

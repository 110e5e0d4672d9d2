#pragma once
// Where findings go as they come: the terminal formats (table, JSON array, JSON Lines or CSV),
// and the daemon's state store (service/ledger_writer.h). Every format streams: nothing is held
// back to size columns or close a document, beyond one finding. Writes can fail (a full disk, a
// closed pipe, a damaged state file): each says so, and the pipeline stops there.
#include <cstdio>
#include <memory>

#include "core/result.h"
#include "detection/finding.h"
#include "service/output_format.h"

namespace aihunt::service {

class FindingWriter {
 public:
  virtual ~FindingWriter() = default;
  [[nodiscard]] virtual core::Status write(const detection::Finding& finding) = 0;
  // After each results page: what was written so far may be made durable.
  [[nodiscard]] virtual core::Status pageDone() { return {}; }
  // Closes the document (the JSON array's ']') and flushes.
  [[nodiscard]] virtual core::Status finish() = 0;
};

std::unique_ptr<FindingWriter> makeFindingWriter(OutputFormat format, std::FILE* out);

}  // namespace aihunt::service

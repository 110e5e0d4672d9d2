#pragma once
// Prints findings as they come (table, JSON array, JSON Lines or CSV). Every format streams:
// nothing is held back to size columns or close a document, beyond one finding.
#include <cstdio>
#include <memory>

#include "detection/finding.h"
#include "service/output_format.h"

namespace aihunt::service {

class FindingWriter {
 public:
  virtual ~FindingWriter() = default;
  virtual void write(const detection::Finding& finding) = 0;
  // Closes the document (the JSON array's ']') and flushes.
  virtual void finish() = 0;
};

std::unique_ptr<FindingWriter> makeFindingWriter(OutputFormat format, std::FILE* out);

}  // namespace aihunt::service

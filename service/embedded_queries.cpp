#include "service/embedded_queries.h"

#include <cstddef>

#include "core/embedded_file.h"

namespace aihunt::service::embedded {
extern const aihunt::core::EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;
}  // namespace aihunt::service::embedded

namespace aihunt::service {

std::string_view seedQueryText() {
  for (std::size_t i = 0; i < embedded::kEmbeddedFileCount; ++i) {
    if (embedded::kEmbeddedFiles[i].name == "seed_query.aql") {
      return embedded::kEmbeddedFiles[i].contents;
    }
  }
  return {};
}

}  // namespace aihunt::service

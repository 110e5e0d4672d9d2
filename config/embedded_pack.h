#pragma once
// The content/ files compiled into the binary by aihunt_embed_files() (cmake/EmbedFiles.cmake).
// This header is also force-included into the generated source so that the table gets external
// linkage (a namespace-scope const would otherwise be internal to that file).
#include <cstddef>

#include "core/embedded_file.h"

namespace aihunt::config::embedded {

extern const aihunt::core::EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace aihunt::config::embedded

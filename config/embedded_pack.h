#pragma once
// The content/ files compiled into the binary by aihunt_embed_files() (cmake/EmbedFiles.cmake).
#include <cstddef>

#include "core/embedded_file.h"

namespace aihunt::config::embedded {

extern const aihunt::core::EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace aihunt::config::embedded

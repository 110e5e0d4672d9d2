#pragma once
// Compressed exports read as they are: gzip (zlib) and zstd input, recognised by their magic
// bytes rather than the file name, is decompressed while it streams. A truncated or corrupt
// stream is an error, never a quietly shorter input.
#include <memory>

#include "core/result.h"
#include "results/byte_source.h"

namespace aihunt::results {

enum class Compression { kNone, kGzip, kZstd };

// Reads the first bytes of `source` and returns a source of its decompressed bytes (or of the
// bytes as they are, when they start with neither magic).
core::Result<std::unique_ptr<ByteSource>> decompressing(std::unique_ptr<ByteSource> source,
                                                        Compression* found = nullptr);

}  // namespace aihunt::results

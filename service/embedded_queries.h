#pragma once
// Queries compiled into the binary (content/seed_query.aql, via aihunt_embed_files).
#include <string_view>

namespace aihunt::service {

// The seed detection's AQL exactly as published (SELECT ... LIMIT 1000, no time clause).
std::string_view seedQueryText();

}  // namespace aihunt::service

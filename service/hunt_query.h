#pragma once
// A configured hunt (config::HuntConfig) and the detection content become the AQL it sends:
// every mapped field aliased by its logical name, the standard event columns, a broad
// LIKE prefilter from the content pack, the hunt's `where`, and the window.
#include <optional>
#include <string>

#include "aql/ast.h"
#include "aql/builder.h"
#include "config/config.h"
#include "core/result.h"
#include "core/time.h"
#include "detection/event.h"
#include "detection/settings.h"
#include "results/row_decoder.h"

namespace aihunt::service {

// The template the builder renders; exposed so tests can check what goes in.
core::Result<aql::HuntTemplate> huntTemplate(const config::HuntConfig& hunt,
                                             const detection::DetectionSettings& settings);

// The query for [from, to): generated, or the hunt's own `aql` with the window as its time clause.
core::Result<aql::Query> huntQuery(const config::HuntConfig& hunt,
                                   const detection::DetectionSettings& settings, core::EpochMs from,
                                   core::EpochMs to, bool streamed);

// The hunt's aggregated upload query for [from, to) (`aggregate_uploads`), or nullopt when it has
// none: grouped by source, user, URL and whichever of application, image and user agent the hunt
// maps, with the same prefilter and `where` as its per-event query.
core::Result<std::optional<aql::Query>> uploadQuery(const config::HuntConfig& hunt,
                                                    const detection::DetectionSettings& settings,
                                                    core::EpochMs from, core::EpochMs to);

// Rows of a generated hunt name their columns by logical field: each field's column is its name.
detection::FieldMapping logicalColumnMapping();

// A decoder of rows named some other way (the seed's aliases, a hunt's property names) reads
// those names too, and QRadar's own `starttime` as the event time: results of aihunt's own
// queries, and of queries that keep `starttime`, need no renaming.
void alsoReadLogicalNames(results::RowDecoder& decoder);

}  // namespace aihunt::service

#include <catch2/catch.hpp>

#include "core/error.h"

using namespace aihunt::core;

TEST_CASE("withContext puts the context in front, once") {
  const Error plain = makeError(ErrorCode::kConfig, "line 3: unexpected end");
  CHECK(plain.withContext("reading rows").message == "reading rows: line 3: unexpected end");
  CHECK(plain.withContext("reading rows").code == ErrorCode::kConfig);

  // A builder that names its hunt, wrapped by a caller that names it too.
  const Error named = makeError(ErrorCode::kConfig, "hunt 'h1' maps none of url");
  CHECK(named.withContext("hunt 'h1'").message == "hunt 'h1' maps none of url");
  const Error colon = makeError(ErrorCode::kConfig, "hunt 'h1': SELECT * has no column names");
  CHECK(colon.withContext("hunt 'h1'").message == "hunt 'h1': SELECT * has no column names");
  CHECK(colon.withContext("hunt 'h1'").withContext("hunts[0]").message ==
        "hunts[0]: hunt 'h1': SELECT * has no column names");

  // Only the whole context counts: another hunt whose name starts the same is named.
  const Error longer = makeError(ErrorCode::kConfig, "hunt 'h10' maps none of url");
  CHECK(longer.withContext("hunt 'h1").message == "hunt 'h1: hunt 'h10' maps none of url");
  const Error other = makeError(ErrorCode::kConfig, "hunt 'h2' maps none of url");
  CHECK(other.withContext("hunt 'h1'").message == "hunt 'h1': hunt 'h2' maps none of url");
}

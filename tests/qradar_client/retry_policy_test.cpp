#include <catch2/catch.hpp>

#include "qradar_client/retry_policy.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;
using std::chrono::milliseconds;

TEST_CASE("backoff doubles, is jittered within [d/2, d] and capped", "[retry]") {
  qradar::RetryPolicy policy;
  policy.initial_delay = milliseconds(100);
  policy.max_delay = milliseconds(1'000);
  testing::FixedRandom low(0.0);
  testing::FixedRandom high(0.999999);
  CHECK(qradar::backoffDelay(policy, 1, low) == milliseconds(50));
  CHECK(qradar::backoffDelay(policy, 1, high) == milliseconds(99));
  CHECK(qradar::backoffDelay(policy, 2, low) == milliseconds(100));
  CHECK(qradar::backoffDelay(policy, 3, low) == milliseconds(200));
  CHECK(qradar::backoffDelay(policy, 10, high) <= milliseconds(1'000));
  CHECK(qradar::backoffDelay(policy, 10, low) == milliseconds(500));
}

TEST_CASE("Retry-After is a floor, still capped", "[retry]") {
  qradar::RetryPolicy policy;
  policy.initial_delay = milliseconds(100);
  policy.max_delay = milliseconds(5'000);
  testing::FixedRandom random(0.5);
  CHECK(qradar::backoffDelay(policy, 1, random, milliseconds(2'000)) == milliseconds(2'000));
  CHECK(qradar::backoffDelay(policy, 1, random, milliseconds(60'000)) == milliseconds(5'000));
}

TEST_CASE("what is retryable", "[retry]") {
  for (int status : {429, 500, 502, 503, 504}) CHECK(qradar::isRetryableStatus(status));
  for (int status : {200, 201, 400, 401, 403, 404, 409, 410, 422}) {
    CHECK_FALSE(qradar::isRetryableStatus(status));
  }
  CHECK(qradar::isRetryableError(core::makeError(core::ErrorCode::kTransport, "reset")));
  CHECK(qradar::isRetryableError(core::makeError(core::ErrorCode::kTimeout, "slow")));
  CHECK_FALSE(qradar::isRetryableError(core::makeError(core::ErrorCode::kTls, "bad cert")));
  CHECK_FALSE(qradar::isRetryableError(core::makeError(core::ErrorCode::kCancelled, "^C")));
}

#include <catch2/catch.hpp>

#include "qradar_client/qradar_error.h"

using namespace aihunt;

TEST_CASE("QRadar error bodies", "[error]") {
  auto e = qradar::parseQRadarError(
      404,
      R"({"message":"Search does not exist","details":{},"code":1002,"http_response":{"code":404}})");
  CHECK(e.code == 1002);
  CHECK(e.message == "Search does not exist");
  CHECK(qradar::toCoreError(e).code == core::ErrorCode::kNotFound);
  CHECK(qradar::toCoreError(e).message == "HTTP 404 (code 1002): Search does not exist");

  auto html = qradar::parseQRadarError(502, "<html>\nBad gateway</html>");
  CHECK(html.code == 0);
  CHECK(html.message == "<html> Bad gateway</html>");

  auto description = qradar::parseQRadarError(422, R"({"description":"bad","code":2000})");
  CHECK(description.message == "bad");
  CHECK(qradar::toCoreError(qradar::parseQRadarError(401, "")).code == core::ErrorCode::kAuth);
  CHECK(qradar::toCoreError(qradar::parseQRadarError(403, "{}")).code == core::ErrorCode::kAuth);
  CHECK(qradar::parseQRadarError(500, std::string(5000, 'x')).message.size() < 300);
}

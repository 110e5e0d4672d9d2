#pragma once
// A small libcurl client for the emulator tests: independent of aihunt's own QRadar client, so
// a misunderstanding of QRadar cannot hide in both. Verifies TLS with the emulator's CA file.
#include <map>
#include <string>
#include <vector>

namespace aihunt::testing {

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  bool has_body = false;
  std::string ca_file;  // empty: plain HTTP or verification as configured by `insecure`
  long timeout_ms = 15000;
};

struct HttpReply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  int curl_code = 0;                           // CURLE_OK == 0
  std::string curl_error;

  [[nodiscard]] std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

HttpReply perform(const HttpCall& call);
std::string urlEncode(const std::string& text);

}  // namespace aihunt::testing

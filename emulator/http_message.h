#pragma once
// HTTP requests and responses as the emulator's handlers see them: plain values, independent of
// Boost.Beast, so that routing, auth and every handler can be tested (and fuzzed) without sockets.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aihunt::emulator {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// ASCII case-insensitive header lookup; the first match wins.
std::optional<std::string_view> findHeader(const HeaderList& headers, std::string_view name);

struct HttpRequest {
  std::string method;                        // upper case: GET, POST, ...
  std::string target;                        // as sent: path plus query
  std::string path;                          // percent-encoded path without the query
  std::map<std::string, std::string> query;  // decoded; form bodies are merged in
  HeaderList headers;
  std::string body;
  std::string remote;  // peer address
  std::string user;    // the authenticated user, once auth has run
  bool admin = false;  // the user's role has QRadar's Admin capability (set with `user`)

  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    return findHeader(headers, name);
  }
  [[nodiscard]] const std::string* param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
};

// How the bytes of a response reach the client: fault injection breaks delivery on purpose.
enum class Delivery { kNormal, kReset, kTruncate };

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  Delivery delivery = Delivery::kNormal;
  std::string fault;  // the injected fault's name, for the request log

  void setHeader(std::string name, std::string value);
};

HttpResponse jsonResponse(int status, std::string body);

}  // namespace aihunt::emulator

#pragma once
// QRadar's error body, the one shape every failing endpoint answers with:
//   {"http_response": {"code": 404, "message": "Not Found"}, "code": 1002,
//    "message": "...", "description": "...", "details": {}}
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "emulator/http_message.h"

namespace aihunt::emulator {

// QRadar's unique error codes.
inline constexpr int kCodeBadJson = 1001;
inline constexpr int kCodeNotFound = 1002;
inline constexpr int kCodeRecordNotFound = 1003;
inline constexpr int kCodeNameInUse = 1004;
inline constexpr int kCodeInvalidParameter = 1005;
inline constexpr int kCodeStateConflict = 1008;
inline constexpr int kCodeCapability = 1009;
inline constexpr int kCodeArielUnavailable = 1010;
inline constexpr int kCodeServerError = 1020;
inline constexpr int kCodeBadSort = 1030;
inline constexpr int kCodeAqlSyntax = 2000;
inline constexpr int kCodeCollectionNameInUse = 10006;  // reference_data_collections: 409
inline constexpr int kCodeCollectionInvalid = 10007;    // reference_data_collections: 422
inline constexpr int kCodeCollectionFilter = 14001;     // reference_data_collections: bad filter
inline constexpr int kCodeBulkTaskNotFound = 23001;     // set_bulk_update_tasks/{id}: 404
inline constexpr int kCodeUnauthorized = 18;            // QRadar's 401 body code

struct ApiError {
  int status = 500;
  int code = kCodeServerError;
  std::string message;
  std::string description;
  nlohmann::json details = nlohmann::json::object();
};

// A value or QRadar's error, for store operations whose failures map straight onto API errors.
template <typename T>
using ApiResult = std::variant<T, ApiError>;

// The text QRadar puts in http_response.message for a status (401: "You are unauthorized to
// access the requested resource.", 422: "The request was well-formed but ...").
std::string reasonPhrase(int status);

std::string errorBody(const ApiError& error);
HttpResponse errorResponse(const ApiError& error);

// The common ones.
ApiError notFound(std::string message);
ApiError invalidParameter(std::string message);

}  // namespace aihunt::emulator

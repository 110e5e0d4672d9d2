#include "emulator/qradar_error.h"

namespace aihunt::emulator {

std::string reasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 206:
      return "Partial Content";
    case 400:
      return "Bad Request";
    case 401:
      return "You are unauthorized to access the requested resource.";
    case 403:
      return "Your account is not authorized to access the requested resource";
    case 404:
      return "We could not find the resource you requested.";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "The request could not be completed due to a conflict with the current state of the "
             "resource";
    case 410:
      return "Gone";
    case 413:
      return "Payload Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "The request was well-formed but was unable to be followed due to semantic errors";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Unexpected internal server error";
    case 507:
      return "Insufficient Storage";
    case 503:
      return "The server is temporarily unable to handle the request";
    default:
      return "Error";
  }
}

std::string errorBody(const ApiError& error) {
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["http_response"] = {{"code", error.status}, {"message", reasonPhrase(error.status)}};
  body["code"] = error.code;
  body["message"] = error.message;
  body["description"] = error.description;
  body["details"] = error.details;
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

HttpResponse errorResponse(const ApiError& error) {
  HttpResponse response;
  response.status = error.status;
  response.setHeader("Content-Type", "application/json");
  response.body = errorBody(error);
  return response;
}

ApiError notFound(std::string message) {
  return ApiError{404, kCodeNotFound, std::move(message), "The requested resource was not found.",
                  nlohmann::json::object()};
}

ApiError invalidParameter(std::string message) {
  return ApiError{422, kCodeInvalidParameter, std::move(message),
                  "A request parameter is not valid.", nlohmann::json::object()};
}

}  // namespace aihunt::emulator

#pragma once
// `aihunt config example`: a complete, commented config (content/aihunt.example.yaml) with the
// example exceptions (content/exceptions.example.yaml) appended, so each lives in one file.
#include <string>
#include <string_view>

namespace aihunt::config {

std::string exampleConfigText();
std::string_view exampleExceptionsText();

}  // namespace aihunt::config

#include "config/example_config.h"

#include "config/content_pack.h"

namespace aihunt::config {

std::string_view exampleExceptionsText() {
  const core::EmbeddedFile* file = findBuiltinFile("exceptions.example.yaml");
  return file != nullptr ? file->contents : std::string_view();
}

std::string exampleConfigText() {
  const core::EmbeddedFile* file = findBuiltinFile("aihunt.example.yaml");
  std::string text(file != nullptr ? file->contents : std::string_view());
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += '\n';
  text += exampleExceptionsText();
  return text;
}

}  // namespace aihunt::config

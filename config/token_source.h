#pragma once
// Where the QRadar API token comes from: the AIHUNT_QRADAR_TOKEN environment variable, else
// the file named by qradar.token_file. Never the config file itself. Nothing here ever puts the
// token's text into an error or warning.
#include <optional>
#include <string>

#include "config/config.h"
#include "config/config_error.h"
#include "config/environment.h"
#include "config/secret.h"

namespace aihunt::config {

inline constexpr std::string_view kTokenVariable = "AIHUNT_QRADAR_TOKEN";
inline constexpr std::string_view kTokenFileKey = "qradar.token_file";

struct ResolvedToken {
  SecretString token;
  std::string origin;  // "AIHUNT_QRADAR_TOKEN" or the file's path
};

// Reports a missing, unreadable, empty or malformed token as an error at `file_key` (the
// setting that named the file: "qradar.token_file", or "--token-file" when the command line
// did), or at "qradar" when neither source is configured. The file is opened without following a
// symbolic link and without blocking, and must be a regular file; one that group or others can
// read is an error unless qradar.allow_readable_token_file (then a warning, as is any other
// group or other access).
// AIHUNT_QRADAR_TOKEN wins over qradar.token_file, so a token file that cannot be read goes
// unnoticed until a run without the variable fails on it. For the commands that check a setup
// (`config check`, `check`) and the daemon's start: what to warn about, if anything.
std::optional<std::string> hiddenTokenFileWarning(const QRadarConfig& qradar,
                                                  const Environment& env);

std::optional<ResolvedToken> resolveQRadarToken(const QRadarConfig& qradar, const Environment& env,
                                                Diagnostics& diagnostics,
                                                std::string_view file_key = kTokenFileKey);

}  // namespace aihunt::config

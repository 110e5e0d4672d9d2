#pragma once
// Process exit codes, shared by every subcommand and documented in the README and --help.
namespace aihunt::core {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;      // findings found and --fail-on-findings given
inline constexpr int kExitUsage = 2;         // usage, config or input error
inline constexpr int kExitConnection = 3;    // connection, TLS or authentication failure
inline constexpr int kExitSearchFailed = 4;  // a search failed or ran past its deadline
inline constexpr int kExitState = 5;         // the state store is damaged or unwritable
// Another process holds what aihunt needs: the state file (another aihunt) or the health
// server's port. Unlike 2 and 5 it passes by itself, so a service manager may restart on it.
inline constexpr int kExitBusy = 6;
// Ctrl-C (SIGINT) or SIGTERM stopped an on-demand hunt: 128 + SIGINT, what a shell reports for a
// command the signal ended, so scripts tell an interruption from a failure.
inline constexpr int kExitInterrupted = 130;

}  // namespace aihunt::core

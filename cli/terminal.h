#pragma once
// What the terminal a table is printed on can show: how many columns wide it is, and whether
// colour is wanted. Read once per command, from the stream itself and the environment.
#include <cstddef>
#include <cstdio>

#include "config/environment.h"

namespace aihunt::cli {

inline constexpr std::size_t kDefaultTableWidth = 100;

// The window's width when `stream` is a terminal (TIOCGWINSZ), else $COLUMNS when it is a
// positive number, else 100.
std::size_t terminalWidth(std::FILE* stream, const config::Environment& environment);

// Colour only on a terminal, never with --no-color or when NO_COLOR is set to anything but ""
// (no-color.org), and not on TERM=dumb.
bool colorWanted(std::FILE* stream, const config::Environment& environment, bool no_color_flag);

}  // namespace aihunt::cli

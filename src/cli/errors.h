// How the tycho command reports what stops it before or instead of running anything.
#pragma once

#include <cstdio>
#include <string>

namespace tycho::cli {

// "tycho: MESSAGE" on stderr; returns 1, the status of a command that could not run.
inline int command_error(const std::string& message) {
    std::fprintf(stderr, "tycho: %s\n", message.c_str());
    return 1;
}

// "tycho: MESSAGE (see 'tycho --help')" on stderr; returns 2, the status of a bad command
// line.
inline int usage_error(const std::string& message) {
    std::fprintf(stderr, "tycho: %s (see 'tycho --help')\n", message.c_str());
    return 2;
}

} // namespace tycho::cli

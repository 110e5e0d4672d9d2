#pragma once
// Small POSIX socket helpers shared by the HTTP and syslog listeners.
#include <string>

namespace aihunt::emulator {

// SO_RCVTIMEO / SO_SNDTIMEO on a connected socket.
void setSocketTimeouts(int fd, int seconds);
// SO_LINGER {on, 0}: the next close sends a TCP RST instead of a FIN.
void setAbortiveClose(int fd);
bool isLoopbackAddress(const std::string& address);

}  // namespace aihunt::emulator

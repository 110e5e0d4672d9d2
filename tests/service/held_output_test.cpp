// Held output (service/held_output.h): past its memory buffer the bytes go to a spool file, and
// release() hands them on in the kernel (sendfile) or, where the output refuses that (a file
// opened for appending), by reading and writing. Either way the output gets every byte, in
// order, after what was written to it directly.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "service/held_output.h"

using aihunt::service::HeldOutput;
using aihunt::service::HoldOptions;

namespace {

// 3 MiB in uneven pieces, none alike: a byte out of place shows.
std::string heldBytes() {
  std::string bytes;
  for (int i = 0; bytes.size() < (3U << 20); ++i) {
    bytes += "finding " + std::to_string(i) + " " +
             std::string(static_cast<std::size_t>(i % 97), 'x') + "\n";
  }
  return bytes;
}

// What `out` receives: the document's head written directly, then the held bytes.
void holdAndRelease(std::FILE* out, const std::string& bytes) {
  HoldOptions options;
  options.spool_dir = std::filesystem::temp_directory_path().string();
  HeldOutput held(out, options);
  for (std::size_t at = 0; at < bytes.size(); at += 40'000) {
    REQUIRE(held.append(std::string_view(bytes).substr(at, 40'000)));
  }
  REQUIRE(held.direct("head\n"));
  REQUIRE(held.release());
}

std::string readAll(int fd) {
  std::string text;
  char chunk[65536];
  ssize_t got = 0;
  while ((got = ::read(fd, chunk, sizeof chunk)) > 0)
    text.append(chunk, static_cast<std::size_t>(got));
  return text;
}

}  // namespace

TEST_CASE("held output reaches a file, a file opened for appending and a pipe, byte for byte") {
  const std::string bytes = heldBytes();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("held_output_test_" + std::to_string(::getpid())))
          .string();
  for (const int flags : {O_WRONLY | O_CREAT | O_TRUNC, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND}) {
    INFO("flags " << flags);
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "before\n", 7) == 7);  // what was there stays, and the rest follows it
    std::FILE* out = ::fdopen(fd, (flags & O_APPEND) != 0 ? "ab" : "wb");
    REQUIRE(out != nullptr);
    holdAndRelease(out, bytes);
    std::fclose(out);
    const int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(in >= 0);
    const std::string written = readAll(in);
    ::close(in);
    CHECK(written.size() == 7 + 5 + bytes.size());
    CHECK(written == "before\nhead\n" + bytes);
  }
  std::filesystem::remove(path);

  int ends[2];
  REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
  std::string piped;
  std::thread reader([&] { piped = readAll(ends[0]); });
  std::FILE* out = ::fdopen(ends[1], "wb");
  REQUIRE(out != nullptr);
  holdAndRelease(out, bytes);
  std::fclose(out);
  reader.join();
  ::close(ends[0]);
  CHECK(piped.size() == 5 + bytes.size());
  CHECK(piped == "head\n" + bytes);
}

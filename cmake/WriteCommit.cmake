# Run by every build (cli/CMakeLists.txt), not only when CMake configures: writes the commit that
# `aihunt --version` names into OUT, and touches OUT only when that changed, so that a new commit
# recompiles one small file and a build with nothing new recompiles nothing. FIXED, when not
# empty, is used as it is (a build from a tarball or an image without .git). A tree with changes
# to tracked files not yet committed is named "<commit>-dirty": its binary is not that commit.
if(NOT FIXED STREQUAL "")
  set(commit "${FIXED}")
else()
  # --no-optional-locks: a build must not take the index lock from a `git commit` running at
  # the same time. The tree must be the repository's top: a source tarball unpacked inside
  # another repository is not that repository's HEAD.
  execute_process(COMMAND git --no-optional-locks -C "${SOURCE_DIR}" rev-parse --show-toplevel
                  OUTPUT_VARIABLE top OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE top_result)
  set(commit "unknown")
  if(top_result EQUAL 0)
    file(REAL_PATH "${top}" top)
    file(REAL_PATH "${SOURCE_DIR}" source)
    if(top STREQUAL source)
      execute_process(COMMAND git --no-optional-locks -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                      OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE
                      ERROR_QUIET RESULT_VARIABLE head_result)
      if(head_result EQUAL 0 AND NOT head STREQUAL "")
        set(commit "${head}")
        # Anything but "no changes" (1: changes; other codes: git could not tell) is not that
        # commit.
        execute_process(COMMAND git --no-optional-locks -C "${SOURCE_DIR}" diff --quiet HEAD --
                        RESULT_VARIABLE dirty_result ERROR_QUIET)
        if(NOT dirty_result EQUAL 0)
          string(APPEND commit "-dirty")
        endif()
      endif()
    endif()
  endif()
endif()
# Only characters that cannot end the C++ string literal.
string(REGEX REPLACE "[^A-Za-z0-9._+-]" "_" commit "${commit}")
file(WRITE "${OUT}.new"
  "// Written at build time by cmake/WriteCommit.cmake.\n"
  "#include \"cli/build_commit.h\"\n\n"
  "const char* aihunt::cli::buildCommit() { return \"${commit}\"; }\n")
file(COPY_FILE "${OUT}.new" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.new")

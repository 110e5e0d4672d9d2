# Run by every build (cli/CMakeLists.txt), not only when CMake configures: writes the commit that
# `aihunt --version` names into OUT, and touches OUT only when that changed, so that a new commit
# recompiles one small file and a build with nothing new recompiles nothing. FIXED, when not
# empty, is used as it is (a build from a tarball or an image without .git). A tree with changes
# to tracked files not yet committed is named "<commit>-dirty": its binary is not that commit.
if(NOT FIXED STREQUAL "")
  set(commit "${FIXED}")
else()
  execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE git_result)
  if(NOT git_result EQUAL 0 OR commit STREQUAL "")
    set(commit "unknown")
  else()
    execute_process(COMMAND git -C "${SOURCE_DIR}" diff --quiet HEAD --
                    RESULT_VARIABLE dirty_result ERROR_QUIET)
    if(dirty_result EQUAL 1)
      string(APPEND commit "-dirty")
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

# Warnings apply to our targets only (third-party headers come in as SYSTEM).
function(aihunt_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align)
  # GCC 12 reports std::optional<std::string> members as maybe-uninitialized at -O2, and
  # std::string::replace as overlapping at -O3, where neither happens (GCC bugs 105562 and
  # 105329); clang and -O0 builds keep both checks.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized -Wno-restrict)
  endif()
  if(AIHUNT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# One library per component folder: aihunt_library(NAME SOURCES ... DEPS ...)
function(aihunt_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  aihunt_warnings(${name})
  # A cold build spends most of its time parsing the same headers (the standard library,
  # nlohmann, spdlog, Boost) once per file; a unity file of 16 sources parses them once. Only
  # where AIHUNT_UNITY is on (the release preset that the Quickstart builds): the dev, sanitizer
  # and tidy builds compile file by file, so that a missing include or a name two files share
  # still shows there.
  if(AIHUNT_UNITY)
    set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 16)
  endif()
endfunction()

# Run at build time (not configure time) by the schoolsim_git_hash target: writes the source
# commit into OUTPUT, touching the file only when the commit changed, so a new commit
# recompiles one file (sim/core/version.cpp) and an unchanged tree recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY "${SOURCE_DIR}"
  OUTPUT_VARIABLE hash OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR NOT hash)
  set(hash "unknown")
endif()
set(content "#pragma once\n// Generated at build time by cmake/git_hash.cmake: the commit the binary was built from.\nnamespace schoolsim {\ninline constexpr const char* kGitHash = \"${hash}\";\n}  // namespace schoolsim\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()

# Run at every build (cmake -P): writes OUT, a C++ file with rehook's version and the commit it is
# built from, but only when that text changed, so a build after a new commit says so (rehook
# --version) without rebuilding anything else. Outside a git checkout the commit is "unknown";
# uncommitted changes to tracked files add "-dirty".
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE failed ERROR_QUIET)
if(failed OR commit STREQUAL "")
  set(commit "unknown")
else()
  execute_process(COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
                  OUTPUT_VARIABLE changes ERROR_QUIET)
  if(NOT changes STREQUAL "")
    string(APPEND commit "-dirty")
  endif()
endif()
set(text "// Generated at build time by cmake/BuildVersion.cmake.
#include \"app/version.h\"

namespace rehook {
const char* const kVersion = \"${VERSION}\";
const char* const kCommit = \"${commit}\";
}  // namespace rehook
")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()

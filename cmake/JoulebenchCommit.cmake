# Writes OUTPUT with the commit of SOURCE_DIR (and whether the tree has uncommitted changes),
# rewriting it only when that changed, so an unchanged tree rebuilds nothing.
execute_process(COMMAND git -C ${SOURCE_DIR} rev-parse --short=12 HEAD
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown (not a git checkout)")
endif()
execute_process(COMMAND git -C ${SOURCE_DIR} status --porcelain --untracked-files=no
  OUTPUT_VARIABLE changes ERROR_QUIET RESULT_VARIABLE rc)
set(dirty false)
if(rc EQUAL 0 AND NOT changes STREQUAL "")
  set(dirty true)
endif()
set(text "// Generated at build time by cmake/JoulebenchCommit.cmake.\n#include \"runtime/build_info.hpp\"\n\nnamespace joulebench::cli {\nconst char* const kBuildCommit = \"${commit}\";\nconst bool kBuildDirty = ${dirty};\n}  // namespace joulebench::cli\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUTPUT} "${text}")
endif()

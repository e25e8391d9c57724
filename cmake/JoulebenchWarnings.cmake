# Warnings as errors on our own targets only; never global flags.
# GCC 12 at -O3 reports impossible overlaps and out-of-bounds accesses inside the standard
# library's std::string and std::map (GCC bugs 105329, 105651, 104165), here reached through
# nlohmann::json's initializer lists; the code it flags is the library's own. Both are turned off
# for GCC 12 only, where the false positives are; clang and the sanitizer builds keep them.
function(joulebench_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wno-psabi
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-array-bounds>)
endfunction()

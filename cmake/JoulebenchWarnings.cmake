# Warnings as errors on our own targets only; never global flags.
# -Wno-restrict: GCC 12 reports impossible overlaps inside std::string concatenation at -O3
# (GCC bugs 105329, 105651); the code it flags is the standard library's own.
function(joulebench_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wno-psabi
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
endfunction()

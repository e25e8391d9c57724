# Warnings as errors on our own targets only; never global flags.
function(joulebench_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wno-psabi)
endfunction()

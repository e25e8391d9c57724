# Finds every external dependency; a missing one stops configure naming the Debian package.

function(joulebench_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR
      "joulebench: ${what} not found. Install it with: sudo apt-get install ${package} "
      "(or run scripts/bootstrap.sh, which installs every dependency).")
  endif()
endfunction()

find_package(OpenSSL QUIET)
joulebench_require(OpenSSL_FOUND "OpenSSL (libcrypto)" libssl-dev)

find_package(TBB QUIET CONFIG)
joulebench_require(TBB_FOUND "oneTBB" libtbb-dev)

find_package(nlohmann_json 3.10 QUIET CONFIG)
joulebench_require(nlohmann_json_FOUND "nlohmann JSON" nlohmann-json3-dev)

find_package(PkgConfig QUIET)
joulebench_require(PKG_CONFIG_FOUND "pkg-config" pkg-config)
pkg_check_modules(HWLOC QUIET IMPORTED_TARGET hwloc)
joulebench_require(HWLOC_FOUND "hwloc" libhwloc-dev)

find_package(Threads REQUIRED)

if(JOULEBENCH_BUILD_BENCHMARKS)
  find_package(benchmark QUIET CONFIG)
  joulebench_require(benchmark_FOUND "Google Benchmark" libbenchmark-dev)
endif()

if(JOULEBENCH_BUILD_TESTS)
  find_package(GTest QUIET)
  joulebench_require(GTest_FOUND "GoogleTest" "libgtest-dev googletest")
endif()

# Comparison libraries: optional, used only by bench/ to time the same inputs in-process.
find_package(dnnl QUIET CONFIG)
pkg_check_modules(OPENBLAS QUIET IMPORTED_TARGET openblas)
if(NOT dnnl_FOUND)
  message(STATUS "joulebench: oneDNN not found (apt-get install libdnnl-dev); --against onednn disabled")
endif()
if(NOT OPENBLAS_FOUND)
  message(STATUS "joulebench: OpenBLAS not found (apt-get install libopenblas-dev); --against openblas disabled")
endif()

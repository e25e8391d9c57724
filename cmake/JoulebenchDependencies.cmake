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
# Type errors name the JSON pointer of the bad field ("/workloads/0/watts"), so a malformed
# results file is refused naming the field. Every user of the library sees the same definition.
set_property(TARGET nlohmann_json::nlohmann_json APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS JSON_DIAGNOSTICS=1)

find_package(PkgConfig QUIET)
joulebench_require(PKG_CONFIG_FOUND "pkg-config" pkg-config)
pkg_check_modules(HWLOC QUIET IMPORTED_TARGET hwloc)
joulebench_require(HWLOC_FOUND "hwloc" libhwloc-dev)
# `plan` solves its allocation as a MILP with COIN-OR CBC (EPL-2.0), in-process.
pkg_check_modules(CBC QUIET IMPORTED_TARGET cbc)
joulebench_require(CBC_FOUND "COIN-OR CBC" coinor-libcbc-dev)
# cbc.pc links -lz and -lbz2, which coinor-libcbc-dev does not depend on.
find_library(JOULEBENCH_LIBZ z)
joulebench_require(JOULEBENCH_LIBZ "zlib (CBC links it)" zlib1g-dev)
find_library(JOULEBENCH_LIBBZ2 bz2)
joulebench_require(JOULEBENCH_LIBBZ2 "libbz2 (CBC links it)" libbz2-dev)

# Meters that speak HTTP(S): Redfish BMCs (--meter redfish://...).
find_package(CURL QUIET)
joulebench_require(CURL_FOUND "libcurl" libcurl4-openssl-dev)

# SNMP PDUs (--meter snmp://...): net-snmp's library. Optional only for a cross build, where
# libsnmp-dev of the target cannot be installed beside the host's (it is not Multi-Arch: same).
option(JOULEBENCH_WITH_SNMP "SNMP PDU meters (net-snmp)" ON)
if(JOULEBENCH_WITH_SNMP)
  pkg_check_modules(NETSNMP QUIET IMPORTED_TARGET netsnmp)
  joulebench_require(NETSNMP_FOUND "net-snmp" libsnmp-dev)
endif()

# IPMI BMCs (--meter ipmi://...): freeipmi's library for the RMCP+ session and SDR records.
# Optional for the same reason as SNMP.
option(JOULEBENCH_WITH_IPMI "IPMI BMC meters (freeipmi)" ON)
if(JOULEBENCH_WITH_IPMI)
  pkg_check_modules(FREEIPMI QUIET IMPORTED_TARGET libfreeipmi)
  joulebench_require(FREEIPMI_FOUND "libfreeipmi" libfreeipmi-dev)
endif()

find_package(Threads REQUIRED)

if(JOULEBENCH_BUILD_BENCHMARKS)
  find_package(benchmark QUIET CONFIG)
  joulebench_require(benchmark_FOUND "Google Benchmark" libbenchmark-dev)
endif()

if(JOULEBENCH_BUILD_TESTS)
  find_package(GTest QUIET)
  joulebench_require(GTest_FOUND "GoogleTest" "libgtest-dev googletest")
endif()

# Comparison libraries: optional, used only by bench/ to time the same inputs in-process. Each is
# first configured, compiled and linked in a throw-away probe project (cmake/probes/), so one that
# is missing or broken turns off only its `--against` option and never stops this configure.
option(JOULEBENCH_WITH_ONEDNN "Compare against oneDNN when it is installed and usable" ON)
option(JOULEBENCH_WITH_OPENBLAS "Compare against OpenBLAS when it is installed and usable" ON)

function(joulebench_probe_library name result hint)
  set(${result} FALSE PARENT_SCOPE)
  string(TOUPPER "${name}" upper)
  if(NOT JOULEBENCH_WITH_${upper})
    message(STATUS "joulebench: ${name} comparison off (JOULEBENCH_WITH_${upper}=OFF); --against ${name} disabled")
    return()
  endif()
  # A child cmake, not try_compile: a FATAL_ERROR inside a package's config would stop ours too.
  set(bin ${CMAKE_BINARY_DIR}/probes/${name})
  file(REMOVE_RECURSE ${bin})
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/probes/${name} -B ${bin}
            -G ${CMAKE_GENERATOR} -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
    RESULT_VARIABLE configure_rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
  set(usable FALSE)
  if(configure_rc EQUAL 0)
    execute_process(COMMAND ${CMAKE_COMMAND} --build ${bin}
      RESULT_VARIABLE build_rc OUTPUT_VARIABLE build_log ERROR_VARIABLE build_log)
    string(APPEND log "${build_log}")
    if(build_rc EQUAL 0)
      set(usable TRUE)
    endif()
  endif()
  if(usable)
    set(${result} TRUE PARENT_SCOPE)
  else()
    file(WRITE ${CMAKE_BINARY_DIR}/probes/${name}.log "${log}")
    set(why "probe failed")
    foreach(pattern "Could NOT find [^\n]*" "fatal error: [^\n]*" "undefined reference[^\n]*" "CMake Error[^\n]*")
      string(REGEX MATCH "${pattern}" found "${log}")
      if(found)
        set(why "${found}")
        break()
      endif()
    endforeach()
    message(STATUS "joulebench: ${name} is not usable here (${why}); --against ${name} disabled. "
                   "${hint} Details: ${CMAKE_BINARY_DIR}/probes/${name}.log")
  endif()
endfunction()

joulebench_probe_library(onednn JOULEBENCH_ONEDNN_USABLE
  "Install libdnnl-dev and ocl-icd-opencl-dev (scripts/bootstrap.sh does).")
joulebench_probe_library(openblas JOULEBENCH_OPENBLAS_USABLE "Install libopenblas-dev (scripts/bootstrap.sh does).")
if(JOULEBENCH_ONEDNN_USABLE)
  find_package(dnnl CONFIG REQUIRED)
  find_package(OpenMP REQUIRED)
  message(STATUS "joulebench: oneDNN ${dnnl_VERSION} found; --against onednn enabled")
endif()
if(JOULEBENCH_OPENBLAS_USABLE)
  pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
  message(STATUS "joulebench: OpenBLAS ${OPENBLAS_VERSION} found; --against openblas enabled")
endif()

# Build disclosure: what results.json and `joulebench --version` say about the build comes from the
# build itself. Configure-time facts (version, build type, compiler, flags) go into a generated
# source; the git commit is read at every build (a script target), so it never goes stale.
function(joulebench_build_info target)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" config)
  set(JOULEBENCH_BUILD_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${config}}")
  string(STRIP "${JOULEBENCH_BUILD_FLAGS}" JOULEBENCH_BUILD_FLAGS)
  set(JOULEBENCH_ISA_FLAGS "shani: ${JOULEBENCH_FLAGS_SHANI}; avx2: ${JOULEBENCH_FLAGS_AVX2}; avx512: ${JOULEBENCH_FLAGS_AVX512}")
  string(REPLACE ";" " " JOULEBENCH_ISA_FLAGS "${JOULEBENCH_ISA_FLAGS}")
  set(out ${CMAKE_CURRENT_BINARY_DIR}/generated)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/build_info.cpp.in ${out}/build_info.cpp @ONLY)
  add_custom_target(${target}_commit
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${out}/build_commit.cpp
            -P ${PROJECT_SOURCE_DIR}/cmake/JoulebenchCommit.cmake
    BYPRODUCTS ${out}/build_commit.cpp
    COMMENT "Reading the git commit for build disclosure")
  target_sources(${target} PRIVATE ${out}/build_info.cpp ${out}/build_commit.cpp)
  add_dependencies(${target} ${target}_commit)
endfunction()

# Probes the compiler for each instruction set with a real intrinsic, and gives a source file the
# flags of that ISA only. Generic code keeps the baseline x86-64 flags so the binary runs anywhere.
include(CheckCXXSourceCompiles)
include(CMakePushCheckState)

function(joulebench_probe_isa var flags source)
  cmake_push_check_state(RESET)
  set(CMAKE_REQUIRED_FLAGS "${flags}")
  check_cxx_source_compiles("#include <immintrin.h>\n${source}" ${var})
  cmake_pop_check_state()
  set(${var} ${${var}} PARENT_SCOPE)
endfunction()

set(JOULEBENCH_FLAGS_SHANI -msse4.1 -msha)
set(JOULEBENCH_FLAGS_AVX2 -mavx2 -mfma -mbmi2)
set(JOULEBENCH_FLAGS_AVX512 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma -mbmi2)
set(JOULEBENCH_FLAGS_AVX512_BF16 ${JOULEBENCH_FLAGS_AVX512} -mavx512bf16)
set(JOULEBENCH_FLAGS_AVX512_VNNI ${JOULEBENCH_FLAGS_AVX512} -mavx512vnni)
set(JOULEBENCH_FLAGS_AVXVNNI ${JOULEBENCH_FLAGS_AVX2} -mavxvnni)

joulebench_probe_isa(JOULEBENCH_HAVE_SHANI "-msse4.1 -msha"
  "int main(){__m128i a=_mm_setzero_si128();a=_mm_sha256rnds2_epu32(a,a,a);return _mm_cvtsi128_si32(a);}")
joulebench_probe_isa(JOULEBENCH_HAVE_AVX2 "-mavx2 -mfma"
  "int main(){__m256i a=_mm256_set1_epi32(1);a=_mm256_add_epi32(a,a);return _mm256_extract_epi32(a,0);}")
joulebench_probe_isa(JOULEBENCH_HAVE_AVX512 "-mavx512f -mavx512bw -mavx512vl"
  "int main(){__m512i a=_mm512_set1_epi32(1);a=_mm512_ternarylogic_epi32(a,a,a,0x96);return _mm512_cmpeq_epi32_mask(a,a)!=0xffff;}")
joulebench_probe_isa(JOULEBENCH_HAVE_AVX512_BF16 "-mavx512f -mavx512bw -mavx512vl -mavx512bf16"
  "int main(){__m512 a=_mm512_set1_ps(1);a=_mm512_dpbf16_ps(a,(__m512bh)_mm512_castps_si512(a),(__m512bh)_mm512_castps_si512(a));return (int)_mm512_reduce_add_ps(a);}")
joulebench_probe_isa(JOULEBENCH_HAVE_AVX512_VNNI "-mavx512f -mavx512bw -mavx512vl -mavx512vnni"
  "int main(){__m512i a=_mm512_set1_epi32(1);a=_mm512_dpbusd_epi32(a,a,a);return _mm512_reduce_add_epi32(a);}")
joulebench_probe_isa(JOULEBENCH_HAVE_AVXVNNI "-mavx2 -mavxvnni"
  "int main(){__m256i a=_mm256_set1_epi32(1);a=_mm256_dpbusd_avx_epi32(a,a,a);return _mm256_extract_epi32(a,0);}")

# Adds an ISA source to target: compiled with that ISA's flags and JOULEBENCH_HAVE_<ISA>=1, or
# (when the compiler lacks the ISA) compiled empty with JOULEBENCH_HAVE_<ISA>=0.
function(joulebench_isa_source target isa source)
  target_sources(${target} PRIVATE ${source})
  if(JOULEBENCH_BUILD_FUZZERS)
    # Kernels are arithmetic, not parsers: sanitizing their unrolled bodies costs minutes of
    # compile time and finds nothing the reference tests do not.
    set_property(SOURCE ${source} APPEND PROPERTY COMPILE_OPTIONS -fno-sanitize=all)
  endif()
  if(JOULEBENCH_HAVE_${isa})
    set_property(SOURCE ${source} APPEND PROPERTY COMPILE_OPTIONS ${JOULEBENCH_FLAGS_${isa}})
    set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS JOULEBENCH_HAVE_${isa}=1)
  else()
    set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS JOULEBENCH_HAVE_${isa}=0)
  endif()
  target_compile_definitions(${target} PUBLIC JOULEBENCH_BUILT_${isa}=$<BOOL:${JOULEBENCH_HAVE_${isa}}>)
endfunction()

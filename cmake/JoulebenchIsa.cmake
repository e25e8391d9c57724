# Probes the compiler for each instruction set with a real intrinsic, and gives a source file the
# flags of that ISA only. Generic code keeps the baseline flags (x86-64, or armv8-a) so the binary
# runs on any CPU of its architecture.
include(CheckCXXSourceCompiles)
include(CMakePushCheckState)

function(joulebench_probe_isa var flags source)
  cmake_push_check_state(RESET)
  set(CMAKE_REQUIRED_FLAGS "${flags}")
  check_cxx_source_compiles("#include <immintrin.h>\n${source}" ${var})
  cmake_pop_check_state()
  set(${var} ${${var}} PARENT_SCOPE)
endfunction()

function(joulebench_probe_arm var flags source)
  cmake_push_check_state(RESET)
  set(CMAKE_REQUIRED_FLAGS "${flags}")
  check_cxx_source_compiles("#include <arm_neon.h>\n${source}" ${var})
  cmake_pop_check_state()
  set(${var} ${${var}} PARENT_SCOPE)
endfunction()

function(joulebench_probe_sve var flags source)
  cmake_push_check_state(RESET)
  set(CMAKE_REQUIRED_FLAGS "${flags}")
  check_cxx_source_compiles("#include <arm_sve.h>\n${source}" ${var})
  cmake_pop_check_state()
  set(${var} ${${var}} PARENT_SCOPE)
endfunction()

set(JOULEBENCH_FLAGS_SHANI -msse4.1 -msha)
set(JOULEBENCH_FLAGS_AVX2 -mavx2 -mfma -mbmi2)
set(JOULEBENCH_FLAGS_AVX512 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma -mbmi2)
set(JOULEBENCH_FLAGS_AVX512_BF16 ${JOULEBENCH_FLAGS_AVX512} -mavx512bf16)
set(JOULEBENCH_FLAGS_AVX512_VNNI ${JOULEBENCH_FLAGS_AVX512} -mavx512vnni)
set(JOULEBENCH_FLAGS_AVXVNNI ${JOULEBENCH_FLAGS_AVX2} -mavxvnni)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
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
endif()

# aarch64: each extension probed with the -march that enables it; x86 ISAs stay off (and x86
# kernel sources compile empty), as the Arm ones do on x86-64.
set(JOULEBENCH_FLAGS_NEON -march=armv8-a)
set(JOULEBENCH_FLAGS_ARM_SHA2 -march=armv8-a+crypto)
set(JOULEBENCH_FLAGS_ARM_DOTPROD -march=armv8.2-a+dotprod)
set(JOULEBENCH_FLAGS_ARM_BF16 -march=armv8.6-a+bf16)
set(JOULEBENCH_FLAGS_ARM_I8MM -march=armv8.6-a+i8mm)
set(JOULEBENCH_FLAGS_SVE -march=armv8.2-a+sve)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  joulebench_probe_arm(JOULEBENCH_HAVE_NEON "-march=armv8-a"
    "int main(){uint32x4_t a=vdupq_n_u32(1);a=vaddq_u32(a,a);return (int)vgetq_lane_u32(a,0);}")
  joulebench_probe_arm(JOULEBENCH_HAVE_ARM_SHA2 "-march=armv8-a+crypto"
    "int main(){uint32x4_t a=vdupq_n_u32(1);a=vsha256hq_u32(a,a,a);return (int)vgetq_lane_u32(a,0);}")
  joulebench_probe_arm(JOULEBENCH_HAVE_ARM_DOTPROD "-march=armv8.2-a+dotprod"
    "int main(){int32x4_t a=vdupq_n_s32(1);int8x16_t b=vdupq_n_s8(1);a=vdotq_s32(a,b,b);return vgetq_lane_s32(a,0);}")
  joulebench_probe_arm(JOULEBENCH_HAVE_ARM_BF16 "-march=armv8.6-a+bf16"
    "int main(){float32x4_t a=vdupq_n_f32(1);bfloat16x8_t b=vreinterpretq_bf16_u16(vdupq_n_u16(1));a=vbfmmlaq_f32(a,b,b);return (int)vgetq_lane_f32(a,0);}")
  joulebench_probe_arm(JOULEBENCH_HAVE_ARM_I8MM "-march=armv8.6-a+i8mm"
    "int main(){int32x4_t a=vdupq_n_s32(1);int8x16_t b=vdupq_n_s8(1);a=vmmlaq_s32(a,b,b);return vgetq_lane_s32(a,0);}")
  joulebench_probe_sve(JOULEBENCH_HAVE_SVE "-march=armv8.2-a+sve"
    "int main(){svfloat32_t a=svdup_f32(1);a=svadd_f32_x(svptrue_b32(),a,a);return (int)svaddv_f32(svptrue_b32(),a);}")
endif()

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

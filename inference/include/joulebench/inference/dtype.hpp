// Element types of the inference engine and their scalar conversions.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace joulebench::inference {

/// GEMM data type: fp32 (fp32 in, fp32 accumulate), bf16 (bf16 weights and activations, fp32
/// accumulate), int8 (u8 activations x s8 weights, s32 accumulate, fp32 scales).
enum class DType { fp32, bf16, int8 };

/// Parses "fp32" | "bf16" | "int8"; throws std::invalid_argument naming the value.
DType parse_dtype(std::string_view s);
std::string_view to_string(DType d);

/// bf16 stored as its 16 raw bits.
using bf16_t = std::uint16_t;

/// Round to nearest even, as vcvtneps2bf16 does (NaN kept quiet).
inline bf16_t float_to_bf16(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<bf16_t>((u >> 16) | 0x40);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<bf16_t>(u >> 16);
}

inline float bf16_to_float(bf16_t h) {
  const std::uint32_t u = static_cast<std::uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// Affine u8 quantization of activations: real = scale * (q - zero_point).
struct QuantParams {
  float scale = 1.0f;
  std::int32_t zero_point = 0;

  /// Parameters covering [lo, hi] (always including 0) with all 256 levels.
  static QuantParams for_range(float lo, float hi);
  [[nodiscard]] std::uint8_t quantize(float x) const {
    const float q = std::nearbyint(x / scale) + static_cast<float>(zero_point);
    return static_cast<std::uint8_t>(q < 0.f ? 0.f : (q > 255.f ? 255.f : q));
  }
};

/// Bytes of one activation element: 4 (fp32), 2 (bf16), 1 (int8's u8).
constexpr std::size_t activation_bytes(DType d) { return d == DType::fp32 ? 4 : (d == DType::bf16 ? 2 : 1); }

/// `n` fp32 values -> the dtype's activation type at `out` (copy, bf16 round-to-nearest-even, or
/// u8 with `q`): the same scalar roundings the kernels' write-back uses.
void convert_activations(DType d, const float* x, std::size_t n, const QuantParams& q, void* out);

}  // namespace joulebench::inference

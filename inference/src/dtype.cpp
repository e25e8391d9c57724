// dtype names, activation quantization parameters and the scalar GELU.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "joulebench/inference/dtype.hpp"
#include "joulebench/inference/gemm.hpp"

namespace joulebench::inference {

DType parse_dtype(std::string_view s) {
  if (s == "fp32") return DType::fp32;
  if (s == "bf16") return DType::bf16;
  if (s == "int8") return DType::int8;
  throw std::invalid_argument("unknown dtype '" + std::string(s) + "'; use fp32, bf16 or int8");
}

std::string_view to_string(DType d) {
  switch (d) {
    case DType::fp32:
      return "fp32";
    case DType::bf16:
      return "bf16";
    case DType::int8:
      return "int8";
  }
  return "?";
}

QuantParams QuantParams::for_range(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  QuantParams q;
  q.scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  q.zero_point = static_cast<std::int32_t>(std::clamp(std::nearbyint(-lo / q.scale), 0.0f, 255.0f));
  return q;
}

void convert_activations(DType d, const float* x, std::size_t n, const QuantParams& q, void* out) {
  if (d == DType::fp32) {
    std::memcpy(out, x, n * 4);
  } else if (d == DType::bf16) {
    for (std::size_t i = 0; i < n; ++i) static_cast<bf16_t*>(out)[i] = float_to_bf16(x[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) static_cast<std::uint8_t*>(out)[i] = q.quantize(x[i]);
  }
}

float gelu(float x) {
  const float u = 0.7978845608028654f * (x + 0.044715f * x * x * x);
  return 0.5f * x * (1.0f + std::tanh(u));
}

}  // namespace joulebench::inference

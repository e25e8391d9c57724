// oneDNN and OpenBLAS baselines (compiled in when their packages are installed).
#include "cli/baselines.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "joulebench/inference/model.hpp"
#include "joulebench/platform/cpu_features.hpp"

#ifdef JOULEBENCH_HAVE_ONEDNN
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>
#endif
#ifdef JOULEBENCH_HAVE_OPENBLAS
#include <cblas.h>
extern "C" {
void openblas_set_num_threads(int);
char* openblas_get_corename(void);
}
#endif

namespace joulebench::cli {
namespace {

using inference::DType;

#ifdef JOULEBENCH_HAVE_ONEDNN
// oneDNN refuses a primitive it has no implementation for on this CPU (bf16 without AVX512_BF16
// or AMX, for instance): that is a missing baseline, not a failure of the run.
std::string onednn_refusal(DType dtype, const dnnl::error& e) {
  return "oneDNN has no " + std::string(inference::to_string(dtype)) + " matmul for this CPU (" + e.what() +
         ")";
}
#endif

#ifdef JOULEBENCH_HAVE_ONEDNN
class OneDnnGemm final : public LibraryGemm {
 public:
  OneDnnGemm(const LibraryInputs& in, int threads) : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_) {
    omp_set_num_threads(threads);
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    const dt src_t = in.dtype == DType::fp32 ? dt::f32 : (in.dtype == DType::bf16 ? dt::bf16 : dt::u8);
    const dt wei_t = in.dtype == DType::fp32 ? dt::f32 : (in.dtype == DType::bf16 ? dt::bf16 : dt::s8);
    const dnnl::memory::desc a_md({in.m, in.k}, src_t, tag::ab);
    const dnnl::memory::desc b_any({in.k, in.n}, wei_t, tag::any);
    const dnnl::memory::desc c_md({in.m, in.n}, dt::f32, tag::ab);
    dnnl::primitive_attr attr;
    if (in.dtype == DType::int8) {
      attr.set_output_scales(1 << 1, in.out_scales);
      attr.set_zero_points(DNNL_ARG_SRC, 0, {in.a_zero_point});
    }
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_any, c_md), attr, engine_);
    impl_ = pd.impl_info_str();
    matmul_ = dnnl::matmul(pd);
    a_ = dnnl::memory(a_md, engine_, const_cast<void*>(in.a));
    c_ = dnnl::memory(c_md, engine_, in.c);
    // Weights: user layout (ab) in the library's type, reordered once into its packed layout.
    dnnl::memory b_user({{in.k, in.n}, wei_t, tag::ab}, engine_);
    fill_weights(in, b_user);
    b_ = dnnl::memory(pd.weights_desc(), engine_);
    dnnl::reorder(b_user, b_).execute(stream_, b_user, b_);
    stream_.wait();
  }
  [[nodiscard]] std::string name() const override { return "onednn"; }
  [[nodiscard]] std::string implementation() const override { return impl_; }
  void run() override {
    matmul_.execute(stream_, {{DNNL_ARG_SRC, a_}, {DNNL_ARG_WEIGHTS, b_}, {DNNL_ARG_DST, c_}});
    stream_.wait();
  }

 private:
  friend class OneDnnModel;
  static void fill_weights(const LibraryInputs& in, dnnl::memory& m) {
    const std::size_t count = static_cast<std::size_t>(in.k) * in.n;
    void* dst = m.get_data_handle();
    for (std::size_t i = 0; i < count; ++i) {
      const float v = in.b_effective[i];
      if (in.dtype == DType::fp32) static_cast<float*>(dst)[i] = v;
      if (in.dtype == DType::bf16) static_cast<inference::bf16_t*>(dst)[i] = inference::float_to_bf16(v);
      if (in.dtype == DType::int8) static_cast<std::int8_t*>(dst)[i] = static_cast<std::int8_t>(v);
    }
  }

  dnnl::engine engine_;
  dnnl::stream stream_;
  dnnl::matmul matmul_;
  dnnl::memory a_, b_, c_;
  std::string impl_;
};
#endif

#ifdef JOULEBENCH_HAVE_ONEDNN
class OneDnnModel;
#endif

#ifdef JOULEBENCH_HAVE_ONEDNN
class OneDnnModel final : public LibraryModel {
 public:
  OneDnnModel(const inference::Model& model, int threads)
      : engine_(dnnl::engine::kind::cpu, 0),
        stream_(engine_),
        dtype_(model.spec().dtype),
        batch_(model.spec().batch) {
    omp_set_num_threads(threads);
    for (const auto& v : model.layer_views()) layers_.push_back(make_layer(v));
    link_hidden();
    x_.resize(static_cast<std::size_t>(batch_) * model.input_width());
    x_next_.resize(x_.size());
  }
  [[nodiscard]] std::string implementation() const override { return layers_.front().impl; }

  void forward(const float* input, float* output) override {
    std::memcpy(x_.data(), input, x_.size() * 4);
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      Layer& l = layers_[i];
      if (i == 0 || layers_[i - 1].last)
        inference::convert_activations(dtype_, x_.data(), x_.size(), l.in_quant, l.src.get_data_handle());
      std::unordered_map<int, dnnl::memory> args{
          {DNNL_ARG_SRC, l.src}, {DNNL_ARG_WEIGHTS, l.wei}, {DNNL_ARG_DST, l.dst}};
      if (l.has_bias) args.insert({DNNL_ARG_BIAS, l.bias});
      if (l.last) {
        l.dst.set_data_handle(x_next_.data());
        l.residual.set_data_handle(x_.data());
        args.insert({DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, l.residual});
      }
      l.prim.execute(stream_, args);
      stream_.wait();
      if (l.last) std::swap(x_, x_next_);
    }
    std::memcpy(output, x_.data(), x_.size() * 4);
  }

 private:
  struct Layer {
    dnnl::matmul prim;
    dnnl::memory src, wei, bias, dst, residual;
    bool last = false, has_bias = false;
    inference::QuantParams in_quant;
    std::string impl;
  };

  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;

  [[nodiscard]] dt act_type() const {
    return dtype_ == DType::fp32 ? dt::f32 : (dtype_ == DType::bf16 ? dt::bf16 : dt::u8);
  }

  Layer make_layer(const inference::Model::LayerView& v) {
    Layer l;
    l.last = v.last_in_block;
    l.has_bias = v.bias != nullptr;
    l.in_quant = v.in_quant;
    const dt wei_t = dtype_ == DType::fp32 ? dt::f32 : (dtype_ == DType::bf16 ? dt::bf16 : dt::s8);
    const dt dst_t = l.last ? dt::f32 : act_type();
    const dnnl::memory::desc src_md({batch_, v.in}, act_type(), tag::ab);
    const dnnl::memory::desc dst_md({batch_, v.out}, dst_t, tag::ab);
    const dnnl::memory::desc bias_md({1, v.out}, dt::f32, tag::ab);
    dnnl::post_ops ops;
    dnnl::primitive_attr attr;
    if (!l.last) {
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_tanh, 0.0f, 0.0f);
      if (dtype_ == DType::int8) {
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, 1.0f / v.out_quant.scale, 0.0f);
        attr.set_zero_points(DNNL_ARG_DST, 0, {v.out_quant.zero_point});
      }
    } else {
      ops.append_binary(dnnl::algorithm::binary_add, dst_md);
    }
    attr.set_post_ops(ops);
    if (dtype_ == DType::int8) {
      std::vector<float> scales;
      for (float s : v.weights->scales()) scales.push_back(v.in_quant.scale * s);
      attr.set_output_scales(1 << 1, scales);
      attr.set_zero_points(DNNL_ARG_SRC, 0, {v.in_quant.zero_point});
    }
    const dnnl::matmul::primitive_desc pd(
        l.has_bias
            ? dnnl::matmul::desc(src_md, dnnl::memory::desc({v.in, v.out}, wei_t, tag::any), bias_md, dst_md)
            : dnnl::matmul::desc(src_md, dnnl::memory::desc({v.in, v.out}, wei_t, tag::any), dst_md),
        attr, engine_);
    l.impl = pd.impl_info_str();
    l.prim = dnnl::matmul(pd);
    l.src = dnnl::memory(src_md, engine_);
    l.dst = dnnl::memory(dst_md, engine_);
    l.residual = dnnl::memory(dst_md, engine_);
    l.bias = dnnl::memory(bias_md, engine_);
    if (l.has_bias) {
      // oneDNN 2.x adds an int8 matmul's bias to the int32 accumulator before the output scale
      // (ref_matmul_int8.cpp: d = (acc + bias) * scale[n]); ours adds the real bias after it. So the
      // replica passes bias / scale[n]. Passing the real bias was the 0.09-0.13 output difference.
      auto* b = static_cast<float*>(l.bias.get_data_handle());
      for (int n = 0; n < v.out; ++n)
        b[n] = dtype_ == DType::int8
                   ? v.bias[n] / (v.in_quant.scale * v.weights->scales()[static_cast<std::size_t>(n)])
                   : v.bias[n];
    }
    dnnl::memory user({{v.in, v.out}, wei_t, tag::ab}, engine_);
    LibraryInputs in{dtype_, 1, v.out, v.in, nullptr, v.weights->effective().data(), {}, 0, nullptr};
    OneDnnGemm::fill_weights(in, user);
    l.wei = dnnl::memory(pd.weights_desc(), engine_);
    dnnl::reorder(user, l.wei).execute(stream_, user, l.wei);
    stream_.wait();
    return l;
  }

  // Hidden layers write straight into the next layer's source buffer.
  void link_hidden() {
    for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
      if (!layers_[i].last) layers_[i].dst = layers_[i + 1].src;
    }
  }

  dnnl::engine engine_;
  dnnl::stream stream_;
  DType dtype_;
  int batch_;
  std::vector<Layer> layers_;
  std::vector<float> x_, x_next_;
};
#endif

#ifdef JOULEBENCH_HAVE_OPENBLAS
class OpenBlasGemm final : public LibraryGemm {
 public:
  OpenBlasGemm(const LibraryInputs& in, int threads) : in_(in) { openblas_set_num_threads(threads); }
  [[nodiscard]] std::string name() const override { return "openblas"; }
  [[nodiscard]] std::string implementation() const override {
    return std::string("core ") + openblas_get_corename();
  }
  void run() override {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, in_.m, in_.n, in_.k, 1.0f,
                static_cast<const float*>(in_.a), in_.k, in_.b_effective, in_.n, 0.0f, in_.c, in_.n);
  }

 private:
  LibraryInputs in_;
};
#endif

}  // namespace

double baseline_bound(DType dtype) {
  return dtype == DType::fp32 ? 1e-4 : dtype == DType::bf16 ? 2e-3 : 1e-4;
}

BaselineCheck check_against(DType dtype, const float* ours, const float* theirs, std::size_t n,
                            double bound) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < n; ++i) {
    diff = std::max(diff, static_cast<double>(std::fabs(ours[i] - theirs[i])));
    scale = std::max(scale, static_cast<double>(std::fabs(ours[i])));
  }
  BaselineCheck c{diff / (1.0 + scale), bound > 0 ? bound : baseline_bound(dtype), false, {}};
  c.verified = std::isfinite(c.max_rel_err) && c.max_rel_err <= c.bound;
  const auto& f = platform::cpu_features();
  if (!c.verified && dtype == DType::int8 && !f.avx512_vnni && !f.avx_vnni) {
    c.note =
        "expected on this CPU: without VNNI, oneDNN's u8 x s8 path (vpmaddubsw) saturates each pair sum at "
        "16 bits, and our inputs use the full u8 range (oneDNN's int8 computation guide asks for u7 then)";
  }
  return c;
}

nlohmann::json library_pools_json() {
  const auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? nlohmann::json(v) : nlohmann::json();
  };
  return {{"OMP_WAIT_POLICY", env("OMP_WAIT_POLICY")},
          {"OPENBLAS_THREAD_TIMEOUT", env("OPENBLAS_THREAD_TIMEOUT")},
          {"note",
           "each library's thread count is set to --threads; idle pools wait passively so they do not "
           "spin against the contender being timed"}};
}

std::vector<std::string> available_libraries() {
  std::vector<std::string> names;
#ifdef JOULEBENCH_HAVE_ONEDNN
  names.emplace_back("onednn");
#endif
#ifdef JOULEBENCH_HAVE_OPENBLAS
  names.emplace_back("openblas");
#endif
  return names;
}

std::unique_ptr<LibraryGemm> make_library_gemm(const std::string& name, const LibraryInputs& in, int threads,
                                               std::string& why) {
  (void)in;
  (void)threads;
#ifdef JOULEBENCH_HAVE_ONEDNN
  if (name == "onednn") {
    try {
      return std::make_unique<OneDnnGemm>(in, threads);
    } catch (const dnnl::error& e) {
      why = onednn_refusal(in.dtype, e);
      return nullptr;
    }
  }
#endif
#ifdef JOULEBENCH_HAVE_OPENBLAS
  if (name == "openblas") {
    if (in.dtype != DType::fp32) {
      why = "OpenBLAS has no " + std::string(inference::to_string(in.dtype)) + " GEMM with these semantics";
      return nullptr;
    }
    return std::make_unique<OpenBlasGemm>(in, threads);
  }
#endif
  why = name + " is not built in (install lib" +
        (name == "onednn" ? std::string("dnnl") : std::string("openblas")) + "-dev and rebuild)";
  return nullptr;
}

}  // namespace joulebench::cli

namespace joulebench::cli {

std::unique_ptr<LibraryModel> make_onednn_model(const inference::Model& model, int threads,
                                                std::string& why) {
#ifdef JOULEBENCH_HAVE_ONEDNN
  try {
    return std::make_unique<OneDnnModel>(model, threads);
  } catch (const dnnl::error& e) {
    why = onednn_refusal(model.spec().dtype, e);
    return nullptr;
  }
#else
  (void)model;
  (void)threads;
  why = "oneDNN is not built in (install libdnnl-dev and rebuild)";
  return nullptr;
#endif
}

}  // namespace joulebench::cli

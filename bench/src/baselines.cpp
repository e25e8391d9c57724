// oneDNN and OpenBLAS baselines (compiled in when their packages are installed).
#include "baselines.hpp"

#include <cstring>

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
  if (name == "onednn") return std::make_unique<OneDnnGemm>(in, threads);
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

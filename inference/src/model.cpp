// Model: seeded weights packed once, int8 ranges calibrated once, forward passes through the
// GEMM with every elementwise step fused into the epilogues.
#include "joulebench/inference/model.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#include "joulebench/platform/memory.hpp"
#include "joulebench/platform/throttle.hpp"
#include "joulebench/platform/workload.hpp"

namespace joulebench::inference {

struct Model::Layer {
  int in = 0, out = 0;
  bool last_in_block = false;
  std::unique_ptr<PackedWeights> weights;
  std::vector<float> bias;
  std::vector<float> fp32_weights;  // only until calibration
  QuantParams in_quant;             // int8: how this layer's u8 input maps to reals
};

namespace {

OutType act_out(DType d) {
  return d == DType::fp32 ? OutType::f32 : (d == DType::bf16 ? OutType::bf16 : OutType::u8);
}

}  // namespace

Model::Model(const ModelSpec& spec, const GemmKernelInfo* kernel, std::stop_token stop)
    : spec_(spec),
      stop_(std::move(stop)),
      kernel_(kernel != nullptr ? kernel : &find_gemm_kernel(spec.dtype)) {
  platform::require_memory(static_cast<std::uint64_t>(spec_.memory_bytes()), "model " + spec_.to_string(),
                           std::to_string(spec_.parameter_count()) +
                               " parameters and activations for batch " + std::to_string(spec_.batch),
                           "use smaller widths, fewer layers or a smaller batch");
  if (kernel_->dtype != spec.dtype) {
    throw std::invalid_argument("kernel " + std::string(kernel_->name) + " is for " +
                                std::string(to_string(kernel_->dtype)) + ", the model is " +
                                std::string(to_string(spec.dtype)));
  }
  const int n = static_cast<int>(spec_.dims.size()) - 1;
  for (int b = 0; b < spec_.blocks; ++b) {
    for (int i = 0; i < n; ++i) {
      check_stop();
      auto layer = std::make_unique<Layer>();
      layer->in = spec_.dims[i];
      layer->out = spec_.dims[i + 1];
      layer->last_in_block = i == n - 1;
      std::mt19937 rng(spec_.seed * 7919u + static_cast<std::uint32_t>(b * 1000 + i));
      // Uniform with variance 1/fan_in keeps activations at a steady scale through the stack.
      std::uniform_real_distribution<float> w(-std::sqrt(3.0f / layer->in), std::sqrt(3.0f / layer->in));
      std::uniform_real_distribution<float> bias(-0.1f, 0.1f);
      layer->fp32_weights.resize(static_cast<std::size_t>(layer->in) * layer->out);
      for (float& v : layer->fp32_weights) v = w(rng);
      layer->bias.resize(layer->out, 0.0f);
      if (spec_.bias) {
        for (float& v : layer->bias) v = bias(rng);
      }
      layer->weights = std::make_unique<PackedWeights>(*kernel_, layer->fp32_weights.data(), layer->in,
                                                       layer->out, layer->out);
      layers_.push_back(std::move(layer));
    }
  }
  x_.resize(static_cast<std::size_t>(spec_.batch) * spec_.dims.front());
  x_next_.resize(x_.size());
  for (const auto& l : layers_)
    hidden_.emplace_back(static_cast<std::size_t>(spec_.batch) * l->in * activation_bytes(spec_.dtype) + 64);
  calibrate();
}

Model::~Model() = default;

void Model::check_stop() const {
  if (stop_.stop_requested()) throw platform::Cancelled("stopped while preparing model " + spec_.to_string());
}

// Static int8 ranges: an fp32 pass over the sample batch records each layer input's range.
void Model::calibrate() {
  std::vector<float> x = sample_input(), h, y;
  for (std::size_t li = 0, first = 0; li < layers_.size(); ++li) {
    check_stop();
    Layer& l = *layers_[li];
    const std::vector<float>& in = (li == first) ? x : h;
    const auto [lo, hi] = std::minmax_element(in.begin(), in.end());
    l.in_quant = QuantParams::for_range(*lo * 1.25f, *hi * 1.25f);  // headroom for other inputs
    y.assign(static_cast<std::size_t>(spec_.batch) * l.out, 0.0f);
    for (int r = 0; r < spec_.batch; ++r) {
      for (int c = 0; c < l.out; ++c) {
        double s = l.bias[c];
        for (int k = 0; k < l.in; ++k)
          s += in[static_cast<std::size_t>(r) * l.in + k] *
               l.fp32_weights[static_cast<std::size_t>(k) * l.out + c];
        float v = static_cast<float>(s);
        if (!l.last_in_block)
          v = spec_.activation == Activation::gelu   ? gelu(v)
              : spec_.activation == Activation::relu ? std::max(v, 0.f)
                                                     : v;
        if (l.last_in_block && spec_.residual) v += x[static_cast<std::size_t>(r) * l.out + c];
        y[static_cast<std::size_t>(r) * l.out + c] = v;
      }
    }
    if (l.last_in_block) {
      x = y;
      first = li + 1;
    } else {
      h = y;
    }
    l.fp32_weights.clear();
    l.fp32_weights.shrink_to_fit();
  }
}

std::vector<float> Model::sample_input() const {
  std::mt19937 rng(spec_.seed + 7);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> v(static_cast<std::size_t>(spec_.batch) * spec_.dims.front());
  for (float& x : v) x = uni(rng);
  return v;
}

std::vector<Model::LayerView> Model::layer_views() const {
  std::vector<LayerView> views;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const Layer& l = *layers_[i];
    views.push_back({l.in, l.out, l.last_in_block, spec_.bias ? l.bias.data() : nullptr, l.weights.get(),
                     l.in_quant, l.last_in_block ? QuantParams{} : layers_[i + 1]->in_quant});
  }
  return views;
}

std::size_t Model::weight_bytes() const {
  std::size_t n = 0;
  for (const auto& l : layers_) n += l->weights->bytes();
  return n;
}

double Model::verify_tolerance() const {
  return spec_.dtype == DType::fp32 ? 1e-4 : (spec_.dtype == DType::bf16 ? 3e-2 : 8e-2);
}

bool Model::forward(const float* input, float* output, GemmContext& ctx) {
  return forward(input, output, spec_.batch, ctx);
}

bool Model::forward(const float* input, float* output, int rows, GemmContext& ctx) {
  if (rows < 1 || rows > spec_.batch)
    throw std::invalid_argument("forward of " + std::to_string(rows) + " rows: the model holds 1.." +
                                std::to_string(spec_.batch));
  const int batch = rows;
  const std::size_t width = static_cast<std::size_t>(spec_.dims.front());
  std::memcpy(x_.data(), input, static_cast<std::size_t>(rows) * width * 4);
  for (std::size_t li = 0; li < layers_.size(); ++li) {
    const Layer& l = *layers_[li];
    const bool first_in_block = li == 0 || layers_[li - 1]->last_in_block;
    if (first_in_block)
      convert_activations(spec_.dtype, x_.data(), static_cast<std::size_t>(rows) * width, l.in_quant,
                          hidden_[li].data());
    const Activations a{hidden_[li].data(), batch, l.in, l.in_quant};
    Epilogue ep;
    ep.bias = spec_.bias ? l.bias.data() : nullptr;
    bool ok;
    if (l.last_in_block) {
      ep.residual = spec_.residual ? x_.data() : nullptr;
      ep.ld_residual = l.out;
      ok = gemm(a, *l.weights, x_next_.data(), l.out, ep, ctx);
      std::swap(x_, x_next_);
    } else {
      ep.activation = spec_.activation;
      ep.out = act_out(spec_.dtype);
      ep.out_quant = layers_[li + 1]->in_quant;
      ok = gemm(a, *l.weights, hidden_[li + 1].data(), l.out, ep, ctx);
    }
    if (!ok) return false;
  }
  std::memcpy(output, x_.data(), static_cast<std::size_t>(batch) * output_width() * 4);
  return true;
}

void Model::reference_forward(const float* input, float* output) const {
  const int batch = spec_.batch;
  std::vector<float> x(input, input + static_cast<std::size_t>(batch) * input_width()), y;
  std::vector<std::uint8_t> in_buf;
  for (std::size_t li = 0; li < layers_.size(); ++li) {
    check_stop();
    const Layer& l = *layers_[li];
    if (li == 0 || layers_[li - 1]->last_in_block) {
      in_buf.assign(static_cast<std::size_t>(batch) * l.in * activation_bytes(spec_.dtype), 0);
      convert_activations(spec_.dtype, x.data(), x.size(), l.in_quant, in_buf.data());
    }
    const Activations a{in_buf.data(), batch, l.in, l.in_quant};
    Epilogue ep;
    ep.bias = spec_.bias ? l.bias.data() : nullptr;
    y.assign(static_cast<std::size_t>(batch) * l.out, 0.0f);
    if (l.last_in_block) {
      ep.residual = spec_.residual ? x.data() : nullptr;
      ep.ld_residual = l.out;
      reference_gemm(a, *l.weights, y.data(), l.out, ep);
      x = y;
    } else {
      ep.activation = spec_.activation;
      reference_gemm(a, *l.weights, y.data(), l.out, ep);
      in_buf.assign(y.size() * activation_bytes(spec_.dtype), 0);
      convert_activations(spec_.dtype, y.data(), y.size(), layers_[li + 1]->in_quant, in_buf.data());
    }
  }
  std::copy(x.begin(), x.end(), output);
}

InferenceWorkload::InferenceWorkload(const ModelSpec& spec, const GemmKernelInfo* kernel, std::size_t threads,
                                     bool pin, std::stop_token stop)
    : model_(spec, kernel, std::move(stop)),
      arena_(threads, pin),
      throttle_(arena_.threads()),
      flops_(arena_.threads(), "flop"),
      input_(model_.sample_input()),
      output_(static_cast<std::size_t>(spec.batch) * model_.output_width()) {}

std::string InferenceWorkload::name() const {
  const ModelSpec& s = model_.spec();
  const std::string batch = "-b" + std::to_string(s.batch);
  const bool named_batch = s.name.size() > batch.size() && s.name.ends_with(batch);  // "ffn-b1"
  return s.name + (named_batch ? "" : batch) + "-" + std::string(to_string(s.dtype));
}

void InferenceWorkload::run(std::stop_token stop) {
  using clock = std::chrono::steady_clock;
  {
    std::lock_guard lock(mutex_);
    completions_.clear();
  }
  GemmContext ctx;
  ctx.arena = &arena_;
  ctx.throttle = &throttle_;
  ctx.counters = &flops_;
  ctx.stop = stop;
  // The whole loop runs inside the arena (this thread pinned as its slot 0), so each GEMM forks
  // its tiles without entering the arena again.
  arena_.execute([&] {
    while (!stop.stop_requested()) {
      const auto t0 = clock::now();
      if (!model_.forward(input_.data(), output_.data(), ctx)) break;
      const auto t1 = clock::now();
      std::lock_guard lock(mutex_);
      completions_.push_back({t1, std::chrono::duration<double, std::milli>(t1 - t0).count()});
    }
  });
}

bool InferenceWorkload::forward(const float* input, float* output, std::stop_token stop) {
  return forward(input, output, model_.spec().batch, std::move(stop));
}

bool InferenceWorkload::forward(const float* input, float* output, int rows, std::stop_token stop) {
  GemmContext ctx;
  ctx.arena = &arena_;
  ctx.throttle = &throttle_;
  ctx.counters = &flops_;
  ctx.stop = std::move(stop);
  bool done = false;
  arena_.execute([&] { done = model_.forward(input, output, rows, ctx); });
  return done;
}

std::vector<double> InferenceWorkload::latencies_ms() const {
  return latencies_ms(std::chrono::steady_clock::time_point::min(),
                      std::chrono::steady_clock::time_point::max());
}

std::vector<double> InferenceWorkload::latencies_ms(std::chrono::steady_clock::time_point from,
                                                    std::chrono::steady_clock::time_point to) const {
  std::vector<double> out;
  std::lock_guard lock(mutex_);
  for (const Completion& c : completions_) {
    if (c.end >= from && c.end <= to) out.push_back(c.ms);
  }
  return out;
}

}  // namespace joulebench::inference

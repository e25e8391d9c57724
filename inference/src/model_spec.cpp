// Model specs: presets, the `mlp:` grammar, FLOP and parameter counts.
#include <algorithm>
#include <charconv>
#include <sstream>
#include <stdexcept>

#include "joulebench/inference/model.hpp"
#include "joulebench/platform/suggest.hpp"

namespace joulebench::inference {
namespace {

// Two transformer feed-forward blocks: 1024 -> 4096 (GELU) -> 1024, bias, residual.
constexpr const char* kFfn = "mlp:1024x4096x1024,layers=2,act=gelu,bias=1,residual=1";

const std::vector<std::pair<std::string, std::string>>& presets() {
  static const std::vector<std::pair<std::string, std::string>> p = {
      {"ffn", std::string(kFfn) + ",batch=8"},
      {"ffn-b1", std::string(kFfn) + ",batch=1"},
      {"ffn-b8", std::string(kFfn) + ",batch=8"},
      {"ffn-b32", std::string(kFfn) + ",batch=32"},
      {"mlp-small", "mlp:256x1024x256,layers=2,act=gelu,bias=1,residual=1,batch=8"},
      {"tiny", "mlp:48x80x48,layers=2,act=gelu,bias=1,residual=1,batch=3"},
  };
  return p;
}

int parse_int(std::string_view text, std::string_view what, int min, int max) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    throw std::invalid_argument("model " + std::string(what) + " '" + std::string(text) +
                                "' is not a whole number from " + std::to_string(min) + " to " +
                                std::to_string(max));
  }
  return v;
}

std::vector<int> parse_dims(std::string_view text) {
  std::vector<int> dims;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t x = std::min(text.find('x', pos), text.size());
    dims.push_back(parse_int(text.substr(pos, x - pos), "width", 1, 1 << 16));
    pos = x + 1;
  }
  if (dims.size() < 2) {
    throw std::invalid_argument("model dims '" + std::string(text) +
                                "' need at least two widths, like 1024x4096x1024");
  }
  return dims;
}

void apply_option(ModelSpec& s, std::string_view key, std::string_view value) {
  if (key == "layers")
    s.blocks = parse_int(value, "layers", 1, 1000);
  else if (key == "batch")
    s.batch = parse_int(value, "batch", 1, 1 << 16);
  else if (key == "dtype")
    s.dtype = parse_dtype(value);
  else if (key == "seed")
    s.seed = static_cast<std::uint32_t>(parse_int(value, "seed", 0, 1 << 30));
  else if (key == "bias")
    s.bias = parse_int(value, "bias", 0, 1) == 1;
  else if (key == "residual")
    s.residual = parse_int(value, "residual", 0, 1) == 1;
  else if (key == "act") {
    if (value == "gelu")
      s.activation = Activation::gelu;
    else if (value == "relu")
      s.activation = Activation::relu;
    else if (value == "none")
      s.activation = Activation::none;
    else
      throw std::invalid_argument("model act '" + std::string(value) +
                                  "' is unknown; use gelu, relu or none");
  } else {
    throw std::invalid_argument("model option '" + std::string(key) +
                                "' is unknown; use layers, batch, dtype, act, bias, residual or seed");
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> model_presets() { return presets(); }

ModelSpec parse_model(std::string_view text) {
  for (const auto& [name, spec] : presets()) {
    if (text == name) {
      ModelSpec s = parse_model(spec);
      s.name = name;
      return s;
    }
  }
  if (!text.starts_with("mlp:")) {
    std::string names;
    std::vector<std::string> known;
    for (const auto& p : presets()) names += (names.empty() ? "" : ", ") + p.first, known.push_back(p.first);
    known.push_back("sha256d");  // a workload name is a model preset or the miner
    const std::string hint = platform::did_you_mean(text, known);
    throw std::invalid_argument("model '" + std::string(text) + "' is neither a preset (" + names +
                                ") nor a spec like mlp:1024x4096x1024,layers=2,batch=8" + hint);
  }
  ModelSpec s;
  s.name = "mlp";
  std::string_view rest = text.substr(4);
  const std::size_t comma = std::min(rest.find(','), rest.size());
  s.dims = parse_dims(rest.substr(0, comma));
  rest = comma < rest.size() ? rest.substr(comma + 1) : std::string_view{};
  while (!rest.empty()) {
    const std::size_t next = std::min(rest.find(','), rest.size());
    const std::string_view item = rest.substr(0, next);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw std::invalid_argument("model option '" + std::string(item) + "' has no '='; write key=value");
    }
    apply_option(s, item.substr(0, eq), item.substr(eq + 1));
    rest = next < rest.size() ? rest.substr(next + 1) : std::string_view{};
  }
  if ((s.residual || s.blocks > 1) && s.dims.front() != s.dims.back()) {
    throw std::invalid_argument(
        "model block " + std::to_string(s.dims.front()) + "->" + std::to_string(s.dims.back()) +
        " must end at its input width to stack or add a residual; make the last width " +
        std::to_string(s.dims.front()));
  }
  return s;
}

std::string ModelSpec::to_string() const {
  std::ostringstream o;
  o << "mlp:";
  for (std::size_t i = 0; i < dims.size(); ++i) o << (i ? "x" : "") << dims[i];
  o << ",layers=" << blocks << ",batch=" << batch << ",dtype=" << inference::to_string(dtype) << ",act="
    << (activation == Activation::gelu   ? "gelu"
        : activation == Activation::relu ? "relu"
                                         : "none")
    << ",bias=" << bias << ",residual=" << residual << ",seed=" << seed;
  return o.str();
}

double ModelSpec::flops_per_inference() const {
  double per_row = 0;
  for (std::size_t i = 0; i + 1 < dims.size(); ++i) per_row += 2.0 * dims[i] * dims[i + 1];
  return per_row * blocks * batch;
}

std::size_t ModelSpec::parameter_count() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i + 1 < dims.size(); ++i)
    n += static_cast<std::size_t>(dims[i]) * dims[i + 1] + (bias ? dims[i + 1] : 0);
  return n * blocks;
}

double ModelSpec::memory_bytes() const {
  const double elem = static_cast<double>(dtype == DType::fp32 ? 4 : dtype == DType::bf16 ? 2 : 1);
  double bytes = 0, widest = 0;
  for (std::size_t i = 0; i + 1 < dims.size(); ++i) {
    const double k = dims[i], n = dims[i + 1];
    // fp32 weights + effective copy + packed panels (tiles up to 64 wide, k groups up to 4) + bias,
    // scales and column sums + this layer's input in the activation type.
    bytes += blocks * (8 * k * n + (n + 64) * (k + 4) * elem + 12 * n + batch * k * 4 + 64);
    widest = std::max({widest, k, n});
  }
  // Residual stream, its next copy, the workload's input/output and calibration scratch.
  return bytes + 8.0 * batch * widest * 4;
}

}  // namespace joulebench::inference

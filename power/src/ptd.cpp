// SPEC PTDaemon client: one TCP connection, one command line out and one reply line back ("\r\n"
// ends each), except RL whose first line "Last N samples" is followed by N sample lines.
#include "joulebench/power/ptd.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "detail/meter_poll.hpp"
#include "detail/ptd.hpp"

namespace joulebench::power {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(s);
  while (std::getline(in, field, sep)) out.push_back(field);
  return out;
}

double number(const std::string& text, const std::string& what, const std::string& line) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw std::runtime_error("PTDaemon sample '" + line + "': " + what + " '" + text + "' is not a number");
}

std::string fixed(double v) {
  std::ostringstream out;
  out.precision(6);
  out << std::fixed << v;
  return out.str();
}

}  // namespace

PtdSample parse_ptd_sample(const std::string& line) {
  const auto f = split(line, ',');
  PtdSample s;
  const auto field = [&](std::size_t i, const char* name) -> const std::string& {
    if (f.size() <= i + 1 || f[i] != name)
      throw std::runtime_error("PTDaemon sample '" + line + "': no " + std::string(name) +
                               " field where expected");
    return f[i + 1];
  };
  s.time = field(0, "Time");
  s.watts = number(field(2, "Watts"), "Watts", line);
  s.volts = number(field(4, "Volts"), "Volts", line);
  s.amps = number(field(6, "Amps"), "Amps", line);
  s.pf = number(field(8, "PF"), "PF", line);
  s.mark = field(10, "Mark");
  return s;
}

PtdRanges parse_ptd_ranges(const std::string& reply) {
  const auto f = split(reply, ',');
  PtdRanges r;
  if (f.size() < 5 || f[0] != "Ranges") return r;
  const auto fixed_range = [](const std::string& autorange, const std::string& range) {
    try {
      return autorange == "0" && std::stod(range) > 0;
    } catch (const std::exception&) {
      return false;
    }
  };
  if (fixed_range(f[1], f[2])) r.amps = f[2];
  if (fixed_range(f[3], f[4])) r.volts = f[4];
  return r;
}

std::optional<double> parse_ptd_uncertainty(const std::string& reply) {
  const auto f = split(reply, ',');
  if (f.size() < 2 || f[0] != "Uncertainty") return std::nullopt;
  std::string v = f[1];
  const bool percent = !v.empty() && v.back() == '%';
  if (percent) v.pop_back();
  try {
    std::size_t used = 0;
    const double u = std::stod(v, &used);
    if (used != v.size() || u < 0) return std::nullopt;
    return percent ? u / 100 : u;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

PtdRanges testing_ranges(const PtdPhase& ranging) {
  if (ranging.samples.empty())
    throw std::runtime_error(
        "the ranging run gave the analyzer no sample (it ended in under one sample interval); "
        "MLPerf Power takes the testing ranges from it, so run a command that lasts longer");
  return {fixed(ranging.max_volts), fixed(ranging.max_amps)};
}

PtdAnalyzer::PtdAnalyzer(const MeterUrl& url, const MeterOptions& options)
    : where_(url.str()), timeout_s_(options.timeout_s) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string host = url.host.front() == '[' ? url.host.substr(1, url.host.size() - 2) : url.host;
  if (::getaddrinfo(host.c_str(), std::to_string(url.port).c_str(), &hints, &found) != 0 || found == nullptr)
    throw std::runtime_error(where_ + ": cannot resolve host '" + host + "'; check the name");
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, static_cast<int>(timeout_s_ * 1000));
      int err = rc == 0 ? ETIMEDOUT : 0;
      socklen_t len = sizeof err;
      if (rc > 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    if (rc == 0) {
      fd_ = fd;
    } else {
      why = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (fd_ < 0)
    throw std::runtime_error(where_ + ": cannot connect (" + why +
                             "); is PTDaemon running there with -p and this port?");
  const std::string hello = command("Hello");
  if (hello != "Hello, PTDaemon here!")
    throw std::runtime_error(where_ + ": answered '" + hello + "' to Hello; this is not a SPEC PTDaemon");
  identity_ = command("Identify");
  initial_ = parse_ptd_ranges(command("RR"));
}

PtdAnalyzer::~PtdAnalyzer() {
  if (fd_ < 0) return;
  try {
    if (running_) (void)stop();
    set_ranges(initial_);  // the analyzer as it was found
    if (journaled_) journal_->forget_own(where_);
  } catch (const std::exception&) {
    // the daemon went away: the journal keeps the entry for `joulebench restore`
  }
  ::close(fd_);
}

std::string journalled_ranges(const PtdRanges& ranges) { return ranges.volts + "," + ranges.amps; }

std::optional<PtdRanges> parse_journalled_ranges(const std::string& text) {
  static const std::regex form("(Auto|[0-9]{1,6}(\\.[0-9]{1,6})?),(Auto|[0-9]{1,6}(\\.[0-9]{1,6})?)");
  if (!std::regex_match(text, form)) return std::nullopt;
  const auto comma = text.find(',');
  return PtdRanges{text.substr(0, comma), text.substr(comma + 1)};
}

void PtdAnalyzer::journal_to(std::shared_ptr<CapJournal> journal) {
  for (const auto& e : journal->entries()) {
    if (e.kind != "ptd" || e.target != where_) continue;
    if (const auto found = parse_journalled_ranges(e.original)) initial_ = *found;
  }
  journal_ = std::move(journal);
}

void PtdAnalyzer::put_back(const PtdRanges& ranges) {
  set_ranges(ranges);
  initial_ = ranges;
}

bool restore_ptd_ranges(const std::string& url, const PtdRanges& ranges, const MeterOptions& options,
                        std::string& error) {
  try {
    PtdAnalyzer analyzer(parse_meter_url(url), options);
    analyzer.put_back(ranges);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

std::string PtdAnalyzer::read_line() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s_);
  for (;;) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    const auto left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    pollfd p{fd_, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0)
      throw std::runtime_error(where_ + ": no reply within " + fixed(timeout_s_) + " s");
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) throw std::runtime_error(where_ + ": PTDaemon closed the connection");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::string PtdAnalyzer::send_and_read(const std::string& line) {
  const std::string out = line + "\r\n";
  if (::send(fd_, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size()))
    throw std::runtime_error(where_ + ": cannot send '" + line + "': " + std::strerror(errno));
  return read_line();
}

std::string PtdAnalyzer::command(const std::string& line) {
  std::lock_guard lock(mutex_);
  std::string reply = send_and_read(line);
  exchanges_.push_back({line, reply});
  return reply;
}

double PtdAnalyzer::watts() {
  const std::string reply = command("Watts");
  const auto f = split(reply, ',');
  if (f.size() == 2 && f[0] == "Watts") return number(f[1], "Watts", reply);
  throw std::runtime_error(where_ + ": 'Watts' answered '" + reply + "'");
}

std::optional<double> PtdAnalyzer::uncertainty() {
  const auto u = parse_ptd_uncertainty(command("Uncertainty"));
  std::lock_guard lock(mutex_);
  if (u && running_) {
    phase_.worst_uncertainty = std::max(phase_.worst_uncertainty.value_or(0), *u);
    if (*u > kPtdUncertaintyLimit) ++phase_.uncertain_samples;
  }
  return u;
}

void PtdAnalyzer::set_ranges(const PtdRanges& ranges) {
  if (journal_ && !journaled_) {
    journal_->record(
        {"ptd:" + parse_meter_url(where_).host + " ranges", "ptd", where_, journalled_ranges(initial_), {}});
    journaled_ = true;
  }
  for (const auto& [axis, value] : {std::pair{"V", ranges.volts}, std::pair{"A", ranges.amps}}) {
    const std::string reply = command(std::string("SR,") + axis + "," + value);
    if (reply != std::string("Range ") + axis + " changed")
      throw std::runtime_error(where_ + ": SR," + axis + "," + value + " answered '" + reply + "'");
  }
  std::lock_guard lock(mutex_);
  phase_.ranges = ranges;
}

void PtdAnalyzer::go(const std::string& mark, int interval_ms) {
  const std::string reply = command("Go," + std::to_string(interval_ms) + ",0," + mark);
  if (reply.rfind("Starting untimed measurement", 0) != 0)
    throw std::runtime_error(where_ + ": Go answered '" + reply + "'");
  std::lock_guard lock(mutex_);
  running_ = true;
  phase_ = PtdPhase{mark, phase_.ranges, {}, 0, 0, 0, std::nullopt};
}

PtdPhase PtdAnalyzer::stop() {
  const std::string stopped = command("Stop");
  std::lock_guard lock(mutex_);
  running_ = false;
  if (stopped != "Stopping untimed measurement")
    throw std::runtime_error(where_ + ": Stop answered '" + stopped + "'");
  const std::string head = send_and_read("RL");
  std::string lines = head;
  const auto f = split(head, ' ');
  if (f.size() < 3 || f[0] != "Last" || f[2] != "samples") {
    exchanges_.push_back({"RL", head});
    throw std::runtime_error(where_ + ": RL answered '" + head + "'");
  }
  PtdPhase phase = phase_;
  const long count = std::stol(f[1]);
  for (long i = 0; i < count; ++i) {
    const std::string line = read_line();
    lines += "\n" + line;
    phase.samples.push_back(parse_ptd_sample(line));
    phase.max_volts = std::max(phase.max_volts, phase.samples.back().volts);
    phase.max_amps = std::max(phase.max_amps, phase.samples.back().amps);
  }
  exchanges_.push_back({"RL", lines});
  return phase;
}

std::vector<PtdExchange> PtdAnalyzer::exchanges() const {
  std::lock_guard lock(mutex_);
  return exchanges_;
}

namespace detail {

std::vector<std::unique_ptr<Sensor>> open_ptd_meter(const MeterUrl& url, const MeterOptions& options,
                                                    std::vector<Probe>& probes,
                                                    std::shared_ptr<PtdAnalyzer>& analyzer) {
  analyzer = std::make_shared<PtdAnalyzer>(url, options);
  // Until a workflow fixes them, the analyzer ranges itself and samples once a second.
  analyzer->set_ranges({});
  analyzer->go("joulebench");
  PolledSensorSpec spec;
  spec.name = "ptd:" + url.host;
  spec.domain = "analyzer";
  spec.location = "wall";
  spec.path = url.str() + " (" + analyzer->identity() + ")";
  spec.interval =
      std::chrono::microseconds(static_cast<long long>(options.poll_interval_s.value_or(1.0) * 1e6));
  spec.window_s = 1.0;  // one sample per Go interval, averaged by the analyzer over it
  spec.stall_s = options.stall_s;
  std::vector<std::unique_ptr<Sensor>> out;
  out.push_back(PolledSensor::open(
      spec,
      [a = analyzer] {
        PolledValue v;
        try {
          const double w = a->watts();
          const auto u = a->uncertainty();
          if (u && *u > kPtdUncertaintyLimit) {
            v.error = "analyzer uncertainty " + fixed(*u * 100) + "% is above the 1% MLPerf Power allows";
            v.flagged = true;
          } else {
            v.ok = true;
            v.value = w;
          }
        } catch (const std::exception& e) {
          v.error = e.what();
        }
        return v;
      },
      url.str(), probes));
  return out;
}

}  // namespace detail
}  // namespace joulebench::power

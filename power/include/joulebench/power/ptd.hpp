// SPEC PTDaemon, the power analyzer daemon of SPECpower and MLPerf Power: a TCP line protocol
// (default port 8888) in front of an AC analyzer. joulebench is its client: it reads the
// analyzer's watts and their uncertainty as a meter, and runs the MLPerf Power workflow (a ranging
// run with auto ranges, then the testing run with the ranges the ranging run needed). Every
// command and reply is kept, for results.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "joulebench/power/journal.hpp"
#include "joulebench/power/meter.hpp"

namespace joulebench::power {

/// MLPerf Power: a testing sample whose uncertainty is above 1% makes the result invalid.
inline constexpr double kPtdUncertaintyLimit = 0.01;

struct PtdExchange {
  std::string command, reply;
};

/// One analyzer sample, as PTDaemon logs it and RL returns it:
/// Time,MM-DD-YYYY HH:MM:SS.mmm,Watts,W,Volts,V,Amps,A,PF,pf,Mark,mark[,...].
struct PtdSample {
  std::string time, mark;
  double watts = 0, volts = 0, amps = 0, pf = 0;
};
/// Throws std::runtime_error naming the line and the field that is missing or not a number.
PtdSample parse_ptd_sample(const std::string& line);

/// Voltage and current ranges, "Auto" or a value in V / A as SR takes it.
struct PtdRanges {
  std::string volts = "Auto", amps = "Auto";
};
/// The RR reply "Ranges,{amp autorange},{amp range},{volt autorange},{volt range}": a fixed range
/// where autorange is 0 and the range positive, else "Auto".
PtdRanges parse_ptd_ranges(const std::string& reply);
/// Ranges as the cap journal keeps them, "VOLTS,AMPS" (each "Auto" or a number), and back;
/// nullopt for text that is not that.
std::string journalled_ranges(const PtdRanges& ranges);
std::optional<PtdRanges> parse_journalled_ranges(const std::string& text);

/// The Uncertainty reply "Uncertainty,U" (U a fraction, or a percentage when it ends in '%') as
/// a fraction; nullopt when the analyzer cannot evaluate it.
std::optional<double> parse_ptd_uncertainty(const std::string& reply);

/// One phase of the MLPerf Power workflow, as results record it.
struct PtdPhase {
  std::string mark;
  PtdRanges ranges;
  std::vector<PtdSample> samples;
  double max_volts = 0, max_amps = 0;
  /// Samples polled during the phase whose uncertainty was above kPtdUncertaintyLimit, and the
  /// worst seen.
  std::size_t uncertain_samples = 0;
  std::optional<double> worst_uncertainty;
};
/// A connection to one PTDaemon. The constructor checks it is one (Hello), asks what analyzer it
/// drives (Identify) and its ranges now (RR); the destructor stops a measurement still running
/// and sets those ranges back. Commands are serialised; each failure throws std::runtime_error
/// naming the daemon, the command and the reply.
class PtdAnalyzer {
 public:
  PtdAnalyzer(const MeterUrl& url, const MeterOptions& options);
  ~PtdAnalyzer();
  PtdAnalyzer(const PtdAnalyzer&) = delete;
  PtdAnalyzer& operator=(const PtdAnalyzer&) = delete;

  /// Sends one command line and returns the reply line.
  std::string command(const std::string& line);
  /// The latest sample's watts ("Watts").
  double watts();
  /// The latest sample's uncertainty ("Uncertainty"), a fraction.
  std::optional<double> uncertainty();
  void set_ranges(const PtdRanges& ranges);
  /// Journals the analyzer's own ranges before the first change, so that `joulebench restore`
  /// puts them back after a crash (the entry goes once this connection has put them back). An
  /// entry a dead run left for this analyzer holds the ranges it was found with: those are kept.
  void journal_to(std::shared_ptr<CapJournal> journal);
  /// Sets `ranges` and leaves them set when this connection closes (restoring from the journal).
  void put_back(const PtdRanges& ranges);
  /// Starts an untimed measurement at one sample per `interval_ms`, marked `mark` in its log.
  void go(const std::string& mark, int interval_ms = 1000);
  /// Stops it and returns the phase: its samples (Stop, then RL) and the uncertainty polled
  /// while it ran.
  PtdPhase stop();

  [[nodiscard]] const std::string& identity() const { return identity_; }
  [[nodiscard]] const PtdRanges& initial_ranges() const { return initial_; }
  [[nodiscard]] std::vector<PtdExchange> exchanges() const;
  [[nodiscard]] const std::string& where() const { return where_; }

 private:
  std::string send_and_read(const std::string& line);
  std::string read_line();

  std::string where_;
  double timeout_s_;
  int fd_ = -1;
  std::string buffer_;
  std::string identity_;
  PtdRanges initial_;
  std::shared_ptr<CapJournal> journal_;
  bool journaled_ = false;
  bool running_ = false;
  PtdPhase phase_;  ///< the measurement running: its mark, ranges and uncertainty so far
  mutable std::mutex mutex_;
  std::vector<PtdExchange> exchanges_;
};

/// The testing ranges MLPerf Power takes from a ranging phase: its largest volts and amps.
/// Throws std::runtime_error when the ranging phase has no sample (it ended in under a sample).
PtdRanges testing_ranges(const PtdPhase& ranging);

/// Puts a journalled analyzer's ranges back (`joulebench restore`): connects to the PTDaemon at
/// `url` and sets them. False with `error` set when it cannot be reached or refuses.
bool restore_ptd_ranges(const std::string& url, const PtdRanges& ranges, const MeterOptions& options,
                        std::string& error);

}  // namespace joulebench::power

// A small mixed-integer linear program: written as CPLEX LP text any solver reads (GLPK's
// glpsol, CBC, HiGHS, CPLEX, Gurobi) and solved in-process with COIN-OR CBC, from one structure,
// so the file beside a plan is exactly the problem that was solved.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace joulebench::suite {

struct Milp {
  struct Var {
    std::string name;
    double lo = 0, hi = 1;
    bool integer = false;
    double objective = 0;
  };
  struct Row {
    std::string name;
    std::vector<std::pair<int, double>> terms;  ///< (variable index, coefficient)
    char sense = 'L';                           ///< 'L' <=, 'G' >=, 'E' =
    double rhs = 0;
  };
  std::string title;
  bool maximize = true;
  std::vector<Var> vars;
  std::vector<Row> rows;

  int add_var(std::string name, double lo, double hi, bool integer, double objective = 0);
  void add_row(std::string name, std::vector<std::pair<int, double>> terms, char sense, double rhs);

  /// CPLEX LP format (the subset GLPK reads: no SOS section, binaries as General with 0..1
  /// bounds), numbers with 17 significant digits.
  [[nodiscard]] std::string lp_text() const;
};

struct MilpSolution {
  bool optimal = false, infeasible = false;
  double objective = 0;
  std::vector<double> x;
  std::string solver;  ///< "CBC 2.10.8 (in-process)"
  std::string status;  ///< the solver's words when not optimal
};

/// Solves to proven optimality (relative gap 0) with CBC; never a best effort: a result that is
/// not proven optimal says so in `status`.
MilpSolution solve_with_cbc(const Milp& m);

}  // namespace joulebench::suite

#include "results/milp.hpp"

#include <Cbc_C_Interface.h>

#include <cstdio>
#include <memory>

namespace joulebench::suite {
namespace {

std::string num(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

std::string terms_text(const Milp& m, const std::vector<std::pair<int, double>>& terms) {
  std::string out;
  for (const auto& [i, c] : terms)
    out += "\n    " + std::string(c < 0 ? "- " : "+ ") + num(c < 0 ? -c : c) + " " + m.vars[i].name;
  return out;
}

}  // namespace

int Milp::add_var(std::string name, double lo, double hi, bool integer, double objective) {
  vars.push_back({std::move(name), lo, hi, integer, objective});
  return static_cast<int>(vars.size()) - 1;
}

void Milp::add_row(std::string name, std::vector<std::pair<int, double>> terms, char sense, double rhs) {
  rows.push_back({std::move(name), std::move(terms), sense, rhs});
}

std::string Milp::lp_text() const {
  std::string out = "\\* " + title + " *\\\n" + (maximize ? "Maximize\n" : "Minimize\n") + " obj:";
  std::vector<std::pair<int, double>> objective;
  for (int i = 0; i < static_cast<int>(vars.size()); ++i)
    if (vars[i].objective != 0) objective.emplace_back(i, vars[i].objective);
  if (objective.empty() && !vars.empty()) objective.emplace_back(0, 0.0);
  out += terms_text(*this, objective) + "\nSubject To\n";
  for (const auto& r : rows) {
    out += " " + r.name + ":" + terms_text(*this, r.terms) + "\n    " +
           (r.sense == 'L'   ? "<= "
            : r.sense == 'G' ? ">= "
                             : "= ") +
           num(r.rhs) + "\n";
  }
  out += "Bounds\n";
  for (const auto& v : vars) {
    out += v.lo == v.hi ? " " + v.name + " = " + num(v.lo) + "\n"
                        : " " + num(v.lo) + " <= " + v.name + " <= " + num(v.hi) + "\n";
  }
  std::string general;
  for (const auto& v : vars)
    if (v.integer) general += " " + v.name + "\n";
  if (!general.empty()) out += "General\n" + general;
  return out + "End\n";
}

MilpSolution solve_with_cbc(const Milp& m) {
  std::unique_ptr<Cbc_Model, void (*)(Cbc_Model*)> model(Cbc_newModel(), Cbc_deleteModel);
  Cbc_setLogLevel(model.get(), 0);
  for (const auto& v : m.vars)
    Cbc_addCol(model.get(), v.name.c_str(), v.lo, v.hi, v.objective, v.integer ? 1 : 0, 0, nullptr, nullptr);
  for (const auto& r : m.rows) {
    std::vector<int> cols;
    std::vector<double> coefs;
    for (const auto& [i, c] : r.terms) cols.push_back(i), coefs.push_back(c);
    Cbc_addRow(model.get(), r.name.c_str(), static_cast<int>(cols.size()), cols.data(), coefs.data(), r.sense,
               r.rhs);
  }
  Cbc_setObjSense(model.get(), m.maximize ? -1 : 1);
  Cbc_setAllowableFractionGap(model.get(), 0.0);
  Cbc_setAllowableGap(model.get(), 0.0);
  MilpSolution s;
  s.solver = std::string("CBC ") + Cbc_getVersion() + " (in-process)";
  Cbc_solve(model.get());
  s.infeasible = Cbc_isProvenInfeasible(model.get()) != 0;
  s.optimal = Cbc_isProvenOptimal(model.get()) != 0;
  if (s.optimal) {
    s.objective = Cbc_getObjValue(model.get());
    const double* x = Cbc_getColSolution(model.get());
    s.x.assign(x, x + m.vars.size());
  } else {
    s.status = s.infeasible ? "infeasible"
                            : "not solved to proven optimality (status " +
                                  std::to_string(Cbc_status(model.get())) + ")";
  }
  return s;
}

}  // namespace joulebench::suite

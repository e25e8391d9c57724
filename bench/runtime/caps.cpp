#include "runtime/caps.hpp"

#include <cstdio>

#include "joulebench/power/actuator.hpp"

namespace joulebench::cli {

void restore_leftover_caps(const power::SysfsRoot& root) {
  power::CapJournal journal(power::CapJournal::default_path(root), root);
  for (const auto& o : journal.restore_leftovers()) {
    if (o.result == power::CapJournal::Outcome::Result::held) continue;  // a live run's own cap
    std::fprintf(stderr, "joulebench: warning: a run that is gone left a hardware cap (journal %s): %s\n",
                 journal.file().c_str(), o.line().c_str());
  }
}

}  // namespace joulebench::cli

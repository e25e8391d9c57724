// `joulebench sensors | power | measure | cap | restore`.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/power_setup.hpp"
#include "cli/ptd_workflow.hpp"
#include "joulebench/platform/topology.hpp"
#include "joulebench/power/actuator.hpp"
#include "joulebench/power/sampler.hpp"
#include "results/estimate.hpp"
#include "results/json_out.hpp"
#include "results/si.hpp"
#include "runtime/signals.hpp"

namespace joulebench::cli {
namespace {

using nlohmann::json;

json probe_json(const power::Probe& p) {
  json j{{"name", p.name},     {"role", p.role}, {"kind", p.kind},    {"available", p.available},
         {"reason", p.reason}, {"path", p.path}, {"domain", p.domain}};
  if (p.role == "sensor") {
    j["update_interval_s"] = p.update_interval_s;
    j["location"] = p.location;
    j["averaging_window_s"] = p.averaging_window_s ? json(*p.averaging_window_s) : json();
    j["resolution"] = p.resolution ? json(*p.resolution) : json();
    j["device_time_offset_s"] = p.device_time_offset_s ? json(*p.device_time_offset_s) : json();
  }
  if (p.model) j["estimate"] = suite::estimate_json(*p.model);
  if (p.role == "actuator") {
    j["unit"] = p.unit;
    j["min"] = p.min ? json(*p.min) : json();
    j["max"] = p.max ? json(*p.max) : json();
    j["value"] = p.value ? json(*p.value) : json();
  }
  return j;
}

// Energy per sensor over a sampled window.
json window_json(const power::Sampler& sampler, double t0, double t1) {
  json out = json::array();
  for (std::size_t i = 0; i < sampler.sensors().size(); ++i) {
    const power::Sensor& s = *sampler.sensors()[i];
    const auto w = power::energy_in_window(sampler.sensor_series(i, t0, t1), s.is_counter(), t0, t1);
    json j{{"name", s.name()},
           {"kind", std::string(power::to_string(s.provenance()))},
           {"seconds", t1 - t0},
           {"gaps", sampler.gaps(i)}};
    if (w.ok) {
      j["joules"] = w.joules;
      j["watts"] = w.watts;
    } else {
      j["joules"] = nullptr;
      j["watts"] = nullptr;
      j["error"] = sampler.last_error(i).empty() ? "too few readings in the window" : sampler.last_error(i);
    }
    out.push_back(j);
  }
  return out;
}

// Energy per sensor over the next `seconds` (less if interrupted), once the sampler has read it.
json sample_window(power::Sampler& sampler, double seconds) {
  const double t0 = sampler.now();
  while (sampler.now() - t0 < seconds && !interrupted())
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const double t1 = sampler.now();
  sampler.wait_until_read(t1);
  return window_json(sampler, t0, t1);
}

void print_window(const json& rows) {
  std::printf("  %-28s %-9s %12s %10s %10s%s\n", "sensor", "kind", "energy", "time", "power",
              !rows.empty() && rows[0].contains("net_joules") ? "   net of idle" : "");
  for (const auto& r : rows) {
    if (r["joules"].is_null()) {
      std::printf("  %-28s %-9s  no reading: %s\n", r["name"].get<std::string>().c_str(),
                  r["kind"].get<std::string>().c_str(), r["error"].get<std::string>().c_str());
      continue;
    }
    std::printf("  %-28s %-9s %12s %10s %10s", r["name"].get<std::string>().c_str(),
                r["kind"].get<std::string>().c_str(), si(r["joules"].get<double>(), "J").c_str(),
                si(r["seconds"].get<double>(), "s").c_str(), si(r["watts"].get<double>(), "W").c_str());
    if (r.contains("net_joules") && r["net_joules"].is_number())
      std::printf("   %s (idle %s)", si(r["net_joules"].get<double>(), "J").c_str(),
                  si(r["idle_watts"].get<double>(), "W").c_str());
    std::printf("\n");
  }
}

std::vector<power::Sensor*> raw(const power::SensorSet& set) {
  std::vector<power::Sensor*> out;
  for (const auto& s : set.sensors) out.push_back(s.get());
  return out;
}

// Which sensors make the primary total and why; a package counter that cannot be read is named
// with its error, and estimated figures are announced as such.
void note_primary(const power::SensorSet& set) {
  std::string names;
  for (const auto* s : set.primary) names += (names.empty() ? "" : " + ") + s->name();
  std::fprintf(stderr, "joulebench: primary energy: %s (%s)\n", names.c_str(), set.primary_rule.c_str());
  for (const auto& p : set.primary_unreadable)
    std::fprintf(stderr, "joulebench: warning: %s cannot be read: %s\n", p.name.c_str(), p.reason.c_str());
  if (!set.primary.empty() && set.primary.front()->provenance() == power::Provenance::estimated) {
    std::fprintf(stderr,
                 "joulebench: note: no readable power sensor; energy figures are ESTIMATED by a utilisation "
                 "model (%s)\n",
                 set.primary.front()->path().c_str());
    const power::PowerModel* model = set.primary.front()->model();
    if (model && model->basis && model->basis->fallback)
      std::fprintf(stderr, "joulebench: warning: %s\n", model->basis->warning.c_str());
  }
}

json unreadable_json(const power::SensorSet& set) {
  json list = json::array();
  for (const auto& p : set.primary_unreadable) list.push_back({{"name", p.name}, {"error", p.reason}});
  return list;
}

// The ACTUATOR=VALUE items of `cap`, checked before anything is changed.
std::vector<std::pair<power::Actuator*, double>> caps_from(
    const Args& a, const std::vector<std::unique_ptr<power::Actuator>>& actuators,
    const std::vector<power::Probe>& probes) {
  std::vector<std::pair<power::Actuator*, double>> wanted;
  for (const std::string& item : a.positionals()) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw UsageError("cap '" + item + "' has no '='; write ACTUATOR=VALUE");
    const std::string name = item.substr(0, eq);
    if (name == "duty" || name == "workers") {
      throw UsageError(
          "'" + name +
          "' throttles joulebench's own workloads, not another program; use it with `joulebench run`");
    }
    power::Actuator* found = nullptr;
    for (const auto& act : actuators) found = act->name() == name ? act.get() : found;
    if (found == nullptr) {
      std::string why = "no such actuator";
      for (const auto& p : probes) why = p.name == name ? "unavailable: " + p.reason : why;
      throw UsageError("actuator '" + name + "' " + why + "; `joulebench sensors` lists them");
    }
    if (!a.flag("allow-hw-caps")) {
      throw UsageError("refusing to change " + name +
                       " (a hardware limit) without --allow-hw-caps; the previous value "
                       "is journaled and restored when the command ends");
    }
    try {
      wanted.emplace_back(found, power::parse_cap_value(item.substr(eq + 1), *found));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  return wanted;
}

}  // namespace

int cmd_sensors(const std::vector<std::string>& argv) {
  const Args a(argv, with_meter_options({"sysfs-root", "calibration"}), with_meter_flags({"json"}));
  const auto options = discovery_from(a);
  const power::SensorSet set = sensors_from(a);
  power::CapJournal journal(power::CapJournal::default_path(options.root), options.root);
  std::vector<power::Probe> probes = set.probes;
  (void)power::hardware_actuators(options.root, journal, probes, options.nvml);
  for (const auto& p : software_actuator_probes(platform::topology().cores)) probes.push_back(p);
  if (a.flag("json")) {
    json list = json::array();
    for (const auto& p : probes) list.push_back(probe_json(p));
    print_json(list, 2);
    return 0;
  }
  std::printf("%-8s %-28s %-9s %-8s %-3s %s\n", "role", "name", "kind", "location", "ok",
              "where (or why not)");
  for (const auto& p : probes) {
    std::string where = p.available ? p.path : p.reason;
    if (p.available && p.averaging_window_s)
      where += " (averaged over " + si(*p.averaging_window_s, "s") + ")";
    std::printf("%-8s %-28s %-9s %-8s %-3s %s%s\n", p.role.c_str(), p.name.c_str(), p.kind.c_str(),
                p.role == "sensor" ? p.location.c_str() : "", p.available ? "yes" : "no", where.c_str(),
                p.role == "actuator" && p.min
                    ? (" [" + std::to_string(*p.min) + " .. " + std::to_string(*p.max) + "] " + p.unit +
                       ", now " + std::to_string(p.value.value_or(0)))
                          .c_str()
                    : "");
  }
  std::printf("primary CPU energy: ");
  for (const auto* s : set.primary)
    std::printf("%s (%s) ", s->name().c_str(), std::string(power::to_string(s->provenance())).c_str());
  std::printf("\n");
  return 0;
}

// `power --interval MS`: one row per interval, one column per sensor, like `perf stat -I`.
int power_intervals(const power::SensorSet& set, power::Sampler& sampler, double seconds, double interval_s,
                    bool as_json) {
  json rows = json::array();
  if (!as_json) {
    std::printf("%10s", "time");
    for (const auto* sensor : sampler.sensors()) std::printf(" %22.22s", sensor->name().c_str());
    std::printf("\n");
  }
  const double t0 = sampler.now();
  for (int k = 1; t0 + k * interval_s <= t0 + seconds + 1e-9 && !interrupted(); ++k) {
    const double a = t0 + (k - 1) * interval_s, b = t0 + k * interval_s;
    while (sampler.now() < b && !interrupted()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    sampler.wait_until_read(b);
    json watts = json::array();
    for (std::size_t i = 0; i < sampler.sensors().size(); ++i) {
      const auto w =
          power::energy_in_window(sampler.sensor_series(i, a, b), sampler.sensors()[i]->is_counter(), a, b);
      watts.push_back(w.ok ? json(w.watts) : json());
    }
    if (as_json) {
      rows.push_back({{"t_s", b - t0}, {"watts", watts}});
      continue;
    }
    std::printf("%10s", si(b - t0, "s", 4).c_str());
    for (const auto& w : watts) std::printf(" %22s", w.is_number() ? si(w.get<double>(), "W").c_str() : "-");
    std::printf("\n");
    std::fflush(stdout);
  }
  if (as_json) {
    json names = json::array(), kinds = json::array();
    for (const auto* sensor : sampler.sensors())
      names.push_back(sensor->name()), kinds.push_back(std::string(power::to_string(sensor->provenance())));
    print_json(json{{"interval_s", interval_s},
                    {"sensors", names},
                    {"kinds", kinds},
                    {"intervals", rows},
                    {"primary_rule", set.primary_rule},
                    {"primary_unreadable", unreadable_json(set)}});
  }
  return interrupted() ? interrupted_exit_code() : 0;
}

int cmd_power(const std::vector<std::string>& argv) {
  const Args a(argv, with_meter_options({"sysfs-root", "calibration", "duration", "interval"}),
               with_meter_flags({"json"}));
  const power::SensorSet set = sensors_from(a);
  const double seconds = a.positive("duration").value_or(a.get("interval") ? 10.0 : 2.0);
  const auto interval_ms = a.positive("interval");
  if (interval_ms && *interval_ms < 10)
    throw UsageError("--interval '" + *a.get("interval") +
                     "' is under 10 ms; sensors update no faster, give 10 or more");
  power::Sampler sampler(raw(set), {});
  sampler.start();
  if (interval_ms) {
    if (!a.flag("json")) note_primary(set);
    const int code = power_intervals(set, sampler, seconds, *interval_ms / 1e3, a.flag("json"));
    sampler.stop();
    return code;
  }
  const json rows = sample_window(sampler, seconds);
  sampler.stop();
  if (a.flag("json")) {
    print_json(json{
        {"sensors", rows}, {"primary_rule", set.primary_rule}, {"primary_unreadable", unreadable_json(set)}});
  } else {
    note_primary(set);
    print_window(rows);
  }
  return interrupted() ? interrupted_exit_code() : 0;
}

// Idle watts per sensor (null where unreadable), then each row's energy net of it.
json net_of_idle(json rows, const json& idle) {
  for (std::size_t i = 0; i < rows.size() && i < idle.size(); ++i) {
    const json& w = idle[i]["watts"];
    rows[i]["idle_watts"] = w;
    rows[i]["net_joules"] =
        w.is_number() && rows[i]["joules"].is_number()
            ? json(rows[i]["joules"].get<double>() - w.get<double>() * rows[i]["seconds"].get<double>())
            : json();
  }
  return rows;
}

// Mean and spread (min, max) of one field per sensor over the repeats.
json spread(const std::vector<json>& repeats, const char* key) {
  json out = json::array();
  for (std::size_t i = 0; !repeats.empty() && i < repeats.front().size(); ++i) {
    std::vector<double> v;
    for (const auto& r : repeats)
      if (r[i][key].is_number()) v.push_back(r[i][key].get<double>());
    if (v.empty()) {
      out.push_back(nullptr);
      continue;
    }
    double mean = 0;
    for (double x : v) mean += x / static_cast<double>(v.size());
    out.push_back({{"mean", mean},
                   {"min", *std::min_element(v.begin(), v.end())},
                   {"max", *std::max_element(v.begin(), v.end())},
                   {"n", v.size()}});
  }
  return out;
}

int cmd_measure(const std::vector<std::string>& argv) {
  const Args a(argv, with_meter_options({"sysfs-root", "calibration", "repeat", "idle"}),
               with_meter_flags({"json"}));
  const power::SensorSet set = sensors_from(a);
  const auto repeats = a.uint("repeat", 1, 1000).value_or(1);
  const double idle_s = a.positive("idle", true).value_or(1.0);
  if (a.rest().empty()) throw UsageError("no command given after --; write -- COMMAND [ARGS...]");
  power::Sampler sampler(raw(set), {});
  sampler.start();
  json idle = json::array();
  if (idle_s > 0) idle = sample_window(sampler, idle_s);  // the command's energy is reported net of it
  std::vector<json> runs;
  int code = 0;
  std::optional<PtdWorkflow> ptd;
  if (set.ptd) {
    // The workflow sets the analyzer's ranges: journalled, so a crash leaves them to `restore`.
    const power::SysfsRoot root = sysfs_root_from(a);
    set.ptd->journal_to(std::make_shared<power::CapJournal>(power::CapJournal::default_path(root), root));
    ptd.emplace(set.ptd);
    code = ptd->range(a.rest());
  }
  for (std::uint64_t k = 0; k < repeats && !interrupted() && code == 0; ++k) {
    const double t0 = sampler.now();
    code = run_child(a.rest());
    const double t1 = sampler.now();
    sampler.wait_until_read(t1);
    runs.push_back(net_of_idle(window_json(sampler, t0, t1), idle));
    if (!a.flag("json")) {
      if (k == 0) note_primary(set);
      std::fprintf(stderr, "joulebench measure: run %llu of %llu: %.3f s, exit code %d\n",
                   static_cast<unsigned long long>(k + 1), static_cast<unsigned long long>(repeats), t1 - t0,
                   code);
      print_window(runs.back());
    }
    if (code != 0) break;  // a failing command is not measured again
  }
  sampler.stop();
  if (ptd) ptd->finish();
  if (a.flag("json")) {
    json out{{"exit_code", code},
             {"seconds", runs.empty() ? json() : runs.back()[0]["seconds"]},
             {"sensors", runs.empty() ? json::array() : runs.back()},
             {"repeats", runs},
             {"idle", idle},
             {"primary_rule", set.primary_rule},
             {"primary_unreadable", unreadable_json(set)}};
    if (ptd) out["ptd"] = ptd->to_json();
    if (runs.size() > 1)
      out["spread"] = {{"joules", spread(runs, "joules")},
                       {"net_joules", spread(runs, "net_joules")},
                       {"seconds", spread(runs, "seconds")},
                       {"watts", spread(runs, "watts")}};
    print_json(out);
  } else if (runs.size() > 1) {
    const json j = spread(runs, "joules"), n = spread(runs, "net_joules"), w = spread(runs, "watts");
    std::printf("  %-28s %24s %24s %20s   over %zu runs\n", "sensor", "energy mean (min..max)", "net of idle",
                "power", runs.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
      const auto cell = [](const json& s, const char* unit) {
        return s.is_object() ? si(s["mean"].get<double>(), unit) + " (" + si(s["min"].get<double>(), unit) +
                                   ".." + si(s["max"].get<double>(), unit) + ")"
                             : std::string("-");
      };
      std::printf("  %-28s %24s %24s %20s\n", runs.back()[i]["name"].get<std::string>().c_str(),
                  cell(j[i], "J").c_str(), cell(n[i], "J").c_str(),
                  w[i].is_object() ? si(w[i]["mean"].get<double>(), "W").c_str() : "-");
    }
  }
  if (ptd && !a.flag("json")) ptd->print();
  return interrupted() && code == 0 ? interrupted_exit_code() : code;
}

int cmd_cap(const std::vector<std::string>& argv) {
  const Args a(argv, with_meter_options({"sysfs-root"}), with_meter_flags({"allow-hw-caps", "json"}),
               Args::kAnyPositionals);
  const power::SysfsRoot root = sysfs_root_from(a);
  power::MeterOptions meter_options;
  const auto meter = meter_from(a, meter_options);
  if (a.positionals().empty())
    throw UsageError("no cap given; write ACTUATOR=VALUE, e.g. powercap:package-0=120W");
  if (a.rest().empty()) throw UsageError("no command given after --; write -- COMMAND [ARGS...]");
  restore_leftover_caps(root);
  power::CapJournal journal(power::CapJournal::default_path(root), root);
  std::vector<power::Probe> probes;
  auto actuators = power::hardware_actuators(root, journal, probes, root.is_real());
  if (meter) {
    // The chassis limit of a Redfish meter: journalled like the others, put back the same way.
    journal.set_meter_options(meter_options);
    actuators.push_back(power::open_meter_power_limit(*meter, meter_options, journal));
  }
  const auto wanted = caps_from(a, actuators, probes);
  // A second signal, or the main thread stuck in a child that ignores the first, still puts
  // back what this process changed before it exits.
  EmergencyRestore emergency([&journal] { (void)journal.restore_own(); });
  int code = 0;
  json applied = json::array();
  {
    power::CapSession session;
    for (auto& [act, value] : wanted) {
      const auto r = session.apply(*act, value);
      applied.push_back({{"name", act->name()},
                         {"unit", act->unit()},
                         {"requested", r.requested},
                         {"in_force", r.in_force},
                         {"warning", r.warning}});
      std::fprintf(stderr, "joulebench cap: %s = %g %s (in force %g)%s%s\n", act->name().c_str(), r.requested,
                   act->unit().c_str(), r.in_force,
                   r.warning.empty() ? "" : "; warning: ", r.warning.c_str());
    }
    code = run_child(a.rest());
    for (const auto& w : session.restore_all())
      std::fprintf(stderr, "joulebench cap: restore warning: %s\n", w.c_str());
  }
  std::fprintf(stderr, "joulebench cap: caps restored\n");
  if (interrupted()) code = interrupted_exit_code();
  if (a.flag("json")) print_json(json{{"caps", applied}, {"exit_code", code}, {"restored", true}});
  return code;
}

int cmd_restore(const std::vector<std::string>& argv) {
  const Args a(argv, {"sysfs-root", "meter-credentials", "meter-ca"}, {"force", "json", "insecure"});
  const power::SysfsRoot root = sysfs_root_from(a);
  power::CapJournal journal(power::CapJournal::default_path(root), root);
  // A journalled meter limit is reached again with these (the URL is in the journal).
  journal.set_meter_options(meter_options_from(a));
  const auto outcomes = journal.restore_leftovers(a.flag("force"));
  bool ok = true;
  json list = json::array();
  for (const auto& o : outcomes) {
    using R = power::CapJournal::Outcome::Result;
    ok = ok && (o.result == R::restored || o.result == R::held);
    if (!a.flag("json")) std::printf("%s\n", o.line().c_str());
    list.push_back({{"name", o.entry.name},
                    {"target", o.entry.target},
                    {"original", o.entry.original},
                    {"owner_pid", o.entry.owner.pid},
                    {"result", o.result == R::restored  ? "restored"
                               : o.result == R::held    ? "held"
                               : o.result == R::refused ? "refused"
                                                        : "failed"},
                    {"detail", o.detail}});
  }
  if (a.flag("json"))
    print_json(json{{"journal", journal.file().string()}, {"entries", list}});
  else if (outcomes.empty())
    std::printf("nothing to restore (journal %s is empty)\n", journal.file().c_str());
  return ok ? 0 : 1;
}

}  // namespace joulebench::cli

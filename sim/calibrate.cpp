#include "sim/calibrate.hpp"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "sim/experiment.hpp"
#include "sim/experiment_file.hpp"
#include "sim/interval.hpp"
#include "sim/output.hpp"
#include "sim/point_runs.hpp"
#include "sim/runner.hpp"
#include "sim/text.hpp"
#include "sim/version.hpp"

namespace sim {

namespace {

using config::Map;
using config::Value;

// The baseline's value at a parameter's path: its start unless the file gives one.
std::optional<double> baseline_value(const config::Document& doc, const std::string& path) {
  const config::Node* node = config::find_path(doc.root, path);
  if (!node || !node->is_scalar()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double v = std::stod(node->scalar, &used);
    if (used == node->scalar.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::vector<CalibrationParameter> read_parameters(Map& root, const config::Document* baseline) {
  std::vector<CalibrationParameter> out;
  std::set<std::string> seen;
  for (const Value& item : root["parameters"].as_list()) {
    Map m = item.as_map();
    CalibrationParameter p;
    p.path = m.require<std::string>("path");
    if (!p.path.empty() && !seen.insert(p.path).second)
      m["path"].error("parameter " + p.path + " is listed twice");
    p.low = m.require<double>("low");
    p.high = m.require<double>("high");
    if (m.has("low") && m.has("high") && !(p.low < p.high)) m["high"].error("must be above low");
    if (m.has("start")) {
      p.start = m.require<double>("start");
    } else if (baseline && !p.path.empty()) {
      if (const auto v = baseline_value(*baseline, p.path))
        p.start = *v;
      else
        m["path"].error("the baseline has no number at " + p.path + " to start from; give start");
    }
    if (p.low < p.high && (p.start < p.low || p.start > p.high))
      (m.has("start") ? m["start"] : m["path"])
          .error(fmt::format("the start {} is outside [{}, {}]", p.start, p.low, p.high));
    m.finish();
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<CalibrationTarget> read_targets(Map& root) {
  std::vector<CalibrationTarget> out;
  std::set<std::string> seen;
  if (!root.has("targets")) root.missing("targets");
  for (const Value& item : root["targets"].as_list()) {
    Map m = item.as_map();
    CalibrationTarget t;
    t.name = m.require<std::string>("name");
    if (!t.name.empty() && !seen.insert(t.name).second)
      m["name"].error("target " + t.name + " is listed twice");
    t.quantity = read_quantity(m);
    t.where = m["years"].location();
    t.value = m.require<double>("value");
    t.tolerance = m.require<double>("tolerance", config::positive());
    t.weight = m.get<double>("weight", 1.0, config::positive());
    t.source = m.require<std::string>("source");
    m.finish();
    out.push_back(std::move(t));
  }
  if (root.has("targets") && out.empty()) root["targets"].error("give at least one target");
  return out;
}

MinimizeOptions read_search(Map& root) {
  MinimizeOptions o;
  if (!root.has("search")) return o;
  Map m = root["search"].as_map();
  m.choice("method", {"nelder-mead"}, "nelder-mead");
  o.max_evaluations =
      m.get<std::int32_t>("max_evaluations", o.max_evaluations, config::between(1, 1000000));
  o.x_tolerance = m.get<double>("x_tolerance", o.x_tolerance, config::between(0, 1));
  o.f_tolerance = m.get<double>("f_tolerance", o.f_tolerance, config::non_negative());
  o.initial_step = m.get<double>("initial_step", o.initial_step, config::between(1e-6, 0.5));
  m.finish();
  return o;
}

}  // namespace

CalibrationSpec read_calibration(const std::filesystem::path& file,
                                 const std::vector<std::string>& overrides) {
  const config::Document doc = config::load_document(file);
  config::Diagnostics diag;
  Map root(&doc.root, "", {file.string(), 1, 1}, diag);
  CalibrationSpec spec;
  static_cast<StudyHead&>(spec) = read_study_head(root, doc);
  std::optional<config::Document> baseline;
  if (!spec.baseline.empty()) {
    std::vector<std::string> all = spec.set;
    all.insert(all.end(), overrides.begin(), overrides.end());
    baseline = load_configuration(spec.baseline, all);
  }
  spec.parameters = read_parameters(root, baseline ? &*baseline : nullptr);
  for (const auto& o : spec.set)
    for (const auto& p : spec.parameters)
      if (o.substr(0, o.find('=')) == p.path)
        root["set"].error("sets " + p.path + ", which is a parameter being fitted");
  spec.targets = read_targets(root);
  spec.search = read_search(root);
  root.finish();
  diag.throw_if_any();
  return spec;
}

double calibration_objective(const CalibrationSpec& spec,
                             const std::vector<std::vector<double>>& simulated) {
  double sum = 0;
  for (std::size_t k = 0; k < spec.targets.size(); ++k) {
    const CalibrationTarget& t = spec.targets[k];
    const Interval i = mean_interval(simulated[k]);
    if (i.n != simulated[k].size() || i.n == 0) return std::numeric_limits<double>::quiet_NaN();
    const double z = (i.mean - t.value) / t.tolerance;
    sum += t.weight * z * z;
  }
  return sum;
}

bool all_targets_met(const CalibrationSpec& spec, const CalibrationResult& result) {
  for (std::size_t k = 0; k < spec.targets.size(); ++k)
    if (!(std::abs(mean_interval(result.at_fit[k]).mean - spec.targets[k].value) <=
          spec.targets[k].tolerance))
      return false;
  return true;
}

std::string describe_calibration(const CalibrationSpec& spec, const CalibrationResult& result) {
  const bool check = result.check_only;
  std::string out;
  for (std::size_t j = 0; j < spec.parameters.size() && !check; ++j)
    out += fmt::format("{:<44} {:>12.6g} -> {:<12.6g} (bounds [{:g}, {:g}])\n",
                       spec.parameters[j].path, result.start[j], result.fitted[j],
                       spec.parameters[j].low, spec.parameters[j].high);
  out += fmt::format(
      "\n{:<32} {:>10} {:>10} {:>24} {:>9}  {}\n", "target", "published", check ? "" : "start",
      check ? "simulated [95% interval]" : "fitted [95% interval]", "tolerance", "verdict");
  for (std::size_t k = 0; k < spec.targets.size(); ++k) {
    const CalibrationTarget& t = spec.targets[k];
    const Interval s = mean_interval(result.at_start[k]), f = mean_interval(result.at_fit[k]);
    const std::string interval = std::isnan(f.lo)
                                     ? fmt::format("{:.4g}", f.mean)
                                     : fmt::format("{:.4g} [{:.4g}, {:.4g}]", f.mean, f.lo, f.hi);
    out += fmt::format("{:<32} {:>10.4g} {:>10} {:>24} {:>9.3g}  {}\n", t.name, t.value,
                       check ? std::string() : fmt::format("{:.4g}", s.mean), interval, t.tolerance,
                       std::abs(f.mean - t.value) <= t.tolerance ? "met" : "NOT MET");
  }
  if (check)
    return out + fmt::format("a check at the configured values: {} replicates, {} runs\n",
                             spec.replicates, result.runs);
  return out + fmt::format(
                   "objective {:.4g} at the start, {:.4g} at the fit; {} evaluations, {} runs; "
                   "{}\n",
                   result.objective_at_start, result.objective, result.search.evaluations,
                   result.runs, result.search.stopped_because);
}

}  // namespace sim

namespace sim {

namespace {

// A point of the search: each target in each replicate, the objective and the runs' records.
struct Point {
  std::vector<std::vector<double>> simulated;  // [target][replicate]
  double objective;
  std::vector<RunRecord> records;
};

std::vector<std::vector<double>> targets_of(const CalibrationSpec& spec,
                                            const std::vector<RunRecord>& records) {
  std::vector<std::vector<double>> out;
  for (const CalibrationTarget& t : spec.targets) {
    auto& values = out.emplace_back();
    for (const RunRecord& record : records)
      values.push_back(evaluate_at(t.quantity, record, t.where, "targets[" + t.name + "]"));
  }
  return out;
}

std::vector<Point> evaluate_points(const CalibrationSpec& spec, PointRuns& runs,
                                   const std::vector<std::vector<double>>& points) {
  std::vector<Point> out;
  for (auto& records : runs.run(points)) {
    Point& p = out.emplace_back();
    p.records = std::move(records);
    p.simulated = targets_of(spec, p.records);
    p.objective = calibration_objective(spec, p.simulated);
  }
  return out;
}

config::Node scalar_node(std::string text) {
  config::Node n;
  n.kind = config::Node::Kind::kScalar;
  n.scalar = std::move(text);
  return n;
}

config::Node::Entry entry(std::string key, config::Node value = {}) {
  config::Node::Entry e;
  e.key = std::move(key);
  e.value = std::move(value);
  return e;
}

// The overlay that sets each parameter, shaped like the baseline (maps, and list items by name)
// so that it merges as a scenario file does.
config::Node fitted_overlay(const CalibrationSpec& spec, const config::Document& baseline,
                            const std::vector<double>& values) {
  config::Node root;
  root.kind = config::Node::Kind::kMap;
  for (std::size_t j = 0; j < values.size(); ++j) {
    const config::Node* in_base = &baseline.root;
    config::Node* node = &root;
    for (const auto& segment : split(spec.parameters[j].path, '.')) {
      const bool named =
          in_base && in_base->is_sequence() &&
          std::any_of(in_base->items.begin(), in_base->items.end(),
                      [&](const config::Node& i) { return i.item_name() == segment; });
      if (in_base && in_base->is_sequence() && !named) {
        // A list item by index: lists replace as a whole, so the overlay holds the whole list
        // (the baseline's, with each fitted item changed).
        if (!node->is_sequence()) *node = *in_base;
        const auto index = parse_index(segment);
        if (!index || *index >= node->items.size())
          throw std::logic_error("fitted file: no list item " + segment);
        node = &node->items[*index];
      } else if (named) {
        // A named list item: the overlay has a list with an item of that name.
        node->kind = config::Node::Kind::kSequence;
        config::Node* item = nullptr;
        for (auto& i : node->items)
          if (i.item_name() == segment) item = &i;
        if (!item) {
          item = &node->items.emplace_back();
          item->kind = config::Node::Kind::kMap;
          item->entries.push_back(entry("name", scalar_node(segment)));
        }
        node = item;
      } else {
        node->kind = config::Node::Kind::kMap;
        config::Node::Entry* e = node->find(segment);
        if (!e) e = &node->entries.emplace_back(entry(segment));
        node = &e->value;
      }
      in_base = in_base ? config::find_path(*in_base, segment) : nullptr;
    }
    *node = scalar_node(fmt::format("{}", values[j]));
  }
  return root;
}

std::string comment_lines(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::string out;
  for (const auto& line : split(text, '\n')) out += line.empty() ? "#\n" : "# " + line + "\n";
  return out;
}

// How the fitted file names the baseline: relative to the fitted file when they share a
// directory below the root, else absolute.
std::string extends_path(const std::filesystem::path& baseline,
                         const std::filesystem::path& fitted) {
  const auto base = std::filesystem::weakly_canonical(std::filesystem::absolute(baseline));
  const auto dir =
      std::filesystem::weakly_canonical(std::filesystem::absolute(fitted)).parent_path();
  const auto b = base.begin(), d = dir.begin();
  const bool share_top = std::distance(base.begin(), base.end()) > 1 &&
                         std::distance(dir.begin(), dir.end()) > 1 &&
                         *std::next(b) == *std::next(d);
  return (share_top ? base.lexically_relative(dir) : base).generic_string();
}

std::string fitted_file_text(const CalibrationSpec& spec, const CalibrationRequest& request,
                             const CalibrationResult& result, const config::Document& baseline) {
  std::string out = fmt::format(
      "# Fitted by eldersim calibrate {} (eldersim {}, commit {}, {}).\n"
      "# Runs with: {}\n# {} replicates per evaluation; calibration runs also set: {}\n#\n",
      spec.file.string(), version(), git_commit(), now_iso8601(), request.command_line,
      spec.replicates, spec.set.empty() ? std::string("nothing") : joined(spec.set, ", "));
  out += comment_lines(describe_calibration(spec, result));
  out += "#\n# Targets and their sources:\n";
  for (const auto& t : spec.targets)
    out += fmt::format("#   {}: {} = {} (tolerance {}); source: {}\n", t.name, describe(t.quantity),
                       t.value, t.tolerance, t.source);
  config::Node overlay = fitted_overlay(spec, baseline, result.fitted);
  config::Node name = scalar_node(extends_path(spec.baseline, request.fitted_path));
  name.quoted = true;
  overlay.entries.insert(overlay.entries.begin(), entry("extends", std::move(name)));
  return out + config::to_yaml(overlay);
}

std::vector<std::string> joined_targets(const CalibrationSpec& spec) {
  std::vector<std::string> out;
  for (const auto& t : spec.targets) out.push_back(t.name);
  return out;
}

// The sweep file of the start against the fit (or of the configured values alone, for a check)
// with the search in /calibration.
void write_calibration_file(const CalibrationSpec& spec, const CalibrationRequest& request,
                            const CalibrationResult& result, std::uint64_t root,
                            const std::string& started, int ranks,
                            const std::vector<const std::vector<RunRecord>*>& records) {
  ExperimentContents contents;
  const auto overrides_of = [&](const std::vector<double>& x) {
    std::vector<std::string> out = spec.set;
    for (std::size_t j = 0; j < x.size(); ++j)
      out.push_back(assignment(spec.parameters[j].path, x[j]));
    return out;
  };
  if (result.check_only)
    contents.scenarios = {{"configured", "the baseline with its own values", spec.baseline.string(),
                           overrides_of(result.start)}};
  else
    contents.scenarios = {{"start", "the baseline with the start values", spec.baseline.string(),
                           overrides_of(result.start)},
                          {"fitted", "the baseline with the fitted values", spec.baseline.string(),
                           overrides_of(result.fitted)}};
  const std::size_t S = contents.scenarios.size(), R = static_cast<std::size_t>(spec.replicates);
  contents.replicates = spec.replicates;
  contents.seeds.assign(S, {});
  contents.population_seeds.assign(S, {});
  for (std::size_t sc = 0; sc < S; ++sc)
    for (std::size_t r = 0; r < R; ++r) {
      contents.seeds[sc].push_back(replicate_seed(root, static_cast<int>(r)));
      contents.population_seeds[sc].push_back(
          population_seed(root, static_cast<int>(r), PopulationMode::kPerReplicate));
    }
  contents.record = [&](std::size_t sc, int r) {
    return (*records.at(sc))[static_cast<std::size_t>(r)];
  };
  contents.metadata =
      provenance_metadata({"calibration", root, spec.replicates, request.command_line, ranks,
                           started, result.seconds, result.runs});
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"calibration_file", spec.file.string()},
           {"calibration_text", spec.text},
           {"calibration_name", spec.name},
           {"fitted_file", result.check_only ? std::string() : request.fitted_path.string()}})
    contents.metadata.push_back(MetadataEntry::of(name, value));
  contents.extra = [&](const h5::Group& file_root) {
    const h5::Group g = file_root.create_group("calibration");
    g.set_attribute(
        "method", std::string(result.check_only ? "a check of the configured values, no search"
                                                : "Nelder-Mead in the unit cube of the bounds "
                                                  "(sim/nelder_mead.hpp); common random numbers"));
    g.set_attribute("stopped_because", result.search.stopped_because);
    g.set_attribute("converged", static_cast<std::int32_t>(result.search.converged));
    g.set_attribute("objective_at_start", result.objective_at_start);
    g.set_attribute("objective", result.objective);
    std::vector<std::string> paths;
    std::vector<double> lower, upper;
    for (const auto& p : spec.parameters) {
      paths.push_back(p.path);
      lower.push_back(p.low);
      upper.push_back(p.high);
    }
    g.write_strings("parameter", paths);
    if (!paths.empty())
      write_rows(g, "parameter_low_high_start_fitted", {lower, upper, result.start, result.fitted},
                 "statistic,parameter");
    std::vector<std::string> sources, quantities;
    std::vector<double> values, tolerances, weights;
    for (const auto& t : spec.targets) {
      sources.push_back(t.source);
      quantities.push_back(describe(t.quantity));
      values.push_back(t.value);
      tolerances.push_back(t.tolerance);
      weights.push_back(t.weight);
    }
    g.write_strings("target", joined_targets(spec));
    g.write_strings("target_source", sources);
    g.write_strings("target_quantity", quantities);
    write_rows(g, "target_value_tolerance_weight", {values, tolerances, weights},
               "statistic,target");
    write_rows(g, "simulated_at_start", result.at_start, "target,replicate");
    write_rows(g, "simulated_at_fit", result.at_fit, "target,replicate");
    std::vector<std::string> columns = paths;
    columns.emplace_back("objective");
    g.write_strings("search_column", columns);
    if (result.search.history.empty()) return;
    std::vector<std::vector<double>> log;
    for (const Evaluation& e : result.search.history) {
      std::vector<double> row = e.x;
      row.push_back(e.f);
      log.push_back(std::move(row));
    }
    write_rows(g, "search", log, "evaluation,search_column");
  };
  write_experiment_file(request.out_path, contents);
}

}  // namespace

CalibrationResult run_calibration(const ModelDefinition& definition,
                                  const CalibrationRequest& request, RunBackend& backend) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const std::string started = now_iso8601();
  CalibrationSpec spec = read_calibration(request.calibration_file, request.overrides);
  if (request.replicates > 0) spec.replicates = request.replicates;
  if (request.max_evaluations > 0) spec.search.max_evaluations = request.max_evaluations;
  if (spec.parameters.empty() && !request.check_only)
    throw config::ConfigError({spec.file.string(), 1, 1}, "parameters",
                              "nothing to fit: list the parameters, or check the targets with "
                              "--check (a file of held-out targets needs none)");
  // A check writes no fitted file.
  check_study_outputs(
      request.calibration_file, spec.baseline,
      {request.out_path, request.check_only ? std::filesystem::path() : request.fitted_path},
      request.force);
  const std::uint64_t root = study_root_seed(spec.seed, spec.baseline, request.overrides);
  const auto R = static_cast<std::size_t>(spec.replicates);
  std::vector<std::string> overrides = spec.set;
  overrides.insert(overrides.end(), request.overrides.begin(), request.overrides.end());
  std::vector<std::string> paths;
  for (const auto& p : spec.parameters) paths.push_back(p.path);
  PointRuns runs(replicate_jobs(spec.baseline, root, spec.replicates, overrides), paths, backend);
  std::vector<double> start, lower, upper;
  for (const auto& p : spec.parameters) {
    start.push_back(p.start);
    lower.push_back(p.low);
    upper.push_back(p.high);
  }
  for (const auto& x : {start, lower, upper})  // every corner's configuration checked first
    definition.validate(load_job(runs.job(x, 0)));

  CalibrationResult result;
  result.spec = spec;
  result.start = start;
  if (request.check_only) {
    result.check_only = true;
    const Point p = evaluate_points(spec, runs, {start}).front();
    result.fitted = start;
    result.at_start = result.at_fit = p.simulated;
    result.objective_at_start = result.objective = p.objective;
    result.search.evaluations = 1;
    result.search.stopped_because = "a check of the start values, no search";
    result.runs = runs.runs();
    result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!request.out_path.empty())
      write_calibration_file(spec, request, result, root, started, backend.ranks(), {&p.records});
    return result;
  }
  std::optional<Point> at_start, best;
  std::vector<double> best_x;
  // A point the search comes back to (a step projected onto a bound, a repeated contraction)
  // is not run again: with common random numbers it would give the same value.
  std::map<std::vector<double>, double> seen;
  const BatchObjective objective = [&](const std::vector<std::vector<double>>& points) {
    std::vector<std::vector<double>> fresh;
    for (const auto& x : points)
      if (!seen.contains(x) && std::find(fresh.begin(), fresh.end(), x) == fresh.end())
        fresh.push_back(x);
    std::vector<Point> evaluated = evaluate_points(spec, runs, fresh);
    for (std::size_t p = 0; p < fresh.size(); ++p) {
      Point& e = evaluated[p];
      seen[fresh[p]] = e.objective;
      spdlog::info("evaluation: {} -> objective {:.5g}", runs.describe(fresh[p]), e.objective);
      const bool better = !best || (!std::isnan(e.objective) && !(best->objective <= e.objective));
      if (!at_start) at_start = e;
      if (better) best = std::move(e), best_x = fresh[p];
    }
    std::vector<double> values;
    for (const auto& x : points) values.push_back(seen.at(x));
    return values;
  };
  spdlog::info(
      "{}: {} parameters, {} targets, {} replicates per evaluation, at most {} "
      "evaluations",
      spec.file.string(), spec.parameters.size(), spec.targets.size(), R,
      spec.search.max_evaluations);
  result.search = nelder_mead(objective, start, lower, upper, spec.search);
  result.fitted = best_x;
  result.at_start = at_start->simulated;
  result.at_fit = best->simulated;
  result.objective_at_start = at_start->objective;
  result.objective = best->objective;
  result.runs = runs.runs();
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  // The fitted scenario file, checked by loading and validating it as a user will.
  const config::Document baseline = load_configuration(spec.baseline, {});
  const std::string text = fitted_file_text(spec, request, result, baseline);
  write_file_durably(
      request.fitted_path,
      std::vector<std::byte>(reinterpret_cast<const std::byte*>(text.data()),
                             reinterpret_cast<const std::byte*>(text.data()) + text.size()));
  {
    config::Document fitted = load_configuration(request.fitted_path, {});
    for (std::size_t j = 0; j < result.fitted.size(); ++j)
      if (baseline_value(fitted, spec.parameters[j].path) != result.fitted[j])
        throw std::logic_error("the fitted file does not read back " + spec.parameters[j].path);
    definition.validate(fitted);
  }

  write_calibration_file(spec, request, result, root, started, backend.ranks(),
                         {&at_start->records, &best->records});
  return result;
}

}  // namespace sim

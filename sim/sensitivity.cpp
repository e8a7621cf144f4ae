#include "sim/sensitivity.hpp"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "sim/experiment.hpp"
#include "sim/experiment_file.hpp"
#include "sim/interval.hpp"
#include "sim/output.hpp"
#include "sim/point_runs.hpp"
#include "sim/rng.hpp"
#include "sim/runner.hpp"
#include "sim/text.hpp"
#include "sim/version.hpp"

namespace sim {

namespace {

using config::Map;
using config::Value;

// The stream of the design's random choices ("MRRS"), apart from every model stream.
constexpr std::uint32_t kMorrisDesignKind = 0x4D525253;

std::vector<SensitivityOutput> read_outputs(Map& root) {
  std::vector<SensitivityOutput> out;
  std::set<std::string> seen;
  if (!root.has("outputs")) root.missing("outputs");
  for (const Value& item : root["outputs"].as_list()) {
    Map m = item.as_map();
    SensitivityOutput o;
    o.name = m.require<std::string>("name");
    if (!o.name.empty() && !seen.insert(o.name).second)
      m["name"].error("output " + o.name + " is listed twice");
    o.quantity = read_quantity(m);
    o.where = m["years"].location();
    m.finish();
    out.push_back(std::move(o));
  }
  if (root.has("outputs") && out.empty()) root["outputs"].error("give at least one output");
  return out;
}

}  // namespace

SensitivitySpec read_sensitivity(const std::filesystem::path& file) {
  const config::Document doc = config::load_document(file);
  config::Diagnostics diag;
  Map root(&doc.root, "", {file.string(), 1, 1}, diag);
  SensitivitySpec spec;
  static_cast<StudyHead&>(spec) = read_study_head(root, doc);
  if (!root.has("parameters")) root.missing("parameters");
  spec.parameters = read_uncertain(root["parameters"]);
  if (root.has("parameters") && spec.parameters.empty())
    root["parameters"].error("give at least one parameter");
  for (const auto& o : spec.set)
    for (const auto& p : spec.parameters)
      if (o.substr(0, o.find('=')) == p.path)
        root["set"].error("sets " + p.path + ", which is a parameter being varied");
  spec.outputs = read_outputs(root);
  if (root.has("design")) {
    Map m = root["design"].as_map();
    m.choice("method", {"morris"}, "morris");
    spec.trajectories =
        m.get<std::int32_t>("trajectories", spec.trajectories, config::between(2, 100000));
    spec.levels = m.get<std::int32_t>("levels", spec.levels, config::between(2, 1000));
    if (spec.levels % 2 != 0) m["levels"].error("must be even (the step is levels / 2 grid steps)");
    m.finish();
  }
  root.finish();
  diag.throw_if_any();
  return spec;
}

MorrisDesign morris_design(std::size_t parameters, int trajectories, int levels,
                           std::uint64_t root) {
  MorrisDesign d;
  d.parameters = parameters;
  d.levels = levels;
  const int step = levels / 2;  // grid steps: delta = levels / (2 (levels - 1)) of [0, 1]
  d.delta = static_cast<double>(step) / levels;
  const auto level_u = [levels](int l) { return (l + 0.5) / levels; };
  for (int t = 0; t < trajectories; ++t) {
    RandomStream rng(root, static_cast<std::uint64_t>(t), 0, kMorrisDesignKind);
    const auto below = [&rng](int n) {  // uniform in 0 .. n - 1
      return std::min(n - 1, static_cast<int>(rng.uniform() * n));
    };
    std::vector<int> level(parameters);
    for (auto& l : level) l = below(levels);
    std::vector<std::size_t> order(parameters);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = parameters; i > 1; --i)  // Fisher-Yates: the order of the moves
      std::swap(order[i - 1], order[static_cast<std::size_t>(below(static_cast<int>(i)))]);
    const auto point = [&] {
      std::vector<double> u;
      for (int l : level) u.push_back(level_u(l));
      return u;
    };
    d.u.push_back(point());
    d.moved.push_back(-1);
    for (std::size_t j : order) {
      level[j] += level[j] + step < levels ? step : -step;
      d.u.push_back(point());
      d.moved.push_back(static_cast<int>(j));
    }
  }
  return d;
}

MorrisIndices morris_indices(const MorrisDesign& design,
                             const std::vector<std::vector<double>>& y) {
  const std::size_t k = design.parameters, outputs = y.empty() ? 0 : y[0].size();
  MorrisIndices m;
  m.effects.assign(outputs, std::vector<std::vector<double>>(k));
  for (std::size_t p = 1; p < design.u.size(); ++p) {
    if (design.moved[p] < 0) continue;
    const auto j = static_cast<std::size_t>(design.moved[p]);
    const double step = design.u[p][j] - design.u[p - 1][j];
    for (std::size_t o = 0; o < outputs; ++o) {
      const double ee = (y[p][o] - y[p - 1][o]) / step;
      if (std::isfinite(ee)) m.effects[o][j].push_back(ee);
    }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  m.mu_star.assign(outputs, std::vector<double>(k, nan));
  m.mu = m.sigma = m.mu_star;
  for (std::size_t o = 0; o < outputs; ++o)
    for (std::size_t j = 0; j < k; ++j) {
      const auto& e = m.effects[o][j];
      if (e.empty()) continue;
      double sum = 0, abs_sum = 0;
      for (double v : e) sum += v, abs_sum += std::abs(v);
      const auto n = static_cast<double>(e.size());
      m.mu[o][j] = sum / n;
      m.mu_star[o][j] = abs_sum / n;
      if (e.size() < 2) continue;
      double ss = 0;
      for (double v : e) ss += (v - m.mu[o][j]) * (v - m.mu[o][j]);
      m.sigma[o][j] = std::sqrt(ss / (n - 1));
    }
  return m;
}

std::string describe_sensitivity(const SensitivityResult& result) {
  const SensitivitySpec& spec = result.spec;
  std::string out;
  for (std::size_t o = 0; o < spec.outputs.size(); ++o) {
    out += fmt::format("{} ({})\n", spec.outputs[o].name, describe(spec.outputs[o].quantity));
    out += fmt::format("  {:<4} {:<52} {:>12} {:>12} {:>12}\n", "rank", "parameter", "mu*", "mu",
                       "sigma");
    std::vector<std::size_t> order(spec.parameters.size());
    std::iota(order.begin(), order.end(), 0);
    const auto& mu_star = result.indices.mu_star[o];
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return (std::isnan(mu_star[b]) ? -1.0 : mu_star[b]) <
             (std::isnan(mu_star[a]) ? -1.0 : mu_star[a]);
    });
    for (std::size_t r = 0; r < order.size(); ++r) {
      const std::size_t j = order[r];
      out += fmt::format("  {:<4} {:<52} {:>12.4g} {:>12.4g} {:>12.4g}\n", r + 1,
                         spec.parameters[j].path, mu_star[j], result.indices.mu[o][j],
                         result.indices.sigma[o][j]);
    }
  }
  return out + fmt::format(
                   "(elementary effects per unit of quantile; {} trajectories of {} points, {} "
                   "levels, {} replicates per point: {} runs in {:.1f} s)\n",
                   spec.trajectories, spec.parameters.size() + 1, spec.levels, spec.replicates,
                   result.runs, result.seconds);
}

}  // namespace sim

namespace sim {

namespace {

void write_sensitivity_file(const SensitivityRequest& request, const SensitivityResult& r,
                            std::uint64_t root, const std::string& started, int ranks) {
  const SensitivitySpec& spec = r.spec;
  PendingFile pending(request.out_path);
  {
    h5::File file = h5::File::create(pending.temporary);
    const h5::Group top = file.root();
    const h5::Group meta = top.create_group("metadata");
    std::vector<MetadataEntry> entries =
        provenance_metadata({"sensitivity", root, spec.replicates, request.command_line, ranks,
                             started, r.seconds, r.runs});
    const std::vector<std::pair<std::string, h5::AttributeValue>> own{
        {"sensitivity_file", spec.file.string()},
        {"sensitivity_text", spec.text},
        {"sensitivity_name", spec.name},
        {"description", spec.description},
        {"baseline_file", spec.baseline.string()},
        {"set", joined(spec.set, "\n")},
        {"method", std::string("Morris elementary effects (docs/sensitivity.md)")},
        {"trajectories", static_cast<std::int32_t>(spec.trajectories)},
        {"levels", static_cast<std::int32_t>(spec.levels)},
        {"delta", r.design.delta}};
    for (const auto& [name, value] : own) entries.push_back(MetadataEntry::of(name, value));
    for (const auto& e : entries) meta.set_attribute(e.name, e.value());
    const h5::Group g = top.create_group("sensitivity");
    std::vector<std::string> paths, distributions, sources, outputs, quantities;
    for (const auto& p : spec.parameters) {
      paths.push_back(p.path);
      distributions.push_back(describe(p.distribution));
      sources.push_back(p.source);
    }
    for (const auto& o : spec.outputs) {
      outputs.push_back(o.name);
      quantities.push_back(describe(o.quantity));
    }
    g.write_strings("parameter", paths);
    g.write_strings("parameter_distribution", distributions);
    g.write_strings("parameter_source", sources);
    g.write_strings("output", outputs);
    g.write_strings("output_quantity", quantities);
    write_rows(g, "design_quantile", r.design.u, "point,parameter");
    write_rows(g, "design_value", r.values, "point,parameter");
    std::vector<std::vector<std::int64_t>> moved;
    for (std::size_t p = 0; p < r.design.moved.size(); ++p)
      moved.push_back(
          {static_cast<std::int64_t>(p / (spec.parameters.size() + 1)), r.design.moved[p]});
    write_rows(g, "trajectory_moved", moved, "point,(trajectory,moved parameter or -1)");
    write_rows(g, "output_value", r.y, "point,output");
    write_rows(g, "mu_star", r.indices.mu_star, "output,parameter");
    write_rows(g, "mu", r.indices.mu, "output,parameter");
    write_rows(g, "sigma", r.indices.sigma, "output,parameter");
    file.close();
  }
  pending.commit();
}

}  // namespace

SensitivityResult run_sensitivity(const ModelDefinition& definition,
                                  const SensitivityRequest& request, RunBackend& backend) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const std::string started = now_iso8601();
  SensitivityResult result;
  SensitivitySpec& spec = result.spec;
  spec = read_sensitivity(request.sensitivity_file);
  if (request.replicates > 0) spec.replicates = request.replicates;
  if (request.trajectories > 0) spec.trajectories = request.trajectories;
  check_study_outputs(request.sensitivity_file, spec.baseline, {request.out_path}, request.force);
  const std::uint64_t root = study_root_seed(spec.seed, spec.baseline, request.overrides);
  std::vector<std::string> overrides = spec.set;
  overrides.insert(overrides.end(), request.overrides.begin(), request.overrides.end());
  std::vector<std::string> paths;
  for (const auto& p : spec.parameters) paths.push_back(p.path);
  PointRuns runs(replicate_jobs(spec.baseline, root, spec.replicates, overrides), paths, backend);

  const std::size_t k = spec.parameters.size();
  result.design = morris_design(k, spec.trajectories, spec.levels, root);
  for (const auto& u : result.design.u) {
    auto& x = result.values.emplace_back();
    for (std::size_t j = 0; j < k; ++j)
      x.push_back(quantile(spec.parameters[j].distribution, u[j]));
  }
  {  // the extremes of every parameter's grid checked before anything runs
    std::vector<double> low, high;
    for (const auto& p : spec.parameters) {
      low.push_back(quantile(p.distribution, 0.5 / spec.levels));
      high.push_back(quantile(p.distribution, 1 - 0.5 / spec.levels));
    }
    definition.validate(load_job(runs.job(low, 0)));
    definition.validate(load_job(runs.job(high, 0)));
  }
  spdlog::info("{}: {} parameters, {} outputs, {} trajectories of {} points, {} replicates each",
               spec.file.string(), k, spec.outputs.size(), spec.trajectories, k + 1,
               spec.replicates);
  // One trajectory at a time: every replicate of its k + 1 points at once, records dropped as
  // soon as the outputs are read.
  for (std::size_t begin = 0; begin < result.values.size(); begin += k + 1) {
    const std::vector<std::vector<double>> batch(
        result.values.begin() + static_cast<long>(begin),
        result.values.begin() + static_cast<long>(begin + k + 1));
    for (const auto& records : runs.run(batch)) {
      auto& y = result.y.emplace_back();
      for (const auto& o : spec.outputs) {
        std::vector<double> values;
        for (const RunRecord& record : records)
          values.push_back(evaluate_at(o.quantity, record, o.where, "outputs[" + o.name + "]"));
        y.push_back(mean_interval(values).mean);
      }
    }
    spdlog::info("trajectory {} of {} done", begin / (k + 1) + 1, spec.trajectories);
  }
  result.indices = morris_indices(result.design, result.y);
  result.runs = runs.runs();
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  write_sensitivity_file(request, result, root, started, backend.ranks());
  return result;
}

}  // namespace sim

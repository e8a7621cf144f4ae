#include "sim/plan.hpp"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "sim/experiment.hpp"
#include "sim/experiment_file.hpp"
#include "sim/interval.hpp"
#include "sim/output.hpp"
#include "sim/point_runs.hpp"
#include "sim/record_query.hpp"
#include "sim/runner.hpp"
#include "sim/study.hpp"
#include "sim/version.hpp"

namespace sim {

namespace {

using config::Map;
using config::Value;

PlanTarget read_target(Map& m) {
  PlanTarget t;
  t.series = m.require<std::string>("series");
  t.divide_by = m.get<std::string>("divide_by", "");
  if (m.has("select")) {
    Map select = m["select"].as_map();
    if (const config::Node* node = m["select"].node(); node && node->is_map())
      for (const auto& e : node->entries) t.select[e.key] = select.require<std::string>(e.key);
    select.finish();
  }
  const bool least = m.has("at_least"), most = m.has("at_most");
  if (least == most)
    m[least ? "at_most" : "at_least"].error("give exactly one of at_least and at_most");
  t.at_least = least;
  t.value = least ? m.require<double>("at_least") : m.get<double>("at_most", 0.0);
  t.from_year = m.require<std::int32_t>("from_year", config::between(1900, 3000));
  t.to_year = m.get<std::int32_t>("to_year", 0, config::between(1900, 3000));
  if (t.to_year != 0 && t.to_year < t.from_year) m["to_year"].error("is before from_year");
  return t;
}

int year_of_label(const std::string& date) {
  return std::stoi(date.substr(0, 4));
}

// Sums a series per unit and period over the cells the selection keeps: [unit][period].
std::vector<std::vector<double>> unit_sums(const PlanSpec& plan, const RunRecord& run,
                                           const std::string& name) {
  Selection select;
  for (const auto& [axis, label] : plan.target.select) select[axis] = {label};
  try {
    return selected_sums(run, name, select, plan.lever.unit_dimension, plan.lever.units);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("plan target: ") + e.what());
  }
}

}  // namespace

std::vector<std::vector<double>> target_values(const PlanSpec& plan, const RunRecord& run) {
  const auto num = unit_sums(plan, run, plan.target.series);
  const auto den =
      plan.target.divide_by.empty() ? decltype(num){} : unit_sums(plan, run, plan.target.divide_by);
  const int last_year = year_of_label(run.period_start.back());
  const int to = plan.target.to_year ? plan.target.to_year : last_year;
  std::vector<std::vector<double>> out;
  for (std::size_t u = 0; u < num.size(); ++u) {
    auto& years = out.emplace_back();
    for (int y = plan.target.from_year; y <= to; ++y) {
      double sum = 0;
      int n = 0;
      for (std::size_t p = 0; p < run.period_start.size(); ++p) {
        if (year_of_label(run.period_start[p]) != y) continue;
        sum += den.empty() ? num[u][p] : num[u][p] / den[u][p];
        ++n;
      }
      years.push_back(n ? sum / n : std::numeric_limits<double>::quiet_NaN());
    }
  }
  return out;
}

std::vector<bool> target_holds(const PlanSpec& plan, const RunRecord& run) {
  std::vector<bool> out;
  for (const auto& years : target_values(plan, run)) {
    bool holds = !years.empty();
    for (double v : years)
      if (!(plan.target.at_least ? v >= plan.target.value : v <= plan.target.value)) holds = false;
    out.push_back(holds);
  }
  return out;
}

PlanSpec read_plan(const std::filesystem::path& file, const CapacityLeverReader& lever,
                   const std::vector<std::string>& overrides) {
  const config::Document doc = config::load_document(file);
  config::Diagnostics diag;
  Map root(&doc.root, "", {file.string(), 1, 1}, diag);
  PlanSpec plan;
  plan.file = file;
  for (const auto& [f, text] : doc.sources) plan.text += text;
  plan.name = root.get<std::string>("name", file.stem().string());
  plan.description = root.get<std::string>("description", "");
  plan.replicates = root.get<std::int32_t>("replicates", 1, config::between(1, 10000));
  if (root.has("seed")) plan.seed = root["seed"].as<std::uint64_t>();
  if (!root.has("baseline")) root.missing("baseline");
  const auto base = root.get<std::string>("baseline", "");
  plan.baseline = (file.parent_path() / base).lexically_normal();
  if (!base.empty() && !std::filesystem::is_regular_file(plan.baseline))
    root["baseline"].error("no such scenario file: " + plan.baseline.string());
  if (!root.has("target")) root.missing("target");
  Map target = root["target"].as_map();
  plan.target = read_target(target);
  target.finish();
  if (!root.has("add")) root.missing("add");
  Map add = root["add"].as_map();
  plan.citywide = add.choice("per", {"district", "city"}, "district") == "city";
  plan.max_amount = add.require<std::int64_t>("max", config::positive());
  plan.resolution = add.get<std::int64_t>("resolution", 1, config::positive());
  if (diag.ok() && std::filesystem::is_regular_file(plan.baseline)) {
    if (!lever) {
      add.diagnostics().error(add.location(), "add", "this model has no capacity lever to plan");
    } else {
      try {
        plan.lever = lever(load_configuration(plan.baseline, overrides), add, plan.citywide);
      } catch (const config::ConfigError& e) {
        for (const auto& d : e.diagnostics()) diag.error(d.location, d.key_path, d.message);
      }
    }
  }
  add.finish();
  root.finish();
  diag.throw_if_any();
  return plan;
}

namespace {

// One round of runs, one per replicate, each with its own amounts.
std::vector<RunRecord> run_round(const PlanSpec& plan, RunBackend& backend,
                                 const std::vector<RunJob>& base_jobs,
                                 const std::vector<std::vector<std::int64_t>>& amounts,
                                 std::size_t& runs) {
  std::vector<RunJob> jobs = base_jobs;
  for (std::size_t r = 0; r < jobs.size(); ++r) plan.lever.apply(jobs[r], amounts[r]);
  std::vector<std::optional<RunRecord>> records(jobs.size());
  std::string errors;
  backend.execute(jobs, [&](std::size_t j, RunOutcome&& o) {
    if (o.record)
      records[j] = std::move(o.record);
    else
      errors += fmt::format("\n  replicate {}: {}", j, o.error);
  });
  if (interrupt_requested().load()) throw Interrupted();
  if (!errors.empty()) throw std::runtime_error("plan runs failed:" + errors);
  runs += jobs.size();
  std::vector<RunRecord> out;
  out.reserve(records.size());
  for (auto& r : records) out.push_back(std::move(*r));
  return out;
}

struct Search {
  std::vector<std::int64_t> lo, hi;
  std::vector<bool> reachable;
};

std::string amounts_text(const PlanSpec& plan, const std::vector<std::int64_t>& a) {
  std::string out;
  for (std::size_t u = 0; u < a.size(); ++u)
    out += fmt::format("{}{} {}", u ? ", " : "", plan.lever.units[u], a[u]);
  return out;
}

// Sums the cost series over the run and every axis but cost_by, real yuan.
std::pair<std::vector<std::string>, std::vector<double>> cost_of(const PlanSpec& plan,
                                                                 const RunRecord& run) {
  const std::size_t i = run.index_of(plan.lever.cost_series);
  const SeriesSpec& spec = run.specs[i];
  std::vector<std::size_t> sizes;
  std::size_t by = spec.dims.size();
  std::vector<std::string> labels;
  for (std::size_t a = 0; a < spec.dims.size(); ++a) {
    const auto& dim = *std::find_if(run.dims.begin(), run.dims.end(),
                                    [&](const DimensionSpec& d) { return d.name == spec.dims[a]; });
    sizes.push_back(dim.labels.size());
    if (dim.name == plan.lever.cost_by) by = a, labels = dim.labels;
  }
  if (by == spec.dims.size()) labels = {"all"};
  std::size_t row = 1;
  for (auto n : sizes) row *= n;
  std::vector<double> sums(labels.size(), 0);
  const auto& values = run.reals[i];
  for (std::size_t k = 0; k < values.size(); ++k) {
    std::size_t c = k % row, at = 0;
    for (std::size_t a = sizes.size(); a-- > 0;) {
      if (a == by) at = c % sizes[a];
      c /= sizes[a];
    }
    sums[at] +=
        (spec.element == h5::Element::kInt64 ? static_cast<double>(run.ints[i][k]) : values[k]) /
        plan.lever.scale;
  }
  return {labels, sums};
}

}  // namespace

std::string describe_plan(const PlanResult& result) {
  std::string out = fmt::format("{:<16} {:>12} {:>25} {:>9}\n", "unit", "added (mean)",
                                "95% interval", "reached");
  for (std::size_t u = 0; u < result.units.size(); ++u) {
    std::vector<double> x;
    int reached = 0, holds = 0;
    for (std::size_t r = 0; r < result.answer.size(); ++r) {
      if (result.answer[r][u] < 0) {
        x.push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      ++reached;
      holds += result.holds_at_answer[r][u] ? 1 : 0;
      x.push_back(static_cast<double>(result.answer[r][u]));
    }
    const Interval i = mean_interval(x);
    out += fmt::format(
        "{:<16} {:>12.0f} {:>25} {:>5}/{}{}\n", result.units[u], i.mean,
        std::isnan(i.lo) ? std::string("-") : fmt::format("[{:.0f}, {:.0f}]", i.lo, i.hi), reached,
        result.answer.size(),
        holds < reached ? "  (target missed at the answer in some replicates)" : "");
  }
  return out + "(" + result.what + " added; -: fewer than two replicates reached the target)\n";
}

PlanResult run_plan(const ModelDefinition& definition, const PlanRequest& request,
                    RunBackend& backend) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const std::string started = now_iso8601();
  PlanSpec plan = read_plan(request.plan_file, definition.capacity_lever, request.overrides);
  if (request.replicates > 0) plan.replicates = request.replicates;
  check_study_outputs(request.plan_file, plan.baseline, {request.out_path}, request.force);
  const std::size_t R = static_cast<std::size_t>(plan.replicates);
  const std::size_t U = plan.lever.units.size();
  const std::uint64_t root = study_root_seed(plan.seed, plan.baseline, request.overrides);
  const std::vector<RunJob> base_jobs =
      replicate_jobs(plan.baseline, root, plan.replicates, request.overrides);
  {  // every configuration checked before anything runs
    RunJob probe = base_jobs[0];
    plan.lever.apply(probe, std::vector<std::int64_t>(U, plan.max_amount));
    definition.validate(load_job(probe));
  }

  PlanResult result;
  struct SearchRun {
    std::size_t replicate;
    int round;
    std::vector<std::int64_t> amounts;
    std::vector<bool> holds;
  };
  std::vector<SearchRun> steps;
  const auto record_round = [&](int round, const std::vector<std::vector<std::int64_t>>& amounts,
                                const std::vector<RunRecord>& records) {
    std::vector<std::vector<bool>> holds;
    for (std::size_t r = 0; r < R; ++r) {
      holds.push_back(target_holds(plan, records[r]));
      steps.push_back({r, round, amounts[r], holds.back()});
    }
    return holds;
  };
  spdlog::info("{}: {} {} per {}, at most {} each, {} replicates", plan.file.string(),
               plan.lever.what, plan.citywide ? "citywide" : "by district",
               plan.citywide ? "city" : "district", plan.max_amount, R);
  const std::vector<std::vector<std::int64_t>> zeros(R, std::vector<std::int64_t>(U, 0));
  const std::vector<std::vector<std::int64_t>> maxima(
      R, std::vector<std::int64_t>(U, plan.max_amount));
  std::vector<RunRecord> nothing = run_round(plan, backend, base_jobs, zeros, result.runs);
  const auto at_zero = record_round(0, zeros, nothing);
  const auto at_max =
      record_round(1, maxima, run_round(plan, backend, base_jobs, maxima, result.runs));
  std::vector<Search> search(R);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t u = 0; u < U; ++u) {
      search[r].lo.push_back(0);
      search[r].hi.push_back(at_zero[r][u] ? 0 : plan.max_amount);
      search[r].reachable.push_back(at_zero[r][u] || at_max[r][u]);
    }
  const auto active = [&](std::size_t r, std::size_t u) {
    return search[r].reachable[u] && search[r].hi[u] - search[r].lo[u] > plan.resolution;
  };
  for (int round = 2;; ++round) {
    bool any = false;
    std::vector<std::vector<std::int64_t>> amounts(R, std::vector<std::int64_t>(U));
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t u = 0; u < U; ++u) {
        const bool a = active(r, u);
        any = any || a;
        amounts[r][u] =
            a ? search[r].lo[u] + (search[r].hi[u] - search[r].lo[u]) / 2 : search[r].hi[u];
      }
    if (!any) break;
    // Each round halves every bracket: 64 rounds cover any 64-bit amount.
    if (round > 66) throw std::logic_error("plan search did not converge");
    const auto holds =
        record_round(round, amounts, run_round(plan, backend, base_jobs, amounts, result.runs));
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t u = 0; u < U; ++u)
        if (active(r, u)) (holds[r][u] ? search[r].hi[u] : search[r].lo[u]) = amounts[r][u];
    spdlog::info("round {}: replicate 0 tries {}", round, amounts_text(plan, amounts[0]));
  }
  // The answer, run once more: the planned scenario of the output.
  std::vector<std::vector<std::int64_t>> answer(R);
  for (std::size_t r = 0; r < R; ++r) answer[r] = search[r].hi;
  std::vector<RunRecord> planned = run_round(plan, backend, base_jobs, answer, result.runs);
  const auto final_holds = record_round(-1, answer, planned);
  result.answer = answer;
  result.what = plan.lever.what;
  result.units = plan.lever.units;
  result.holds_at_answer = final_holds;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t u = 0; u < U; ++u)
      if (!search[r].reachable[u]) result.answer[r][u] = -1;
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  // The file: "nothing added" against "planned", as a sweep, with the search in /plan.
  ExperimentContents contents;
  contents.scenarios = {
      {"nothing-added", "the baseline", plan.baseline.string(), {}},
      {"planned", "the baseline with the planned " + plan.lever.what, plan.baseline.string(), {}}};
  contents.replicates = plan.replicates;
  contents.seeds.assign(2, {});
  contents.population_seeds.assign(2, {});
  for (std::size_t s = 0; s < 2; ++s)
    for (std::size_t r = 0; r < R; ++r) {
      contents.seeds[s].push_back(replicate_seed(root, static_cast<int>(r)));
      contents.population_seeds[s].push_back(
          population_seed(root, static_cast<int>(r), PopulationMode::kPerReplicate));
    }
  contents.record = [&](std::size_t s, int r) {
    return s == 0 ? nothing[static_cast<std::size_t>(r)] : planned[static_cast<std::size_t>(r)];
  };
  contents.metadata = provenance_metadata({"plan", root, plan.replicates, request.command_line,
                                           backend.ranks(), started, result.seconds, result.runs});
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"plan_file", plan.file.string()}, {"plan_text", plan.text}, {"plan_name", plan.name}})
    contents.metadata.push_back(MetadataEntry::of(name, value));
  contents.extra = [&](const h5::Group& file_root) {
    const h5::Group g = file_root.create_group("plan");
    g.set_attribute("what", plan.lever.what);
    g.set_attribute(
        "target",
        fmt::format("{}{} {} {} in every year from {}{}", plan.target.series,
                    plan.target.divide_by.empty() ? "" : " / " + plan.target.divide_by,
                    plan.target.at_least ? ">=" : "<=", plan.target.value, plan.target.from_year,
                    plan.target.to_year ? fmt::format(" to {}", plan.target.to_year) : ""));
    g.set_attribute("method",
                    std::string("bisection per unit and replicate, all units of a replicate "
                                "in one run per round; common random numbers (docs/planning.md)"));
    g.set_attribute("max", plan.max_amount);
    g.set_attribute("resolution", plan.resolution);
    g.write_strings("unit", plan.lever.units);
    write_rows(g, "answer", result.answer, "replicate,unit");
    std::vector<std::vector<std::int64_t>> ok(R);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t u = 0; u < U; ++u) ok[r].push_back(final_holds[r][u] ? 1 : 0);
    write_rows(g, "holds_at_answer", ok, "replicate,unit");
    std::vector<std::vector<double>> interval(3, std::vector<double>(U));
    for (std::size_t u = 0; u < U; ++u) {
      std::vector<double> x;
      for (std::size_t r = 0; r < R; ++r)
        x.push_back(result.answer[r][u] < 0 ? std::numeric_limits<double>::quiet_NaN()
                                            : static_cast<double>(result.answer[r][u]));
      const Interval i = mean_interval(x);
      interval[0][u] = i.mean, interval[1][u] = i.lo, interval[2][u] = i.hi;
    }
    write_rows(g, "answer_mean_lo_hi", interval, "statistic,unit");
    std::vector<std::vector<double>> cost;
    std::vector<std::string> cost_labels;
    for (std::size_t r = 0; r < R; ++r) {
      const auto [labels, with] = cost_of(plan, planned[r]);
      const auto [unused, without] = cost_of(plan, nothing[r]);
      cost_labels = labels;
      auto& row = cost.emplace_back();
      for (std::size_t k = 0; k < with.size(); ++k) row.push_back(with[k] - without[k]);
    }
    g.write_strings("cost_by", cost_labels);
    write_rows(g, "cost_difference", cost, "replicate,cost_by");
    std::vector<std::vector<std::int64_t>> log;
    for (const SearchRun& s : steps) {
      std::vector<std::int64_t> row{static_cast<std::int64_t>(s.replicate), s.round};
      row.insert(row.end(), s.amounts.begin(), s.amounts.end());
      for (bool h : s.holds) row.push_back(h ? 1 : 0);
      log.push_back(std::move(row));
    }
    write_rows(g, "search", log, "run,(replicate,round,amount per unit...,holds per unit...)");
  };
  write_experiment_file(request.out_path, contents);
  return result;
}

}  // namespace sim

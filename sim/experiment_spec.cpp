#include "sim/experiment_spec.hpp"

#include <set>

#include "sim/config_reader.hpp"
#include "sim/rng.hpp"
#include "sim/text.hpp"

namespace sim {

// Declared in the header: shared by sweep, plan and calibration files.
std::filesystem::path scenario_file(const config::Value& v, const std::filesystem::path& base_dir) {
  const auto text = v.as<std::string>();
  if (!text) return {};
  std::filesystem::path p = base_dir / *text;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) {
    v.error("no such scenario file: " + p.string());
    return {};
  }
  return p.lexically_normal();
}

std::vector<std::string> read_overrides(const config::Value& v) {
  std::vector<std::string> out;
  if (!v.present()) return out;
  for (const config::Value& item : v.as_list()) {
    const auto text = item.as<std::string>();
    if (!text) continue;
    const auto eq = text->find('=');
    if (eq == std::string::npos || eq == 0)
      item.error("expected key.path=value, got '" + *text + "'");
    else
      out.push_back(*text);
  }
  return out;
}

namespace {

using config::Map;
using config::Value;

std::optional<Distribution> read_distribution(Map& m) {
  const std::string kind =
      m.choice("distribution", {"normal", "lognormal", "uniform", "beta", "triangular"}, "normal");
  if (!m.has("distribution")) m.missing("distribution");
  const auto need = [&m](std::string_view key, const config::Bounds& b = {}) {
    return m.require<double>(key, b);
  };
  const auto order_error = [&m](std::string_view key, const std::string& message) {
    m[key].error(message);
    return std::nullopt;
  };
  if (kind == "normal") {
    const double mean = need("mean");
    return Normal{mean, need("sd", config::positive())};
  }
  if (kind == "lognormal") {
    const double mu = need("mu");
    return LogNormal{mu, need("sigma", config::positive())};
  }
  if (kind == "uniform") {
    const double low = need("low"), high = need("high");
    if (!(low < high)) return order_error("high", "must be above low");
    return Uniform{low, high};
  }
  if (kind == "beta") {
    const double a = need("alpha", config::positive()), b = need("beta", config::positive());
    const double low = m.get<double>("low", 0.0), high = m.get<double>("high", 1.0);
    if (!(low < high)) return order_error("high", "must be above low");
    return Beta{a, b, low, high};
  }
  const double low = need("low"), mode = need("mode"), high = need("high");
  if (!(low < high)) return order_error("high", "must be above low");
  if (mode < low || mode > high) return order_error("mode", "must lie between low and high");
  return Triangular{low, mode, high};
}

std::string last_segment(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

// One scenario per combination of the grid's values, the first key varying slowest.
std::vector<ScenarioSpec> read_grid(const Value& v, const std::filesystem::path& baseline) {
  std::vector<ScenarioSpec> out;
  if (!v.present()) return out;
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  for (const Value& item : v.as_list()) {
    Map m = item.as_map();
    const auto key = m.require<std::string>("key");
    std::vector<std::string> values;
    const Value list = m["values"];
    if (!list.present()) m.missing("values");
    for (const Value& x : list.as_list())
      if (x.node() && x.node()->is_scalar())
        values.push_back(x.node()->scalar);
      else
        x.error("a grid value must be a single value");
    if (list.present() && values.empty()) list.error("needs at least one value");
    m.finish();
    axes.emplace_back(key, std::move(values));
  }
  std::vector<std::size_t> at(axes.size(), 0);
  for (const auto& [key, values] : axes)
    if (values.empty()) return out;
  while (true) {
    ScenarioSpec s;
    s.config = baseline;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const auto& [key, values] = axes[a];
      if (a > 0) s.name += ',';
      s.name += last_segment(key);
      s.name += '=';
      s.name += values[at[a]];
      s.overrides.push_back(key + "=" + values[at[a]]);
    }
    s.description = "grid: " + s.name;
    out.push_back(std::move(s));
    std::size_t a = axes.size();
    while (a > 0 && ++at[a - 1] == axes[a - 1].second.size()) at[--a] = 0;
    if (a == 0) break;
  }
  return out;
}

std::string override_key(const std::string& assignment) {
  return assignment.substr(0, assignment.find('='));
}

}  // namespace

std::vector<UncertainParameter> read_uncertain(const config::Value& v) {
  std::vector<UncertainParameter> out;
  if (!v.present()) return out;
  std::set<std::string> seen;
  for (const config::Value& item : v.as_list()) {
    config::Map m = item.as_map();
    UncertainParameter p;
    p.path = m.require<std::string>("path");
    if (!p.path.empty() && !seen.insert(p.path).second)
      m["path"].error("parameter " + p.path + " is declared twice");
    p.source = m.require<std::string>("source");
    const auto d = read_distribution(m);
    m.finish();
    if (d) p.distribution = *d;
    out.push_back(std::move(p));
  }
  return out;
}

ExperimentSpec read_experiment(const config::Document& doc) {
  config::Diagnostics diag;
  Map root(&doc.root, "", {doc.path.string(), 1, 1}, diag);
  ExperimentSpec spec;
  spec.file = doc.path;
  for (const auto& [file, text] : doc.sources) spec.text += text;
  const std::filesystem::path dir = doc.path.parent_path();
  spec.name = root.get<std::string>("name", doc.path.stem().string());
  spec.description = root.get<std::string>("description", "");
  ScenarioSpec baseline{"baseline", "the baseline", {}, {}};
  if (!root.has("baseline"))
    root.missing("baseline");
  else
    baseline.config = scenario_file(root["baseline"], dir);
  spec.replicates = root.get<std::int32_t>("replicates", 1, config::between(1, 100000));
  if (root.has("seed")) spec.seed = root["seed"].as<std::uint64_t>();
  spec.population =
      root.choice("population", {"per_replicate", "fixed"}, "per_replicate") == "fixed"
          ? PopulationMode::kFixed
          : PopulationMode::kPerReplicate;
  spec.parameter_draws = root.get<bool>("parameter_draws", true);
  spec.scenarios.push_back(baseline);

  std::set<std::string> names{"baseline"};
  const auto add = [&](ScenarioSpec s, const Value& where) {
    if (!names.insert(s.name).second)
      where.error(s.name == "baseline" ? "the name 'baseline' is kept for the baseline"
                                       : "scenario " + s.name + " is named twice");
    spec.scenarios.push_back(std::move(s));
  };
  if (root.has("scenarios"))
    for (const Value& item : root["scenarios"].as_list()) {
      Map m = item.as_map();
      ScenarioSpec s;
      s.name = m.require<std::string>("name");
      s.description = m.get<std::string>("description", "");
      s.config = m.has("config") ? scenario_file(m["config"], dir) : baseline.config;
      s.overrides = read_overrides(m["set"]);
      if (!m.has("config") && !m.has("set"))
        item.error("scenario " + s.name + " needs a config file, a set list, or both");
      m.finish();
      add(std::move(s), item);
    }
  for (auto& s : read_grid(root["grid"], baseline.config)) add(std::move(s), root["grid"]);
  spec.uncertain = read_uncertain(root["uncertain"]);
  for (const auto& s : spec.scenarios)
    for (const auto& o : s.overrides)
      for (const auto& p : spec.uncertain)
        if (override_key(o) == p.path)
          root["scenarios"].error("scenario " + s.name + " sets " + p.path +
                                  ", which is an uncertain parameter (the draw would replace it)");
  root.finish();
  diag.throw_if_any();
  return spec;
}

ExperimentSpec read_experiment(const std::filesystem::path& file) {
  return read_experiment(config::load_document(file));
}

std::uint64_t replicate_seed(std::uint64_t root, int replicate) {
  return mix64(mix64(root) + static_cast<std::uint64_t>(replicate)) >> 1;
}

std::uint64_t population_seed(std::uint64_t root, int replicate, PopulationMode mode) {
  return mode == PopulationMode::kFixed ? mix64(root + 1) >> 1 : replicate_seed(root, replicate);
}

namespace {
// The stream kind of parameter draws ("PARM"), apart from every model event kind.
constexpr std::uint32_t kParameterDrawKind = 0x5041524D;
}  // namespace

std::vector<double> parameter_values(const ExperimentSpec& spec, std::uint64_t root,
                                     int replicate) {
  std::vector<double> values;
  for (std::size_t j = 0; j < spec.uncertain.size(); ++j) {
    const Distribution& d = spec.uncertain[j].distribution;
    if (!spec.parameter_draws) {
      values.push_back(central_value(d));
      continue;
    }
    RandomStream rng(root, j, static_cast<std::uint32_t>(replicate), kParameterDrawKind);
    double u = rng.uniform();
    while (u <= 0) u = rng.uniform();  // the quantile at 0 may be infinite
    values.push_back(quantile(d, u));
  }
  return values;
}

}  // namespace sim

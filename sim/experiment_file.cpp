#include "sim/experiment_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "sim/h5.hpp"
#include "sim/interval.hpp"
#include "sim/output.hpp"
#include "sim/text.hpp"

namespace sim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kIntFill = std::numeric_limits<std::int64_t>::min();

// What a scenario's runs declare (its replicate 0 without the data).
struct Header {
  std::vector<DimensionSpec> dims;
  std::vector<SeriesSpec> specs;
  std::vector<StringTable> tables;
  std::vector<MetadataEntry> metadata;
  std::string config_resolved;
};

Header header_of(RunRecord&& r) {
  return {std::move(r.dims), std::move(r.specs), std::move(r.tables), std::move(r.metadata),
          std::move(r.config_resolved)};
}

// Every dimension over the union of its labels, in order of first appearance, and for each
// scenario where its labels land.
struct UnionAxes {
  std::vector<DimensionSpec> dims;
  std::map<std::string, std::size_t, std::less<>> size;
  std::vector<std::map<std::string, std::vector<std::size_t>, std::less<>>> where;  // [scenario]
};

UnionAxes union_axes(const std::vector<Header>& heads) {
  UnionAxes u;
  std::map<std::string, std::map<std::string, std::size_t>> position;
  for (const Header& h : heads)
    for (const DimensionSpec& d : h.dims) {
      auto it = std::find_if(u.dims.begin(), u.dims.end(),
                             [&d](const DimensionSpec& x) { return x.name == d.name; });
      if (it == u.dims.end()) it = u.dims.insert(u.dims.end(), DimensionSpec{d.name, {}});
      for (const auto& label : d.labels)
        if (position[d.name].emplace(label, it->labels.size()).second) it->labels.push_back(label);
    }
  for (const auto& d : u.dims) u.size[d.name] = d.labels.size();
  for (const Header& h : heads) {
    auto& w = u.where.emplace_back();
    for (const DimensionSpec& d : h.dims)
      for (const auto& label : d.labels) w[d.name].push_back(position[d.name][label]);
  }
  return u;
}

// Every series any scenario declares, in order of first appearance; one declaration per name.
std::vector<SeriesSpec> union_series(const std::vector<Header>& heads) {
  std::vector<SeriesSpec> out;
  for (const Header& h : heads)
    for (const SeriesSpec& s : h.specs) {
      const auto it = std::find_if(out.begin(), out.end(),
                                   [&s](const SeriesSpec& x) { return x.name == s.name; });
      if (it == out.end())
        out.push_back(s);
      else if (it->dims != s.dims || it->element != s.element || it->group != s.group)
        throw std::runtime_error("series " + s.name + " has different dimensions in two scenarios");
    }
  return out;
}

std::size_t cells(const UnionAxes& u, const SeriesSpec& s) {
  std::size_t n = 1;
  for (const auto& d : s.dims) n *= u.size.at(d);
  return n;
}

// For one scenario and series: the union cell of each of the scenario's own cells.
std::vector<std::size_t> cell_map(const UnionAxes& u, std::size_t scenario, const SeriesSpec& s) {
  const auto& where = u.where[scenario];
  for (const auto& d : s.dims)
    if (!where.contains(d)) return {};  // the scenario has not got this series
  std::vector<std::size_t> map{0};
  for (const auto& d : s.dims) {
    const std::vector<std::size_t>& w = where.at(d);
    const std::size_t big = u.size.at(d);
    std::vector<std::size_t> next;
    next.reserve(map.size() * w.size());
    for (std::size_t base : map)
      for (std::size_t k : w) next.push_back(base * big + k);
    map = std::move(next);
  }
  return map;
}

std::vector<hsize_t> shape_of(const UnionAxes& u, const SeriesSpec& s, std::size_t lead_a,
                              std::size_t periods) {
  std::vector<hsize_t> shape;
  if (lead_a) shape.push_back(lead_a);
  shape.push_back(periods);
  for (const auto& d : s.dims) shape.push_back(u.size.at(d));
  return shape;
}

// The datasets of one series: its values and its summaries.
struct SeriesOut {
  SeriesSpec spec;
  std::size_t cells;
  std::optional<h5::RowDataset> values;
  std::vector<h5::RowDataset> summary;  // mean, lo, hi, n, diff_mean, diff_lo, diff_hi
};

const std::vector<std::string> kSummaryNames = {"mean",      "lo",      "hi",     "n",
                                                "diff_mean", "diff_lo", "diff_hi"};

// A scenario's values of one series as doubles [replicate][period x cell], NaN where missing.
std::vector<std::vector<double>> as_doubles(const std::vector<RunRecord>& runs, const SeriesOut& s,
                                            const std::vector<std::size_t>& map,
                                            std::size_t periods) {
  std::vector<std::vector<double>> out;
  for (const RunRecord& r : runs) {
    auto& v = out.emplace_back(periods * s.cells, kNaN);
    const auto it = std::find_if(r.specs.begin(), r.specs.end(),
                                 [&s](const SeriesSpec& x) { return x.name == s.spec.name; });
    if (it == r.specs.end()) continue;
    const std::size_t i = static_cast<std::size_t>(it - r.specs.begin());
    const std::size_t own = map.size();
    for (std::size_t p = 0; p < periods; ++p)
      for (std::size_t c = 0; c < own; ++c)
        v[p * s.cells + map[c]] = s.spec.element == h5::Element::kInt64
                                      ? static_cast<double>(r.ints[i][p * own + c])
                                      : r.reals[i][p * own + c];
  }
  return out;
}

void append_values(SeriesOut& s, const std::vector<RunRecord>& runs,
                   const std::vector<std::size_t>& map, std::size_t periods) {
  const std::size_t row = periods * s.cells;
  const auto index = [&s](const RunRecord& r) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < r.specs.size(); ++i)
      if (r.specs[i].name == s.spec.name) return i;
    return std::nullopt;
  };
  const std::size_t own = map.size();
  if (s.spec.element == h5::Element::kInt64) {
    std::vector<std::int64_t> out(runs.size() * row, kIntFill);
    for (std::size_t r = 0; r < runs.size(); ++r)
      if (const auto i = index(runs[r]))
        for (std::size_t p = 0; p < periods; ++p)
          for (std::size_t c = 0; c < own; ++c)
            out[r * row + p * s.cells + map[c]] = runs[r].ints[*i][p * own + c];
    s.values->append_row(out);
  } else {
    std::vector<double> out(runs.size() * row, kNaN);
    for (std::size_t r = 0; r < runs.size(); ++r)
      if (const auto i = index(runs[r]))
        for (std::size_t p = 0; p < periods; ++p)
          for (std::size_t c = 0; c < own; ++c)
            out[r * row + p * s.cells + map[c]] = runs[r].reals[*i][p * own + c];
    s.values->append_row(out);
  }
}

void append_summary(SeriesOut& s, const std::vector<std::vector<double>>& x,
                    const std::vector<std::vector<double>>& base) {
  const std::size_t n = x.front().size();
  std::vector<std::vector<double>> rows(kSummaryNames.size(), std::vector<double>(n));
  std::vector<std::int64_t> counts(n);
  std::vector<double> a(x.size()), b(x.size());
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t r = 0; r < x.size(); ++r) a[r] = x[r][k], b[r] = base[r][k];
    const Interval m = mean_interval(a);
    const Interval d = paired_difference(a, b);
    rows[0][k] = m.mean, rows[1][k] = m.lo, rows[2][k] = m.hi;
    counts[k] = static_cast<std::int64_t>(m.n);
    rows[4][k] = d.mean, rows[5][k] = d.lo, rows[6][k] = d.hi;
  }
  for (std::size_t j = 0; j < kSummaryNames.size(); ++j)
    if (j == 3)
      s.summary[j].append_row(counts);
    else
      s.summary[j].append_row(rows[j]);
}

// A 2-D [rows x columns] dataset from rows of numbers.
template <class T>
void write_matrix(const h5::Group& g, const std::string& name,
                  const std::vector<std::vector<T>>& rows, const std::string& dims) {
  const std::size_t columns = rows.empty() ? 0 : rows.front().size();
  constexpr auto element =
      std::is_floating_point_v<T> ? h5::Element::kFloat64 : h5::Element::kInt64;
  h5::RowDataset d(g, name, element, {columns}, rows.size());
  for (const auto& r : rows) {
    if constexpr (std::is_same_v<T, std::uint64_t>) {
      d.append_row(std::vector<std::int64_t>(r.begin(), r.end()));  // seeds are below 2^63
    } else {
      d.append_row(std::span<const T>(r));
    }
  }
  d.set_attribute("dims", dims);
  d.flush();
}

void write_tables(const h5::Group& root, const std::vector<Header>& heads, const UnionAxes& u) {
  // A table <dim>_info/<name> with one value per label is laid over the union of the labels;
  // any other table is the baseline's.
  std::map<std::string, h5::Group> groups;
  std::set<std::pair<std::string, std::string>> done;
  for (std::size_t s = 0; s < heads.size(); ++s)
    for (const StringTable& t : heads[s].tables) {
      if (!done.insert({t.group, t.name}).second) continue;
      if (!groups.contains(t.group)) groups.emplace(t.group, root.create_group(t.group));
      const std::string dim =
          t.group.ends_with("_info") ? t.group.substr(0, t.group.size() - 5) : "";
      if (dim.empty() || !u.size.contains(dim) || u.where[s].at(dim).size() != t.values.size()) {
        groups.at(t.group).write_strings(t.name, t.values);
        continue;
      }
      // Each label takes its value from the first scenario that has it.
      std::vector<std::string> values(u.size.at(dim));
      std::vector<bool> filled(values.size(), false);
      for (std::size_t k = s; k < heads.size(); ++k)
        for (const StringTable& other : heads[k].tables) {
          if (other.group != t.group || other.name != t.name) continue;
          const auto& where = u.where[k].at(dim);
          for (std::size_t i = 0; i < other.values.size() && i < where.size(); ++i)
            if (!filled[where[i]]) values[where[i]] = other.values[i], filled[where[i]] = true;
        }
      groups.at(t.group).write_strings(t.name, values);
    }
}

void write_definitions(const h5::Group& root, const ExperimentContents& c,
                       const std::vector<Header>& heads) {
  const h5::Group g = root.create_group("scenarios");
  std::vector<std::string> name, description, file, overrides, resolved;
  for (std::size_t s = 0; s < c.scenarios.size(); ++s) {
    name.push_back(c.scenarios[s].name);
    description.push_back(c.scenarios[s].description);
    file.push_back(c.scenarios[s].config_file);
    overrides.push_back(joined(c.scenarios[s].overrides, "\n"));
    resolved.push_back(heads[s].config_resolved);
  }
  g.write_strings("name", name);
  g.write_strings("description", description);
  g.write_strings("config_file", file);
  g.write_strings("overrides", overrides);
  g.write_strings("config_resolved", resolved);

  const h5::Group runs = root.create_group("runs");
  write_matrix(runs, "seed", c.seeds, "scenario,replicate");
  write_matrix(runs, "population_seed", c.population_seeds, "scenario,replicate");
  if (c.parameters.empty()) return;
  const h5::Group p = root.create_group("parameters");
  std::vector<std::string> path, distribution, source;
  for (const auto& x : c.parameters) {
    path.push_back(x.path);
    distribution.push_back(x.distribution);
    source.push_back(x.source);
  }
  p.write_strings("path", path);
  p.write_strings("distribution", distribution);
  p.write_strings("source", source);
  write_matrix(p, "value", c.parameter_values, "replicate,parameter");
}

}  // namespace

void write_rows(const h5::Group& g, const std::string& name,
                const std::vector<std::vector<std::int64_t>>& rows, const std::string& dims) {
  write_matrix(g, name, rows, dims);
}
void write_rows(const h5::Group& g, const std::string& name,
                const std::vector<std::vector<double>>& rows, const std::string& dims) {
  write_matrix(g, name, rows, dims);
}

PendingFile::PendingFile(std::filesystem::path out) : final_path(std::move(out)) {
  temporary = final_path;
  temporary += ".tmp-" + std::to_string(::getpid());
  if (final_path.has_parent_path()) std::filesystem::create_directories(final_path.parent_path());
}

PendingFile::~PendingFile() {
  if (committed) return;
  std::error_code ignored;
  std::filesystem::remove(temporary, ignored);
}

void PendingFile::commit() {
  durable_rename(temporary, final_path);
  committed = true;
}

void write_experiment_file(const std::filesystem::path& out, const ExperimentContents& c) {
  const std::size_t n_scenarios = c.scenarios.size();
  const auto replicates = static_cast<std::size_t>(c.replicates);
  std::vector<Header> heads;
  std::vector<std::string> period_start, period_end;
  for (std::size_t s = 0; s < n_scenarios; ++s) {
    RunRecord r = c.record(s, 0);
    if (s == 0) period_start = r.period_start, period_end = r.period_end;
    if (r.period_start != period_start || r.period_end != period_end)
      throw std::runtime_error("scenario " + c.scenarios[s].name +
                               " has other reporting periods than the baseline");
    heads.push_back(header_of(std::move(r)));
  }
  const UnionAxes axes = union_axes(heads);
  const std::vector<SeriesSpec> specs = union_series(heads);
  const std::size_t periods = period_start.size();

  PendingFile pending(out);
  {
    h5::File file = h5::File::create(pending.temporary);
    const h5::Group root = file.root();
    {
      const h5::Group meta = root.create_group("metadata");
      for (const auto& e : heads[0].metadata) meta.set_attribute(e.name, e.value());
      for (const auto& e : c.metadata) meta.set_attribute(e.name, e.value());
    }
    const h5::Group dims = root.create_group("dims");
    std::vector<std::string> names, reps;
    for (const auto& s : c.scenarios) names.push_back(s.name);
    for (std::size_t r = 0; r < replicates; ++r) reps.push_back(std::to_string(r));
    dims.write_strings("scenario", names);
    dims.write_strings("replicate", reps);
    dims.write_strings("period_start", period_start);
    dims.write_strings("period_end", period_end);
    for (const auto& d : axes.dims) dims.write_strings(d.name, d.labels);
    write_tables(root, heads, axes);
    write_definitions(root, c, heads);

    std::map<std::string, h5::Group> groups;
    const h5::Group summary_root = root.create_group("summary");
    std::vector<SeriesOut> outs;
    for (const SeriesSpec& spec : specs) {
      if (!groups.contains(spec.group)) groups.emplace(spec.group, root.create_group(spec.group));
      SeriesOut& o = outs.emplace_back(SeriesOut{spec, cells(axes, spec), std::nullopt, {}});
      auto shape = shape_of(axes, spec, replicates, periods);
      o.values.emplace(groups.at(spec.group), spec.name, spec.element, shape, n_scenarios);
      o.values->set_attribute("dims", "scenario,replicate,period" +
                                          std::string(spec.dims.empty() ? "" : ",") +
                                          joined(spec.dims, ","));
      o.values->set_attribute("unit", spec.unit);
      o.values->set_attribute("description", spec.description);
      o.values->set_attribute("kind", std::string(to_string(spec.kind)));
      if (spec.element == h5::Element::kInt64)
        o.values->set_attribute("fill_value", kIntFill);
      else
        o.values->set_attribute("fill_value", kNaN);
      const std::string sg = spec.group;
      const h5::Group parent =
          summary_root.has(sg) ? summary_root.open_group(sg) : summary_root.create_group(sg);
      const h5::Group own = parent.create_group(spec.name);
      own.set_attribute("unit", spec.unit);
      own.set_attribute("dims", "scenario,period" + std::string(spec.dims.empty() ? "" : ",") +
                                    joined(spec.dims, ","));
      own.set_attribute("interval", std::string("95% Student t across replicates"));
      for (const auto& name : kSummaryNames)
        o.summary.emplace_back(own, name, name == "n" ? h5::Element::kInt64 : h5::Element::kFloat64,
                               shape_of(axes, spec, 0, periods), n_scenarios);
    }

    std::vector<RunRecord> baseline;
    std::vector<std::vector<double>> seconds(n_scenarios);
    std::vector<std::vector<std::int64_t>> person_steps(n_scenarios);
    for (std::size_t s = 0; s < n_scenarios; ++s) {
      std::vector<RunRecord> runs;
      for (std::size_t r = 0; r < replicates; ++r) {
        runs.push_back(c.record(s, static_cast<int>(r)));
        seconds[s].push_back(runs.back().seconds);
        person_steps[s].push_back(static_cast<std::int64_t>(runs.back().person_steps));
        if (runs.back().dims != heads[s].dims)
          throw std::runtime_error("the replicates of scenario " + c.scenarios[s].name +
                                   " have different dimensions");
      }
      if (s == 0) baseline = runs;
      for (SeriesOut& o : outs) {
        const auto map = cell_map(axes, s, o.spec);
        const auto base_map = cell_map(axes, 0, o.spec);
        append_values(o, runs, map, periods);
        append_summary(o, as_doubles(runs, o, map, periods),
                       as_doubles(baseline, o, base_map, periods));
      }
    }
    for (SeriesOut& o : outs) {
      o.values->flush();
      for (auto& d : o.summary) d.flush();
    }
    outs.clear();
    const h5::Group runs_group = root.open_group("runs");
    write_matrix(runs_group, "seconds", seconds, "scenario,replicate");
    write_matrix(runs_group, "person_steps", person_steps, "scenario,replicate");
    if (c.extra) c.extra(root);
    file.close();
  }
  pending.commit();
}

}  // namespace sim

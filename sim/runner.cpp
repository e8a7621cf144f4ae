#include "sim/runner.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>

#include "sim/checkpoint.hpp"
#include "sim/output.hpp"
#include "sim/parallel.hpp"
#include "sim/progress.hpp"
#include "sim/series.hpp"
#include "sim/version.hpp"

namespace sim {

SimulationSpec read_simulation(config::Map& root) {
  SimulationSpec spec;
  config::Map m = root["simulation"].as_map();
  if (!root.has("simulation")) root.missing("simulation");
  spec.calendar.start = m.require_date("start");
  spec.calendar.end = m.require_date("end");
  spec.calendar.step_days = m.get<std::int32_t>("step_days", 7, config::between(1, 366));
  const auto period = m.choice("reporting_period", {"month", "quarter", "year"}, "month");
  spec.calendar.period = parse_period_length(period).value_or(PeriodLength::kMonth);
  spec.seed = m.require<std::uint64_t>("seed");
  spec.population_seed = m.get<std::uint64_t>("population_seed", spec.seed);
  if (m.has("start") && m.has("end") && spec.calendar.end < spec.calendar.start)
    m["end"].error("end date " + format_date(spec.calendar.end) + " is before start date " +
                   format_date(spec.calendar.start));
  m.finish();
  return spec;
}

config::Document load_configuration(const std::filesystem::path& path,
                                    const std::vector<std::string>& overrides) {
  config::Document doc = config::load_document(path);
  for (const auto& o : overrides) config::apply_override(doc, o);
  return doc;
}

std::atomic<bool>& interrupt_requested() {
  static std::atomic<bool> flag{false};
  return flag;
}

namespace {
extern "C" void on_interrupt(int) {
  interrupt_requested().store(true);
}

// Hands a model's period rows to the writer, timing it.
class WriterSink final : public SeriesSink {
 public:
  explicit WriterSink(RunWriter& writer) : writer_(writer) {}
  void put(std::string_view series, std::span<const std::int64_t> row) override {
    const auto t0 = std::chrono::steady_clock::now();
    writer_.append(series, row);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  void put(std::string_view series, std::span<const double> row) override {
    const auto t0 = std::chrono::steady_clock::now();
    writer_.append(series, row);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  double seconds = 0;

 private:
  RunWriter& writer_;
};

std::string all_sources(const config::Document& doc) {
  std::string text;
  for (const auto& [file, body] : doc.sources)
    text.append("# ---- ").append(file).append(" ----\n").append(body);
  for (const auto& o : doc.overrides) text += "# ---- --set " + o + "\n";
  return text;
}
}  // namespace

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

void install_interrupt_handlers() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::signal(SIGHUP, on_interrupt);  // a closed terminal or a batch system's hang-up
  // Over a file-size limit a write fails with EFBIG (and the run reports it) instead of the
  // process being killed part way through a write.
  std::signal(SIGXFSZ, SIG_IGN);
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

Run::Run(const ModelDefinition& definition, const config::Document& doc, const RunOptions& options)
    : executor_(options.threads) {
  executor_.run([&] { model_ = definition.create(doc, {options.block_size}); });
}

void Run::advance(SeriesSink& sink) {
  executor_.run([&] {
    const int k = model_->next_step();
    model_->step();
    if (model_->calendar().step(k).ends_period) model_->end_period(sink);
  });
}

namespace {

// Hands rows to the file and, when checkpoints are written, keeps a copy of them too.
class CheckpointingSink final : public SeriesSink {
 public:
  CheckpointingSink(SeriesSink& inner, RunRecord* copy) : inner_(inner), copy_(copy) {
    if (!copy_) return;
    for (std::size_t i = 0; i < copy_->specs.size(); ++i) index_.emplace(copy_->specs[i].name, i);
  }
  void put(std::string_view series, std::span<const std::int64_t> row) override {
    inner_.put(series, row);
    if (copy_) {
      auto& v = copy_->ints[index_.at(std::string(series))];
      v.insert(v.end(), row.begin(), row.end());
    }
  }
  void put(std::string_view series, std::span<const double> row) override {
    inner_.put(series, row);
    if (copy_) {
      auto& v = copy_->reals[index_.at(std::string(series))];
      v.insert(v.end(), row.begin(), row.end());
    }
  }

 private:
  SeriesSink& inner_;
  RunRecord* copy_;
  std::map<std::string, std::size_t> index_;
};

// The configuration of a run: from its files, or as saved in a checkpoint.
config::Document configuration_of(const RunRequest& request, const Checkpoint* from) {
  if (!from) return load_configuration(request.config_path, request.overrides);
  config::Document doc;
  doc.root = config::parse_yaml(from->config_resolved, from->config_path + " (as checkpointed)");
  doc.path = from->config_path;
  doc.overrides = from->overrides;
  return doc;
}

// Re-sends the rows of the periods a checkpoint had finished, period by period.
void replay_rows(const RunRecord& rows, SeriesSink& sink) {
  std::vector<std::size_t> row_size;
  for (const auto& spec : rows.specs) {
    std::size_t n = 1;
    for (const auto& d : spec.dims)
      for (const auto& dim : rows.dims)
        if (dim.name == d) n *= dim.labels.size();
    row_size.push_back(n);
  }
  const auto values = [&rows](std::size_t i) {
    return rows.specs[i].element == h5::Element::kInt64 ? rows.ints[i].size()
                                                        : rows.reals[i].size();
  };
  const std::size_t finished = rows.specs.empty() || row_size[0] == 0 ? 0 : values(0) / row_size[0];
  for (std::size_t p = 0; p < finished; ++p)
    for (std::size_t i = 0; i < rows.specs.size(); ++i) {
      const std::size_t n = row_size[i];
      if (rows.specs[i].element == h5::Element::kInt64)
        sink.put(rows.specs[i].name, std::span(rows.ints[i]).subspan(p * n, n));
      else
        sink.put(rows.specs[i].name, std::span(rows.reals[i]).subspan(p * n, n));
    }
}

}  // namespace

RunSummary run_model(const ModelDefinition& definition, const RunRequest& request) {
  return run_from(definition, request, nullptr);
}

RunSummary resume_run(const ModelDefinition& definition, const std::filesystem::path& checkpoint,
                      int threads, bool show_progress) {
  const Checkpoint c = read_checkpoint(checkpoint);
  RunRequest request;
  request.config_path = c.config_path;
  request.out_path = c.out_path;
  request.overrides = c.overrides;
  request.options = {threads, static_cast<std::size_t>(c.block_size)};
  request.force = c.force;
  request.checkpoint_every = c.checkpoint_every;
  request.command_line = c.command_line;
  request.show_progress = show_progress;
  spdlog::info("resuming {} from {}", c.out_path, checkpoint.string());
  return run_from(definition, request, &c);
}

RunSummary run_from(const ModelDefinition& definition, const RunRequest& request,
                    const Checkpoint* from) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const std::string started = from ? from->started : now_iso8601();
  const config::Document doc = configuration_of(request, from);
  const std::string config_text = from ? from->config_text : all_sources(doc);
  std::vector<std::filesystem::path> inputs;
  for (const auto& [file, text] : doc.sources) inputs.emplace_back(file);
  remove_stale_temporaries(request.out_path);
  check_output_path(request.out_path, inputs, request.force);
  Run run(definition, doc, request.options);
  Model& model = run.model();
  const Calendar& calendar = model.calendar();
  if (from) run.on_threads([&] { model.restore_state(from->state); });

  RunSummary summary;
  summary.out_path = request.out_path;
  summary.threads = run.threads();
  summary.agents_at_start = model.agent_count();
  const auto t1 = Clock::now();
  summary.setup_seconds =
      from ? from->setup_seconds : std::chrono::duration<double>(t1 - t0).count();
  spdlog::info("{}: {} agents, {} steps of up to {} days, {} periods, {} threads",
               request.config_path.string(), summary.agents_at_start, calendar.n_steps(),
               calendar.spec().step_days, calendar.n_periods(), run.threads());

  std::vector<std::string> period_start, period_end;
  for (const auto& p : calendar.periods()) {
    period_start.push_back(format_date(p.first_day));
    period_end.push_back(format_date(p.last_day));
  }
  RunWriter writer(request.out_path, model.series().dimensions(), period_start, period_end,
                   model.series().specs());
  for (const auto& table : model.tables())
    writer.write_strings(table.group, table.name, table.values);
  WriterSink file_sink(writer);

  // The rows so far, kept for checkpoints.
  std::optional<RunRecord> rows;
  if (request.checkpoint_every > 0) {
    rows = from ? from->rows : RunRecord{};
    if (!from) {
      rows->dims = model.series().dimensions();
      rows->specs = model.series().specs();
      rows->ints.resize(rows->specs.size());
      rows->reals.resize(rows->specs.size());
      rows->period_start = period_start;
    }
  }
  if (from) {
    replay_rows(from->rows, file_sink);
    summary.person_steps = from->person_steps;
    summary.most_agents = static_cast<std::size_t>(from->most_agents);
  }
  CheckpointingSink sink(file_sink, rows ? &*rows : nullptr);
  const auto save_checkpoint = [&] {
    Checkpoint c;
    c.config_path = request.config_path.string();
    c.config_resolved = config::to_yaml(doc.root);
    c.config_text = config_text;
    c.overrides = request.overrides;
    c.out_path = request.out_path.string();
    c.command_line = request.command_line;
    c.force = request.force;
    c.block_size = request.options.block_size;
    c.checkpoint_every = request.checkpoint_every;
    c.state = run.on_threads([&] { return model.save_state(); });
    c.rows = *rows;
    c.person_steps = summary.person_steps;
    c.most_agents = summary.most_agents;
    c.started = started;
    c.setup_seconds = summary.setup_seconds;
    write_checkpoint(checkpoint_path(request.out_path), c);
  };

  Progress progress(calendar.n_steps(), request.show_progress);
  int periods_done = 0;
  while (!run.finished()) {
    const bool stop =
        interrupt_requested().load() ||
        (request.stop_after_steps >= 0 && model.next_step() >= request.stop_after_steps);
    if (stop) {
      if (rows) {
        save_checkpoint();
        spdlog::warn("checkpoint written to {}: `eldersim resume {}` continues the run",
                     checkpoint_path(request.out_path).string(),
                     checkpoint_path(request.out_path).string());
      }
      throw Interrupted();
    }
    summary.person_steps += model.agent_count();
    summary.most_agents = std::max(summary.most_agents, model.agent_count());
    const int k = model.next_step();
    run.advance(sink);
    const Step& step = calendar.step(k);
    progress.update(step.index + 1, format_date(step.end_day() - 1), model.agent_count(),
                    summary.person_steps);
    if (step.ends_period && rows && ++periods_done % request.checkpoint_every == 0 &&
        !run.finished())
      save_checkpoint();
  }
  progress.finish();
  summary.steps = calendar.n_steps();
  summary.agents_at_end = model.agent_count();

  writer.set_metadata("file_kind", std::string("run"));
  writer.set_metadata("schema_version", kFileSchemaVersion);
  writer.set_metadata("eldersim_version", std::string(version()));
  writer.set_metadata("git_commit", std::string(git_commit()));
  writer.set_metadata("model", definition.name);
  writer.set_metadata("config_file", request.config_path.string());
  writer.set_metadata("config_text", config_text);
  writer.set_metadata("config_resolved", config::to_yaml(doc.root));
  writer.set_metadata("seed", model.seed());
  writer.set_metadata("threads", static_cast<std::int32_t>(run.threads()));
  writer.set_metadata("ranks", std::int32_t{1});
  writer.set_metadata("command_line", request.command_line);
  writer.set_metadata("start_time", started);
  writer.set_metadata("host", host_name());
  writer.set_metadata("step_days", static_cast<std::int32_t>(calendar.spec().step_days));
  writer.set_metadata("start_date", format_date(calendar.spec().start));
  writer.set_metadata("end_date", format_date(calendar.spec().end));
  writer.set_metadata("reporting_period", std::string(to_string(calendar.spec().period)));
  writer.set_metadata("n_steps", static_cast<std::int32_t>(calendar.n_steps()));
  writer.set_metadata("person_steps", summary.person_steps);
  writer.set_metadata("n_agents_end", static_cast<std::int64_t>(summary.agents_at_end));
  writer.set_metadata("setup_seconds", summary.setup_seconds);
  for (const auto& [name, value] : model.metadata()) writer.set_metadata(name, value);
  const auto t_commit = Clock::now();
  summary.simulate_seconds = std::chrono::duration<double>(t_commit - t1).count();
  writer.set_metadata("simulate_seconds", summary.simulate_seconds);
  writer.set_metadata("end_time", now_iso8601());
  summary.peak_rss_mib = peak_rss_mib();
  writer.set_metadata("peak_rss_mib", summary.peak_rss_mib);
  writer.commit();
  std::error_code ignored;
  std::filesystem::remove(checkpoint_path(request.out_path), ignored);  // the run is complete
  summary.write_seconds =
      file_sink.seconds + std::chrono::duration<double>(Clock::now() - t_commit).count();
  summary.sections = model.section_times();
  return summary;
}

}  // namespace sim

#include "sim/runner.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>

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
  for (const auto& [file, body] : doc.sources) text += "# ---- " + file + " ----\n" + body;
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

RunSummary run_model(const ModelDefinition& definition, const RunRequest& request) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const std::string started = now_iso8601();
  const config::Document doc = load_configuration(request.config_path, request.overrides);
  std::vector<std::filesystem::path> inputs;
  for (const auto& [file, text] : doc.sources) inputs.emplace_back(file);
  remove_stale_temporaries(request.out_path);
  check_output_path(request.out_path, inputs, request.force);
  Run run(definition, doc, request.options);
  Model& model = run.model();
  const Calendar& calendar = model.calendar();

  RunSummary summary;
  summary.out_path = request.out_path;
  summary.threads = run.threads();
  summary.agents_at_start = model.agent_count();
  const auto t1 = Clock::now();
  summary.setup_seconds = std::chrono::duration<double>(t1 - t0).count();
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
  WriterSink sink(writer);
  Progress progress(calendar.n_steps(), request.show_progress);
  while (!run.finished()) {
    if (interrupt_requested().load()) throw Interrupted();
    summary.person_steps += model.agent_count();
    summary.most_agents = std::max(summary.most_agents, model.agent_count());
    const int k = model.next_step();
    run.advance(sink);
    const Step& step = calendar.step(k);
    progress.update(step.index + 1, format_date(step.end_day() - 1), model.agent_count(),
                    summary.person_steps);
  }
  progress.finish();
  summary.steps = calendar.n_steps();
  summary.agents_at_end = model.agent_count();

  writer.set_metadata("file_kind", std::string("run"));
  writer.set_metadata("eldersim_version", std::string(version()));
  writer.set_metadata("git_commit", std::string(git_commit()));
  writer.set_metadata("model", definition.name);
  writer.set_metadata("config_file", request.config_path.string());
  writer.set_metadata("config_text", all_sources(doc));
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
  summary.write_seconds =
      sink.seconds + std::chrono::duration<double>(Clock::now() - t_commit).count();
  summary.sections = model.section_times();
  return summary;
}

}  // namespace sim

#include "sim/cli.hpp"

#include <fmt/core.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <thread>

#include "sim/archive.hpp"
#include "sim/calibrate.hpp"
#include "sim/config_tree.hpp"
#include "sim/experiment.hpp"
#include "sim/file_info.hpp"
#include "sim/h5.hpp"
#include "sim/mpi_backend.hpp"
#include "sim/plan.hpp"
#include "sim/progress.hpp"
#include "sim/runner.hpp"
#include "sim/sensitivity.hpp"
#include "sim/text.hpp"
#include "sim/version.hpp"

namespace sim {

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitConfig = 2;
constexpr int kExitInterrupted = 130;

std::string joined_command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) out += ' ';
    out += argv[i];
  }
  return out;
}

void print_config_error(const config::ConfigError& e) {
  for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", config::to_string(d));
  fmt::print(stderr, "{} problem{} found; nothing was simulated.\n", e.diagnostics().size(),
             e.diagnostics().size() == 1 ? "" : "s");
}

// Runs the sweep on `backend`; nothing when a signal stopped it, which is reported.
std::optional<ExperimentSummary> sweep_unless_interrupted(const ModelDefinition& model,
                                                          const ExperimentRequest& request,
                                                          RunBackend& backend) {
  try {
    return run_experiment(model, request, backend);
  } catch (const Interrupted&) {
    spdlog::error("interrupted; the finished runs{} are kept in {}: --resume continues the sweep",
                  request.checkpoint_every > 0 ? " and the checkpoints of those in progress" : "",
                  runs_directory(request.out_path).string());
    return std::nullopt;
  }
}

// How long `info` lets the HDF5 library read a file: a damaged file can make it loop for ever
// (found by fuzzing: a global-heap reference that leads back to itself). Reading is far faster
// than 20 MiB a second, so the limit only ends such loops. ELDERSIM_READ_TIMEOUT_SECONDS sets it.
unsigned read_time_limit(const std::filesystem::path& path) {
  if (const char* env = std::getenv("ELDERSIM_READ_TIMEOUT_SECONDS")) {
    unsigned seconds = 0;
    const std::string_view text(env);
    if (std::from_chars(text.data(), text.data() + text.size(), seconds).ec == std::errc{} &&
        seconds > 0)
      return seconds;
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  return 30 + static_cast<unsigned>((ec ? 0 : bytes) / (20u << 20));
}

// `eldersim info FILE [--full] [--verify]`. The file is read in a child process: a damaged file
// can crash the HDF5 library or make it loop (its checksums do not cover everything), and that
// must be an error message, not a crash or hang of the tool.
int run_info(const std::filesystem::path& path, bool full, bool verify) {
  if (const h5::FileCheck c = h5::check_file(path); !c.ok) throw h5::Error(c.problem);
  const unsigned limit = read_time_limit(path);
  std::fflush(stdout);
  const pid_t child = ::fork();
  if (child == 0) {
    ::alarm(limit);
    int code = 0;
    try {
      print_file_info(path, full, stdout);
      if (verify)
        fmt::print("verified: every one of {} datasets reads back intact\n", verify_file(path));
    } catch (const ForeignFile& e) {
      spdlog::error("{}: {}", path.string(), e.what());
      code = kExitRuntime;
    } catch (const h5::Error& e) {
      spdlog::error("{} is damaged: {}", path.string(), e.what());
      code = kExitRuntime;
    }
    std::fflush(stdout);
    std::_Exit(code);
  }
  int status = 0;
  pid_t waited = -1;
  while (child > 0 && (waited = ::waitpid(child, &status, 0)) < 0 && errno == EINTR) {
  }
  if (child < 0 || waited < 0)
    throw std::runtime_error(std::string("cannot start a reader: ") + std::strerror(errno));
  if (!WIFSIGNALED(status)) return WEXITSTATUS(status);
  // A reader stopped by a closed pipe (`eldersim info F | head`) is not a damaged file.
  if (WTERMSIG(status) == SIGPIPE) return 128 + SIGPIPE;
  if (WTERMSIG(status) == SIGALRM)
    throw h5::Error(fmt::format("{} is damaged: the HDF5 library did not finish reading it in {} s",
                                path.string(), limit));
  throw h5::Error(fmt::format("{} is damaged: the HDF5 library failed reading it (signal {})",
                              path.string(), WTERMSIG(status)));
}

// Runs `body` on a backend: the MPI ranks when started by mpirun with several (rank 0 runs
// `body`, the others serve its runs and return 0; each run on `threads` threads, default 1),
// else runs at once in this process, one thread each, `threads` of them (default every core).
// For plan, calibrate and sensitivity, whose searches hand out batches of runs.
int with_backend(const ModelDefinition& model, int threads,
                 const std::function<int(RunBackend&)>& body) {
  if (const int launched = launcher_ranks(); launched > 1) {
#ifdef ELDERSIM_HAVE_MPI
    const MpiSession mpi;
    if (mpi.size() != launched)
      throw std::runtime_error(fmt::format(
          "started as one of {} ranks, but MPI sees {}: start eldersim with the mpirun of the MPI "
          "it was built with",
          launched, mpi.size()));
    if (mpi.rank() > 0) {
      spdlog::set_level(spdlog::level::off);
      serve_mpi_jobs(model, interrupt_requested());
      return 0;
    }
    MpiBackend backend(model, mpi, threads > 0 ? threads : 1, interrupt_requested());
    return body(backend);  // the backend's destructor stops the workers, also on an error
#else
    throw std::runtime_error(fmt::format(
        "started by mpirun as one of {} ranks, but this eldersim was built without MPI, so every "
        "rank would run every run (docs/cluster.md)",
        launched));
#endif
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  LocalBackend backend(model, threads > 0 ? threads : cores, 1, interrupt_requested());
  return body(backend);
}

// A sweep under mpirun with several ranks (docs/cluster.md): rank 0 runs it and writes
// everything, the other ranks serve its runs; --threads is per run (default 1) and --jobs is
// ignored (each rank runs one run at a time). Without mpirun, --jobs runs at once, sharing
// --threads.
int run_sweep(const ModelDefinition& model, ExperimentRequest request) {
  const auto sweep = [&](RunBackend& backend) {
    // An interruption is said before MPI_Finalize: mpirun, when it is interrupted, kills the
    // ranks a second later.
    const auto s = sweep_unless_interrupted(model, request, backend);
    if (!s) return kExitInterrupted;
    spdlog::info("wrote {}: {} runs ({} resumed) in {:.1f} s{}", request.out_path.string(), s->runs,
                 s->resumed, s->seconds,
                 backend.ranks() > 1 ? fmt::format(" on {} ranks", backend.ranks()) : "");
    return 0;
  };
  if (launcher_ranks() > 1) {
    request.threads = request.threads > 0 ? request.threads : 1;
    return with_backend(model, request.threads, [&](RunBackend& backend) {
      if (request.jobs > 1) spdlog::warn("--jobs is ignored under mpirun: each rank runs one run");
      return sweep(backend);
    });
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = request.threads > 0 ? request.threads : cores;
  const int jobs = request.jobs > 0 ? std::min(request.jobs, threads) : threads;
  LocalBackend backend(model, jobs, threads / jobs, interrupt_requested());
  request.threads = threads;
  return sweep(backend);
}

int run_plan_command(const ModelDefinition& model, const PlanRequest& request, int threads) {
  return with_backend(model, threads, [&](RunBackend& backend) {
    const PlanResult r = run_plan(model, request, backend);
    fmt::print("{}", describe_plan(r));
    spdlog::info("wrote {}: {} runs in {:.1f} s on {} ranks", request.out_path.string(), r.runs,
                 r.seconds, backend.ranks());
    return 0;
  });
}

int run_calibrate_command(const ModelDefinition& model, const CalibrationRequest& request,
                          int threads) {
  return with_backend(model, threads, [&](RunBackend& backend) {
    const CalibrationResult r = run_calibration(model, request, backend);
    fmt::print("{}", describe_calibration(r.spec, r));
    if (request.check_only) {
      if (all_targets_met(r.spec, r)) return 0;
      spdlog::error("a target is not met at the configured values (see the table)");
      return kExitRuntime;
    }
    spdlog::info("wrote {} and {}: {} runs in {:.1f} s on {} ranks", request.fitted_path.string(),
                 request.out_path.string(), r.runs, r.seconds, backend.ranks());
    return 0;
  });
}

int run_sensitivity_command(const ModelDefinition& model, const SensitivityRequest& request,
                            int threads) {
  return with_backend(model, threads, [&](RunBackend& backend) {
    const SensitivityResult r = run_sensitivity(model, request, backend);
    fmt::print("{}", describe_sensitivity(r));
    spdlog::info("wrote {}: {} runs in {:.1f} s on {} ranks", request.out_path.string(), r.runs,
                 r.seconds, backend.ranks());
    return 0;
  });
}

// `eldersim report` is the Python package's report: results/ next to the executable's source
// tree (ELDERSIM_RESULTS_DIR overrides), run by Debian's Python.
int run_report(const char* argv0, const std::filesystem::path& file,
               const std::vector<std::string>& args) {
  std::filesystem::path results = ELDERSIM_RESULTS_DIR;
  if (const char* env = std::getenv("ELDERSIM_RESULTS_DIR")) results = env;
  (void)argv0;
  ::setenv("PYTHONPATH", results.c_str(), 1);
  std::vector<std::string> words{"/usr/bin/python3", "-m", "eldersim_results", "report",
                                 file.string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> c_args;
  c_args.reserve(words.size() + 1);
  for (auto& w : words) c_args.push_back(w.data());
  c_args.push_back(nullptr);
  ::execv(c_args[0], c_args.data());
  spdlog::error("cannot start /usr/bin/python3: {}", std::strerror(errno));
  return kExitRuntime;
}

// --threads and --jobs: 0 (all cores) or at most kMaxThreads; checked as text, so a negative or
// huge number gets one plain message (not a range up to the largest double, nor a wrap).
constexpr long long kMaxThreads = 4096;
const CLI::Validator kThreadCount(
    [](std::string& text) -> std::string {
      long long n = -1;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc{} || end != text.data() + text.size() || n < 0 || n > kMaxThreads)
        return fmt::format("must be 0 (all cores) or a whole number from 1 to {}, got {}",
                           kMaxThreads, text);
      return {};
    },
    "0..4096");

// --seed: a whole number 0 ... 2^64-1, refused rather than wrapped when negative or larger.
const CLI::Validator kSeed(
    [](std::string& text) -> std::string {
      std::uint64_t n = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc{} || end != text.data() + text.size())
        return fmt::format("must be a whole number from 0 to {}, got {}",
                           std::numeric_limits<std::uint64_t>::max(), text);
      return {};
    },
    "0..2^64-1");

// `run --set a=1 CONFIG`: --set takes every word up to the next option, CONFIG too. An
// assignment always has an '=', so the last word without one is taken back as CONFIG; with none,
// CONFIG is reported missing. Throws CLI::ParseError like the parser.
void config_after_set(const CLI::App& command, std::filesystem::path& config,
                      std::vector<std::string>& overrides, const std::string& name) {
  if (config.empty()) {
    const auto word = std::find_if(overrides.rbegin(), overrides.rend(), [](const std::string& o) {
      return o.find('=') == std::string::npos;
    });
    if (word == overrides.rend()) {
      std::string upper = name;
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      throw CLI::RequiredError(fmt::format("the {} file is missing: eldersim {} {} [options]", name,
                                           command.get_name(), upper),
                               CLI::ExitCodes::RequiredError);
    }
    config = *word;
    overrides.erase(std::next(word).base());
  }
  if (const std::string problem = CLI::ExistingFile(config.string()); !problem.empty())
    throw CLI::ValidationError(name, problem);
}

}  // namespace

int run_cli(int argc, char** argv, const ModelDefinition& model) {
  CLI::App app{model.name + " " + version() +
               ": agent-based simulation of ageing populations "
               "and the care they use"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(version()) + " (" + git_commit() + ")");
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  RunRequest request;
  std::optional<std::uint64_t> seed;
  CLI::App* run = app.add_subcommand("run", "Run a scenario and write its HDF5 output");
  run->add_option("config", request.config_path, "Scenario YAML file");
  run->add_option("-o,--out", request.out_path, "Output file (default results/<config name>.h5)");
  run->add_flag("-f,--force", request.force, "Replace an existing output file");
  run->add_option("--checkpoint-every", request.checkpoint_every,
                  "Write a checkpoint (OUT.checkpoint) every N reporting periods and when stopped "
                  "by a signal; `eldersim resume` continues from it")
      ->check(CLI::Range(1, 100000));
  run->add_option("--seed", seed, "Root random seed (overrides simulation.seed)")->check(kSeed);
  run->add_option("-t,--threads", request.options.threads, "Worker threads (default: all cores)")
      ->check(kThreadCount);
  run->add_option("--block-size", request.options.block_size,
                  "Agents per parallel block (results do not depend on it; for tests and tuning)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24));
  run->add_option("--set", request.overrides,
                  "Override a config value: key.path=value (repeatable)")
      ->take_all();
  run->add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  std::filesystem::path validate_path;
  std::vector<std::string> validate_overrides;
  CLI::App* validate = app.add_subcommand("validate", "Check a scenario without running it");
  validate->add_option("config", validate_path, "Scenario YAML file");
  validate->add_option("--set", validate_overrides, "Override a config value: key.path=value")
      ->take_all();
  validate->add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  std::filesystem::path info_path;
  bool full = false;
  CLI::App* info =
      app.add_subcommand("info", "Print the provenance and datasets of an output file");
  info->add_option("file", info_path, "HDF5 run file")->required();
  info->add_flag("--full", full, "Print long texts (the configuration) in full");
  bool verify = false;
  info->add_flag("--verify", verify, "Read every dataset, checking its checksums");
  info->add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  ExperimentRequest sweep_request;
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Run every scenario and replicate of a sweep file into one HDF5 file");
  sweep->add_option("sweep", sweep_request.sweep_file, "Sweep YAML file (docs/experiments.md)");
  sweep->add_option("-o,--out", sweep_request.out_path,
                    "Output file (default results/<sweep name>.h5)");
  sweep
      ->add_option("-t,--threads", sweep_request.threads,
                   "Worker threads in all (default: all cores)")
      ->check(kThreadCount);
  sweep
      ->add_option("-j,--jobs", sweep_request.jobs,
                   "Runs at once, each on threads/jobs threads (default: one run per thread)")
      ->check(kThreadCount);
  sweep
      ->add_option("-r,--replicates", sweep_request.replicates,
                   "Replicates instead of the sweep file's")
      ->check(CLI::Range(1, 100000));
  sweep->add_flag("-f,--force", sweep_request.force, "Replace an existing output file");
  sweep->add_flag("--resume", sweep_request.resume,
                  "Continue an interrupted or failed sweep, skipping its finished runs");
  sweep
      ->add_option("--checkpoint-every", sweep_request.checkpoint_every,
                   "Each run keeps a checkpoint in OUT.runs/ every N reporting periods and when "
                   "stopped by a signal; --resume continues it from there")
      ->check(CLI::Range(1, 100000));
  sweep->add_flag("--no-parameter-draws", sweep_request.no_parameter_draws,
                  "Every replicate uses the central values of the uncertain parameters");
  sweep
      ->add_option("--set", sweep_request.overrides,
                   "Override a config value in every run: key.path=value (repeatable)")
      ->take_all();
  sweep->add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  std::filesystem::path resume_path;
  int resume_threads = 0;
  CLI::App* resume = app.add_subcommand("resume", "Continue a run from its checkpoint");
  resume->add_option("checkpoint", resume_path, "OUT.checkpoint written by run --checkpoint-every")
      ->required();
  resume->add_option("-t,--threads", resume_threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  resume->add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  PlanRequest plan_request;
  int plan_threads = 0;
  CLI::App* plan = app.add_subcommand(
      "plan", "Find the fewest added places such that a target holds (docs/planning.md)");
  plan->add_option("plan", plan_request.plan_file, "Plan YAML file");
  plan->add_option("-o,--out", plan_request.out_path,
                   "Output file (default results/<plan name>.h5)");
  plan->add_option("-t,--threads", plan_threads, "Worker threads in all (default: all cores)")
      ->check(kThreadCount);
  plan->add_option("-r,--replicates", plan_request.replicates, "Replicates instead of the file's")
      ->check(CLI::Range(1, 10000));
  plan->add_flag("-f,--force", plan_request.force, "Replace an existing output file");
  plan->add_option("--set", plan_request.overrides,
                   "Override a config value in every run: key.path=value (repeatable)")
      ->take_all();
  plan->add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  CalibrationRequest calibrate_request;
  int calibrate_threads = 0;
  CLI::App* calibrate = app.add_subcommand(
      "calibrate", "Fit configuration values to published figures (docs/calibration.md)");
  calibrate->add_option("calibration", calibrate_request.calibration_file, "Calibration YAML file");
  calibrate->add_option(
      "-o,--out", calibrate_request.out_path,
      "Sweep file of the start against the fit (default results/<name>.calibration.h5)");
  calibrate->add_option("--fitted", calibrate_request.fitted_path,
                        "Scenario file with the fitted values (default: --out with .yaml)");
  calibrate
      ->add_option("-t,--threads", calibrate_threads, "Worker threads in all (default: all cores)")
      ->check(kThreadCount);
  calibrate
      ->add_option("-r,--replicates", calibrate_request.replicates,
                   "Replicates per evaluation instead of the file's")
      ->check(CLI::Range(1, 10000));
  calibrate
      ->add_option("--max-evaluations", calibrate_request.max_evaluations,
                   "Evaluations at most, instead of the file's")
      ->check(CLI::Range(1, 1000000));
  calibrate->add_flag("-f,--force", calibrate_request.force, "Replace existing output files");
  calibrate->add_flag(
      "--check", calibrate_request.check_only,
      "Only evaluate the targets at the baseline's values; exit 1 if one is not met");
  calibrate
      ->add_option("--set", calibrate_request.overrides,
                   "Override a config value in every run: key.path=value (repeatable)")
      ->take_all();
  calibrate->add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  SensitivityRequest sensitivity_request;
  int sensitivity_threads = 0;
  CLI::App* sensitivity = app.add_subcommand(
      "sensitivity", "Rank parameters by Morris elementary effects (docs/sensitivity.md)");
  sensitivity->add_option("sensitivity", sensitivity_request.sensitivity_file,
                          "Sensitivity YAML file");
  sensitivity->add_option("-o,--out", sensitivity_request.out_path,
                          "Output file (default results/<name>.sensitivity.h5)");
  sensitivity
      ->add_option("-t,--threads", sensitivity_threads,
                   "Worker threads in all (default: all cores)")
      ->check(kThreadCount);
  sensitivity
      ->add_option("-r,--replicates", sensitivity_request.replicates,
                   "Replicates per point instead of the file's")
      ->check(CLI::Range(1, 10000));
  sensitivity
      ->add_option("--trajectories", sensitivity_request.trajectories,
                   "Trajectories instead of the file's")
      ->check(CLI::Range(2, 100000));
  sensitivity->add_flag("-f,--force", sensitivity_request.force, "Replace an existing output file");
  sensitivity
      ->add_option("--set", sensitivity_request.overrides,
                   "Override a config value in every run: key.path=value (repeatable)")
      ->take_all();
  sensitivity->add_flag("-q,--quiet", quiet, "Only print warnings and errors");

  std::filesystem::path report_path;
  std::vector<std::string> report_args;
  CLI::App* report = app.add_subcommand(
      "report", "Write a self-contained HTML report of a run or sweep file (Python)");
  report->add_option("file", report_path, "HDF5 run or sweep file")->required();
  report->add_option("args", report_args, "Passed on: --out FILE.html, --year YYYY");
  report->allow_extras();

  try {
    app.parse(argc, argv);
    if (*run) config_after_set(*run, request.config_path, request.overrides, "config");
    if (*validate) config_after_set(*validate, validate_path, validate_overrides, "config");
    if (*sweep)
      config_after_set(*sweep, sweep_request.sweep_file, sweep_request.overrides, "sweep");
    if (*plan) config_after_set(*plan, plan_request.plan_file, plan_request.overrides, "plan");
    if (*sensitivity)
      config_after_set(*sensitivity, sensitivity_request.sensitivity_file,
                       sensitivity_request.overrides, "sensitivity");
    if (*calibrate)
      config_after_set(*calibrate, calibrate_request.calibration_file, calibrate_request.overrides,
                       "calibration");
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitConfig;
  }

  auto logger = spdlog::stderr_color_mt("eldersim");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%H:%M:%S] %^%l%$ %v");
  spdlog::set_level(quiet ? spdlog::level::warn : spdlog::level::info);

  try {
    for (CLI::App* command : {run, sweep, plan, calibrate, sensitivity})
      if (*command && command->count("--out") > 0 &&
          command->get_option("--out")->as<std::string>().empty())
        throw std::runtime_error("--out needs a file name");
    if (*run) {
      if (seed)
        request.overrides.insert(request.overrides.begin(),
                                 "simulation.seed=" + std::to_string(*seed));
      if (request.out_path.empty())
        request.out_path = std::filesystem::path("results") / request.config_path.stem() += ".h5";
      request.show_progress = !quiet && Progress::stderr_is_terminal();
      request.command_line = joined_command_line(argc, argv);
      install_interrupt_handlers();
      const RunSummary s = run_model(model, request);
      const double total = s.setup_seconds + s.simulate_seconds;
      spdlog::info(
          "wrote {}: {} steps, agents {} -> {}, {:.1f} s ({:.1f} s setup), {:.1f} M person-steps/s "
          "on {} threads, peak memory {:.0f} MiB",
          s.out_path.string(), s.steps, s.agents_at_start, s.agents_at_end, total, s.setup_seconds,
          static_cast<double>(s.person_steps) / s.simulate_seconds / 1e6, s.threads,
          s.peak_rss_mib);
    } else if (*validate) {
      const std::string estimate =
          model.validate(load_configuration(validate_path, validate_overrides));
      fmt::print("{}: ok\n{}", validate_path.string(), estimate);
    } else if (*resume) {
      install_interrupt_handlers();
      const RunSummary s =
          resume_run(model, resume_path, resume_threads, !quiet && Progress::stderr_is_terminal());
      spdlog::info("wrote {}: {} steps, agents {} -> {}", s.out_path.string(), s.steps,
                   s.agents_at_start, s.agents_at_end);
    } else if (*sweep) {
      if (sweep_request.out_path.empty())
        sweep_request.out_path =
            std::filesystem::path("results") / sweep_request.sweep_file.stem() += ".h5";
      sweep_request.command_line = joined_command_line(argc, argv);
      install_interrupt_handlers();
      return run_sweep(model, sweep_request);
    } else if (*plan) {
      if (plan_request.out_path.empty())
        plan_request.out_path = std::filesystem::path("results") / plan_request.plan_file.stem() +=
            ".h5";
      plan_request.command_line = joined_command_line(argc, argv);
      install_interrupt_handlers();
      return run_plan_command(model, plan_request, plan_threads);
    } else if (*calibrate) {
      auto& c = calibrate_request;
      // A check writes a file only when asked to (--out); a fit always does.
      if (c.check_only && calibrate->count("--out") == 0)
        c.out_path.clear();
      else if (c.out_path.empty())
        c.out_path = std::filesystem::path("results") / c.calibration_file.stem() +=
            ".calibration.h5";
      if (c.fitted_path.empty())
        c.fitted_path = std::filesystem::path(c.out_path).replace_extension(".yaml");
      if (c.fitted_path.extension() == ".h5")
        throw std::runtime_error("--fitted is a YAML scenario file, not " + c.fitted_path.string());
      c.command_line = joined_command_line(argc, argv);
      install_interrupt_handlers();
      return run_calibrate_command(model, c, calibrate_threads);
    } else if (*sensitivity) {
      auto& q = sensitivity_request;
      if (q.out_path.empty())
        q.out_path = std::filesystem::path("results") / q.sensitivity_file.stem() +=
            ".sensitivity.h5";
      q.command_line = joined_command_line(argc, argv);
      install_interrupt_handlers();
      return run_sensitivity_command(model, q, sensitivity_threads);
    } else if (*report) {
      auto extras = report->remaining();
      report_args.insert(report_args.end(), extras.begin(), extras.end());
      return run_report(argv[0], report_path, report_args);
    } else if (*info) {
      if (const int code = run_info(info_path, full, verify); code != 0) return code;
    }
  } catch (const config::ConfigError& e) {
    print_config_error(e);
    return kExitConfig;
  } catch (const Interrupted&) {
    spdlog::error(
        "interrupted; the partial output was deleted (a checkpoint, if asked for, is kept)");
    return kExitInterrupted;
  } catch (const ArchiveError& e) {
    spdlog::error("{}", e.what());
    return kExitConfig;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitRuntime;
  }
  return 0;
}

}  // namespace sim

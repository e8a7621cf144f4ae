// The bad-input corpus (tests/bad_inputs/, docs/reliability.md "Bad input"): one file per case,
// each refused with a clear message and without writing anything.
//
// A case is a YAML file whose first lines are comments saying what it expects:
//
//   # expect: TEXT      required: the message (or, for a CLI case, standard error) contains TEXT
//   # class: WORD       required: numbers, names, yaml, size, messages, types, ranges, ...
//   # at: LINE[:COL]    the diagnostic carrying TEXT is in this file at LINE (and column COL);
//                       "--set": in an override
//   # key: KEY.PATH     ... and names KEY.PATH
//   # count: N          exactly N problems are reported
//   # absent: TEXT      no message contains TEXT
//   # set: KEY=VALUE    an override, applied after the file (repeatable; \xNN is a byte)
//   # env: NAME=VALUE   an environment variable while the case runs (ELDERSIM_MEMORY_LIMIT_MIB)
//   # make: fifo NAME   a named pipe NAME in the case's temporary directory (or: large NAME, a
//                       17 MiB file of comments)
//   # args: WORDS       a command-line case: eldersim is run with WORDS ({file} is this file,
//                       {tmp} the temporary directory) and must exit with 2
//
// A file that mentions ${TMP} or ${CONFIGS} is copied into a temporary directory with those
// replaced by that directory and by configs/; others are read where they are, so that
// `eldersim validate tests/bad_inputs/CASE.yaml` shows the message by hand.
//
// Every case other than a command-line one must throw ConfigError from the model's validate
// (loading, overrides, parsing, the size estimate), and `eldersim run` of it must exit with 2,
// print the message and leave its working directory empty.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/demography.hpp"
#include "models/elder_model.hpp"
#include "sim/config_tree.hpp"
#include "sim/runner.hpp"
#include "tests/test_support.hpp"

extern char** environ;

namespace eldersim {
namespace {

namespace fs = std::filesystem;
using sim::config::ConfigError;

fs::path corpus_dir() {
  return testing::source_dir() / "tests" / "bad_inputs";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "a\x41b" -> "aAb".
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
      out += static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Words split at spaces; '...' groups (without the quotes).
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : s) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) out.push_back(cur);
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

struct Case {
  fs::path file;
  std::string text;
  std::string expect, klass, key, at, absent;
  int count = -1;
  std::vector<std::string> sets;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::pair<std::string, std::string>> make;
  std::string args;
};

Case read_case(const fs::path& file) {
  Case c;
  c.file = file;
  c.text = slurp(file);
  std::istringstream in(c.text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) != 0) {
      if (line.empty() || line[0] == '#') continue;
      break;  // the header ends at the first line that is not a comment
    }
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    const std::string name = line.substr(2, colon - 2), value = line.substr(colon + 2);
    if (name == "expect") c.expect = value;
    if (name == "class") c.klass = value;
    if (name == "key") c.key = value;
    if (name == "absent") c.absent = value;
    if (name == "at") c.at = value;
    if (name == "count") c.count = std::stoi(value);
    if (name == "set") c.sets.push_back(unescape(value));
    if (name == "args") c.args = value;
    if (name == "env") {
      const auto eq = value.find('=');
      c.env.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    }
    if (name == "make") {
      const auto space = value.find(' ');
      c.make.emplace_back(value.substr(0, space), value.substr(space + 1));
    }
  }
  return c;
}

std::vector<fs::path> case_files() {
  std::vector<fs::path> out;
  if (fs::is_directory(corpus_dir()))
    for (const auto& e : fs::directory_iterator(corpus_dir()))
      if (e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Sets the case's environment variables while it lives.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::vector<std::pair<std::string, std::string>>& vars) {
    for (const auto& [name, value] : vars) {
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      ::setenv(name.c_str(), value.c_str(), 1);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_)
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

struct Command {
  int exit_code = -1;
  std::string err;
};

// Runs eldersim with `args` in `cwd` (stdout and stderr to files in `logs`), with `env` added.
Command run_eldersim(const std::vector<std::string>& args, const fs::path& cwd,
                     const fs::path& logs,
                     const std::vector<std::pair<std::string, std::string>>& env) {
  const fs::path err = logs / "stderr.txt";
  // Everything the child needs is made before the fork.
  std::vector<std::string> env_words;
  for (char** e = environ; *e; ++e) {
    const std::string word(*e);
    const bool replaced = std::any_of(
        env.begin(), env.end(), [&](const auto& kv) { return word.rfind(kv.first + "=", 0) == 0; });
    if (!replaced) env_words.push_back(word);
  }
  for (const auto& [name, value] : env) env_words.push_back(name + "=" + value);
  std::vector<char*> envp, argv{const_cast<char*>(ELDERSIM_BINARY)};
  for (auto& w : env_words) envp.push_back(w.data());
  envp.push_back(nullptr);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int out_fd = ::open((logs / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out_fd < 0 || err_fd < 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execve(ELDERSIM_BINARY, argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_fd);
  ::close(err_fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(err)};
}

std::vector<std::string> left_in(const fs::path& dir) {
  std::vector<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    left.push_back(fs::relative(e.path(), dir).string());
  return left;
}

std::string dump(const std::vector<sim::config::Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) out += "\n  " + sim::config::to_string(d);
  return out;
}

class BadInput : public ::testing::TestWithParam<fs::path> {};

TEST_P(BadInput, IsRefusedWithItsMessageAndWritesNothing) {
  const Case c = read_case(GetParam());
  ASSERT_FALSE(c.expect.empty()) << c.file << ": no '# expect:' line";
  ASSERT_FALSE(c.klass.empty()) << c.file << ": no '# class:' line";
  const testing::TempDir dir;
  const fs::path work = dir.path() / "work";
  fs::create_directories(work);

  for (const auto& [kind, name] : c.make) {
    const fs::path p = dir.path() / name;
    if (kind == "fifo") {
      ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0) << p;
    } else if (kind == "large") {
      std::ofstream big(p);
      const std::string line = "# " + std::string(1022, 'x') + "\n";
      for (std::size_t n = 0; n < 17 * 1024; ++n) big << line;  // 17 MiB
    } else {
      FAIL() << c.file << ": unknown '# make: " << kind << "'";
    }
  }
  fs::path file = c.file;
  if (c.text.find("${") != std::string::npos) {
    std::string text = c.text;
    replace_all(text, "${TMP}", dir.path().string());
    replace_all(text, "${CONFIGS}", (testing::source_dir() / "configs").string());
    file = dir.path() / c.file.filename();
    std::ofstream(file, std::ios::binary) << text;
  }
  const std::string shown_file = file.string();

  if (!c.args.empty()) {
    std::vector<std::string> args;
    for (std::string w : words(c.args)) {
      replace_all(w, "{file}", shown_file);
      replace_all(w, "{tmp}", dir.path().string());
      args.push_back(unescape(w));
    }
    const Command r = run_eldersim(args, work, dir.path(), c.env);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << "expected \"" << c.expect << "\" in:\n"
                                                       << r.err;
    const auto left = left_in(work);
    EXPECT_TRUE(left.empty()) << "left behind: " << ::testing::PrintToString(left);
    return;
  }

  // In-process: the model's validate, as `eldersim validate` and `run` call it.
  {
    const ScopedEnv env(c.env);
    try {
      const sim::config::Document doc = sim::load_configuration(file, c.sets);
      definition().validate(doc);
      ADD_FAILURE() << c.file << ": accepted; expected \"" << c.expect << "\"";
      return;
    } catch (const ConfigError& e) {
      const auto& list = e.diagnostics();
      const auto match = std::find_if(list.begin(), list.end(), [&](const auto& d) {
        return d.message.find(c.expect) != std::string::npos;
      });
      ASSERT_NE(match, list.end()) << "expected \"" << c.expect << "\"; got:" << dump(list);
      if (!c.key.empty()) {
        EXPECT_EQ(match->key_path, c.key) << dump(list);
      }
      if (c.at == "--set") {
        EXPECT_EQ(match->location.file.rfind("--set", 0), 0u) << dump(list);
      } else if (!c.at.empty()) {
        EXPECT_EQ(match->location.file, shown_file) << dump(list);
        EXPECT_EQ(match->location.line, std::stoi(c.at)) << dump(list);
        if (const auto colon = c.at.find(':'); colon != std::string::npos) {
          EXPECT_EQ(match->location.column, std::stoi(c.at.substr(colon + 1))) << dump(list);
        }
      }
      if (c.count >= 0) {
        EXPECT_EQ(list.size(), static_cast<std::size_t>(c.count)) << dump(list);
      }
      for (const auto& d : list) {
        if (!c.absent.empty()) {
          EXPECT_EQ(d.message.find(c.absent), std::string::npos) << dump(list);
        }
      }
    }
  }

  // The command line: exit code 2, the same message, nothing written.
  std::vector<std::string> args{"-q", "run", shown_file, "-o", (work / "out.h5").string()};
  for (const auto& s : c.sets) args.insert(args.end(), {"--set", s});
  const Command r = run_eldersim(args, work, dir.path(), c.env);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was simulated"), std::string::npos) << r.err;
  const auto left = left_in(work);
  EXPECT_TRUE(left.empty()) << "left behind: " << ::testing::PrintToString(left);
}

std::string case_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.stem().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(case_files()), case_name);

// The corpus covers every section of a scenario and every class of bad input of issue 11.
TEST(BadInputCorpus, CoversEverySectionAndClass) {
  const auto files = case_files();
  EXPECT_GE(files.size(), 80u);
  std::set<std::string> sections, classes;
  for (const auto& f : files) {
    const std::string stem = f.stem().string();
    sections.insert(stem.substr(0, stem.find('-')));
    classes.insert(read_case(f).klass);
  }
  for (const char* s : {"simulation", "population", "districts", "mortality", "health", "entrants",
                        "migration", "care", "hospital_system", "programmes", "policy_events",
                        "scenario", "travel", "yaml", "extends", "override", "cli"})
    EXPECT_TRUE(sections.contains(s)) << "no case for " << s;
  for (const char* k : {"numbers", "names", "yaml", "size", "messages"})
    EXPECT_TRUE(classes.contains(k)) << "no case of class " << k;
}

// The estimate `validate` prints and the memory check uses matches the model it stands for: the
// agents of the start, the entrants of the run, the series' values and the periods.
TEST(SizeEstimate, MatchesTheModelItEstimates) {
  const auto scenario = testing::scenario_with({"simulation.end=2022-12-31"});
  const SizeEstimate e = estimate_size(*scenario);
  ElderModel model(scenario);
  EXPECT_EQ(e.agents_at_start, static_cast<double>(model.agent_count()));
  EXPECT_EQ(e.entrants, static_cast<double>(entrants_over_run(*scenario)));
  EXPECT_EQ(e.periods, model.calendar().n_periods());
  std::size_t cells = 0;
  for (const auto& spec : model.series().specs()) {
    std::size_t n = 1;
    for (const auto& d : spec.dims)
      for (const auto& dim : model.series().dimensions())
        if (dim.name == d) n *= dim.labels.size();
    cells += n;
  }
  EXPECT_EQ(e.series_cells, cells);
  EXPECT_DOUBLE_EQ(e.memory_bytes,
                   (e.agents_at_start + e.entrants) * 64 + SizeEstimate::kFixedBytes);
  EXPECT_DOUBLE_EQ(e.output_bytes, static_cast<double>(cells) * e.periods * 8);
}

// `validate --set KEY=VALUE CONFIG` (CONFIG after the --set words) validates CONFIG and prints
// the estimate; a limit below the estimate refuses the same run with it.
TEST(SizeEstimate, ValidatePrintsItAndConfigMayFollowSet) {
  const testing::TempDir dir;
  const std::string config = testing::config_path("guangzhou-small.yaml").string();
  const Command ok = run_eldersim({"validate", "--set", "population.scale=0.02", config},
                                  dir.path(), dir.path(), {});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const std::string out = slurp(dir.path() / "stdout.txt");
  EXPECT_NE(out.find(config + ": ok"), std::string::npos) << out;
  EXPECT_NE(out.find("agents: 41,106"), std::string::npos) << out;  // twice the 1% scale's
  EXPECT_NE(out.find("memory: about"), std::string::npos) << out;
  EXPECT_NE(out.find("output: about"), std::string::npos) << out;
  const Command refused =
      run_eldersim({"validate", config, "--set", "population.scale=0.02"}, dir.path(), dir.path(),
                   {{"ELDERSIM_MEMORY_LIMIT_MIB", "30"}});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("more than the 30 MiB ELDERSIM_MEMORY_LIMIT_MIB=30"),
            std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace eldersim

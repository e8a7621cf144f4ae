// The golden small run: a digest of every series of configs/guangzhou-small.yaml (1% scale,
// 2020-2040) against tests/golden/guangzhou-small.txt. Any change to what the model computes
// shows here. When a change is meant (a model fix, a new random-number contract), re-record in
// the same commit and say why in its message:
//     ELDERSIM_RECORD_GOLDEN=1 build/tests/eldersim_tests --gtest_filter='Golden.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "models/elder_model.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

// FNV-1a, 64 bits, over the bytes of every row in period order.
std::uint64_t digest(const void* data, std::size_t bytes, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t k = 0; k < bytes; ++k) h = (h ^ p[k]) * 0x100000001B3ull;
  return h;
}

std::map<std::string, std::string> digests_of(const testing::MemorySink& sink) {
  std::map<std::string, std::string> out;
  const auto hex = [](std::uint64_t h, std::size_t rows) {
    std::ostringstream s;
    s << std::hex << h << std::dec << " " << rows;
    return s.str();
  };
  for (const auto& [name, rows] : sink.ints) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (const auto& row : rows) h = digest(row.data(), row.size() * sizeof(row[0]), h);
    out[name] = hex(h, rows.size());
  }
  for (const auto& [name, rows] : sink.doubles) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (const auto& row : rows) h = digest(row.data(), row.size() * sizeof(row[0]), h);
    out[name] = hex(h, rows.size());
  }
  return out;
}

TEST(Golden, SmallRunMatchesTheRecordedDigests) {
  const auto path = testing::source_dir() / "tests" / "golden" / "guangzhou-small.txt";
  const testing::MemorySink sink =
      testing::run_scenario(std::make_shared<const Scenario>(testing::small_scenario()), 2);
  const auto now = digests_of(sink);
  if (const char* record = std::getenv("ELDERSIM_RECORD_GOLDEN"); record && *record == '1') {
    std::ofstream out(path);
    out << "# FNV-1a-64 of each series' rows and the number of rows, of "
           "configs/guangzhou-small.yaml\n"
        << "# (tests/models/test_golden.cpp). Re-record with ELDERSIM_RECORD_GOLDEN=1.\n";
    for (const auto& [name, d] : now) out << name << " " << d << "\n";
    GTEST_SKIP() << "recorded " << now.size() << " digests to " << path;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << path << " is missing: record it with ELDERSIM_RECORD_GOLDEN=1";
  std::map<std::string, std::string> recorded;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find(' ');
    recorded[line.substr(0, space)] = line.substr(space + 1);
  }
  std::vector<std::string> changed;
  for (const auto& [name, d] : now) {
    const auto it = recorded.find(name);
    if (it == recorded.end())
      changed.push_back(name + " (new)");
    else if (it->second != d)
      changed.push_back(name);
  }
  for (const auto& [name, d] : recorded)
    if (!now.contains(name)) changed.push_back(name + " (gone)");
  EXPECT_TRUE(changed.empty())
      << changed.size() << " series differ from the golden run, e.g. " << changed.front()
      << ". If the change is meant, re-record (ELDERSIM_RECORD_GOLDEN=1, see the file's head) "
         "and say why in the commit message.";
}

}  // namespace
}  // namespace eldersim

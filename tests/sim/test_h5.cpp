#include <gtest/gtest.h>

#include "sim/h5.hpp"
#include "sim/output.hpp"
#include "tests/test_support.hpp"

namespace sim {
namespace {

using eldersim::testing::TempDir;

TEST(Hdf5, WriteThenReadBackEveryKindOfObject) {
  TempDir dir;
  const auto path = dir.path() / "t.h5";
  {
    const h5::File f = h5::File::create(path);
    const h5::Group g = f.root().create_group("meta");
    g.set_attribute("text", std::string("line one\nline two 广州"));
    g.set_attribute("i64", std::int64_t{-5});
    g.set_attribute("u64", std::uint64_t{18446744073709551615ull});
    g.set_attribute("i32", std::int32_t{7});
    g.set_attribute("f64", 0.1);
    g.write_strings("names", {"Yuexiu", "Liwan", ""});
    h5::RowDataset ints(g, "ints", h5::Element::kInt64, {2, 3}, 10);
    h5::RowDataset reals(g, "reals", h5::Element::kFloat64, {2}, 10);
    for (std::int64_t r = 0; r < 4; ++r) {
      std::vector<std::int64_t> row(6);
      for (std::int64_t k = 0; k < 6; ++k) row[static_cast<std::size_t>(k)] = r * 10 + k;
      ints.append_row(row);
      reals.append_row(std::vector<double>{0.5 * static_cast<double>(r), -1.0});
    }
    EXPECT_THROW(ints.append_row(std::vector<std::int64_t>{1, 2}), h5::Error);
    EXPECT_THROW(ints.append_row(std::vector<double>(6, 0.0)), h5::Error);
    ints.set_attribute("unit", std::string("people"));
  }
  const h5::File f = h5::File::open_read_only(path);
  const h5::Group g = f.root().open_group("meta");
  EXPECT_EQ(std::get<std::string>(g.attribute("text")), "line one\nline two 广州");
  EXPECT_EQ(std::get<std::int64_t>(g.attribute("i64")), -5);
  EXPECT_EQ(std::get<std::uint64_t>(g.attribute("u64")), 18446744073709551615ull);
  EXPECT_EQ(std::get<std::int32_t>(g.attribute("i32")), 7);
  EXPECT_EQ(std::get<double>(g.attribute("f64")), 0.1);
  EXPECT_EQ(g.attribute_names(), (std::vector<std::string>{"text", "i64", "u64", "i32", "f64"}));
  EXPECT_EQ(g.read_strings("names"), (std::vector<std::string>{"Yuexiu", "Liwan", ""}));
  const auto info = h5::dataset_info(g, "ints");
  EXPECT_EQ(info.shape, (std::vector<hsize_t>{4, 2, 3}));
  EXPECT_EQ(info.type, "int64");
  const auto ints = h5::read_int64(g, "ints");
  ASSERT_EQ(ints.size(), 24u);
  EXPECT_EQ(ints[0], 0);
  EXPECT_EQ(ints[23], 35);
  EXPECT_EQ(h5::read_float64(g, "reals"), (std::vector<double>{0, -1, 0.5, -1, 1, -1, 1.5, -1}));
  EXPECT_EQ(std::get<std::string>(h5::dataset_attribute(g, "ints", "unit")), "people");
  EXPECT_TRUE(h5::is_dataset(g, "ints"));
  EXPECT_FALSE(h5::is_dataset(f.root(), "meta"));
  EXPECT_THROW(f.root().open_group("nope"), h5::Error);
  EXPECT_THROW(h5::File::open_read_only(dir.path() / "missing.h5"), h5::Error);
}

std::vector<SeriesSpec> two_series() {
  return {{"n", {"district"}, h5::Element::kInt64, SeriesKind::kStock, "people", "count"},
          {"x", {"district", "sex"}, h5::Element::kFloat64, SeriesKind::kFlow, "years", "exp"}};
}

TEST(RunWriter, FileAppearsUnderItsNameOnlyWhenComplete) {
  TempDir dir;
  const auto out = dir.path() / "sub" / "run.h5";
  std::filesystem::path tmp;
  {
    RunWriter w(out, {{"district", {"A", "B"}}, {"sex", {"male", "female"}}}, {"2020-01-01"},
                {"2020-01-31"}, two_series());
    tmp = w.temporary_path();
    EXPECT_TRUE(std::filesystem::exists(tmp));
    EXPECT_FALSE(std::filesystem::exists(out));
    w.append("n", std::vector<std::int64_t>{3, 4});
    w.append("x", std::vector<double>{1, 2, 3, 4});
    w.set_metadata("seed", std::uint64_t{9});
    w.commit();
  }
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(tmp));
  const h5::File f = h5::File::open_read_only(out);
  const h5::Group series = f.root().open_group("series");
  EXPECT_EQ(h5::read_int64(series, "n"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(std::get<std::string>(h5::dataset_attribute(series, "x", "dims")),
            "period,district,sex");
  EXPECT_EQ(std::get<std::string>(h5::dataset_attribute(series, "x", "kind")), "flow");
  EXPECT_EQ(f.root().open_group("dims").read_strings("period_end"),
            std::vector<std::string>{"2020-01-31"});
}

TEST(RunWriter, FailurePartWayLeavesNoFileAtAll) {
  TempDir dir;
  const auto out = dir.path() / "run.h5";
  std::filesystem::path tmp;
  {
    RunWriter w(out, {{"district", {"A", "B"}}, {"sex", {"m", "f"}}}, {"p1", "p2"}, {"e1", "e2"},
                two_series());
    tmp = w.temporary_path();
    w.append("n", std::vector<std::int64_t>{1, 2});
    // Only one of two periods written: commit refuses, and nothing is renamed.
    EXPECT_THROW(w.commit(), std::logic_error);
    EXPECT_THROW(w.append("undeclared", std::vector<std::int64_t>{1}), std::invalid_argument);
  }  // destroyed without a successful commit
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(tmp));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(RunWriter, RejectsSeriesOverUndeclaredDimensions) {
  TempDir dir;
  std::vector<SeriesSpec> bad{{"n", {"planet"}, h5::Element::kInt64, SeriesKind::kStock, "", ""}};
  EXPECT_THROW(RunWriter(dir.path() / "r.h5", {}, {"p"}, {"e"}, bad), std::invalid_argument);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace sim

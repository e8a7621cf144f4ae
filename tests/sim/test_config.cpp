#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "sim/config_reader.hpp"
#include "sim/config_tree.hpp"
#include "sim/text.hpp"
#include "tests/test_support.hpp"

namespace sim::config {
namespace {

using eldersim::testing::TempDir;

TEST(ConfigTree, RemembersFileLineAndColumnOfEveryValue) {
  const Node root = parse_yaml("a:\n  b: 1\n  c: [x, y]\n", "f.yaml");
  const Node::Entry* a = root.find("a");
  ASSERT_NE(a, nullptr);
  const Node::Entry* b = a->value.find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->value.location.file, "f.yaml");
  EXPECT_EQ(b->value.location.line, 2);
  EXPECT_EQ(b->value.location.column, 6);
  EXPECT_EQ(b->key_location.column, 3);
  EXPECT_EQ(a->value.find("c")->value.items[1].location.line, 3);
}

TEST(ConfigTree, ExtendsMergesMapsAndNamedListsAndReplacesOtherLists) {
  TempDir dir;
  dir.write("base.yaml",
            "x: {a: 1, b: 2}\n"
            "plain: [1, 2, 3]\n"
            "named:\n  - {name: one, v: 1, w: 1}\n  - {name: two, v: 2}\n");
  const auto child = dir.write("child.yaml",
                               "extends: base.yaml\n"
                               "x: {b: 20, c: 30}\n"
                               "plain: [9]\n"
                               "named:\n  - {name: two, v: 22}\n  - {name: three, v: 3}\n");
  const Document doc = load_document(child);
  const Node& root = doc.root;
  EXPECT_EQ(root.find("extends"), nullptr);
  EXPECT_EQ(root.find("x")->value.find("a")->value.scalar, "1");
  EXPECT_EQ(root.find("x")->value.find("b")->value.scalar, "20");
  EXPECT_EQ(root.find("x")->value.find("b")->value.location.file, child.string());
  EXPECT_EQ(root.find("x")->value.find("c")->value.scalar, "30");
  ASSERT_EQ(root.find("plain")->value.items.size(), 1u);
  const auto& named = root.find("named")->value.items;
  ASSERT_EQ(named.size(), 3u);
  EXPECT_EQ(named[0].find("w")->value.scalar, "1");
  EXPECT_EQ(named[1].find("v")->value.scalar, "22");
  EXPECT_EQ(named[2].item_name(), "three");
  ASSERT_EQ(doc.sources.size(), 2u);  // base first, then child
  EXPECT_NE(doc.sources[0].second.find("plain: [1, 2, 3]"), std::string::npos);
}

TEST(ConfigTree, OverridesSelectKeysIndicesAndNamedItems) {
  TempDir dir;
  const auto f = dir.write("s.yaml", "a: {b: 1}\nlist: [{name: p, v: 1}, {name: q, v: 2}]\n");
  Document doc = load_document(f);
  apply_override(doc, "a.b=5");
  apply_override(doc, "list.q.v=7");
  apply_override(doc, "list.0.v=8");
  apply_override(doc, "a.new=[1, 2]");
  EXPECT_EQ(doc.root.find("a")->value.find("b")->value.scalar, "5");
  EXPECT_EQ(doc.root.find("a")->value.find("b")->value.location.file, "--set a.b=5");
  EXPECT_EQ(doc.root.find("list")->value.items[1].find("v")->value.scalar, "7");
  EXPECT_EQ(doc.root.find("list")->value.items[0].find("v")->value.scalar, "8");
  EXPECT_TRUE(doc.root.find("a")->value.find("new")->value.is_sequence());
  // Overrides that cannot apply are corpus cases (tests/bad_inputs/override-*.yaml).
  EXPECT_EQ(doc.overrides.size(), 4u);
}

// What the loader's limits (docs/config.md section 4) leave alone: UTF-8 text (with a byte order
// mark), tabs inside values, quoted text, aliases used a few times, nesting up to the limit.
TEST(ConfigTree, AcceptsWhatTheLimitsLeave) {
  const Node root = parse_yaml(
      "\xEF\xBB\xBFname: \xE5\xB9\xBF\xE5\xB7\x9E\n"  // a BOM, then 广州
      "tabbed: \"a\\tb\tc\"\n"
      "quoted: \"0.5\"\n"
      "base: &b {x: 1}\n"
      "uses: [*b, *b, *b]\n"
      "deep: " +
          std::string(kMaxDepth - 1, '[') + std::string(kMaxDepth - 1, ']') + "\n",
      "f.yaml");
  EXPECT_EQ(root.find("name")->value.scalar, "\xE5\xB9\xBF\xE5\xB7\x9E");
  EXPECT_EQ(root.find("tabbed")->value.scalar, "a\tb\tc");
  EXPECT_TRUE(root.find("quoted")->value.quoted);
  ASSERT_EQ(root.find("uses")->value.items.size(), 3u);
  EXPECT_EQ(root.find("uses")->value.items[2].find("x")->value.scalar, "1");
  EXPECT_THROW(
      parse_yaml("deep: " + std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']'), "f.yaml"),
      ConfigError);
}

// Every named item of an overlay is merged into the base item of that name (new names appended);
// the refusals (a name given twice, an item without one) are corpus cases.
TEST(ConfigTree, NamedOverlayItemsMergeOneEach) {
  Node base = parse_yaml("l: [{name: a, v: 1}, {name: b, v: 2}]\n", "base.yaml");
  merge(base, parse_yaml("l: [{name: b, v: 3}, {name: c, v: 4}]\n", "top.yaml"));
  const auto& items = base.find("l")->value.items;
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[1].find("v")->value.scalar, "3");
  EXPECT_EQ(items[2].item_name(), "c");
  Node again = parse_yaml("l: [{name: a, v: 1}]\n", "base.yaml");
  EXPECT_THROW(merge(again, parse_yaml("l: [{name: a, v: 2}, {name: a, v: 3}]\n", "top.yaml")),
               ConfigError);
  EXPECT_EQ(again.find("l")->value.items[0].find("v")->value.scalar, "1");  // left as it was
}

// Whole numbers are read exactly to the ends of their type and refused, not wrapped, beyond.
TEST(ConfigReader, WholeNumbersAtTheEndsOfTheirType) {
  const Node root = parse_yaml(
      "u_max: 18446744073709551615\nu_over: 18446744073709551616\nu_neg: -1\n"
      "i_min: -9223372036854775808\ni_over: 9223372036854775808\nbig: 2.0e6\nhuge: 1e30\n",
      "f.yaml");
  Diagnostics diag;
  Map m(&root, "", root.location, diag);
  EXPECT_EQ(m.get<std::uint64_t>("u_max", 0), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(m.get<std::uint64_t>("u_over", 7), 7u);
  EXPECT_EQ(m.get<std::uint64_t>("u_neg", 7), 7u);
  EXPECT_EQ(m.get<std::int64_t>("i_min", 0), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(m.get<std::int64_t>("i_over", 7), 7);
  EXPECT_EQ(m.get<std::int64_t>("big", 0), 2'000'000);
  EXPECT_EQ(m.get<std::int32_t>("huge", 7), 7);
  m.finish();
  ASSERT_EQ(diag.count(), 4u);
  EXPECT_NE(diag.list()[0].message.find("must be <= 18446744073709551615"), std::string::npos);
  EXPECT_NE(diag.list()[1].message.find("must be >= 0, got -1"), std::string::npos);
  EXPECT_NE(diag.list()[2].message.find("must be <= 9223372036854775807"), std::string::npos);
  EXPECT_NE(diag.list()[3].message.find("must be <= 2147483647, got 1e30"), std::string::npos);
}

// A check that had to use a fallback for a value already reported does not report it again.
TEST(ConfigReader, NoFollowOnErrorsAtAKeyThatFailed) {
  Diagnostics diag;
  const Location at{"f.yaml", 1, 1};
  diag.value_error(at, "a.b", "bad value");
  diag.error(at, "a.b", "a check using the fallback");  // dropped
  diag.error(at, "a.b.c", "inside it");                 // dropped
  diag.error(at, "a.b[2]", "an item of it");            // dropped
  diag.error(at, "a.bc", "another key");                // kept
  diag.error(at, "a", "the mapping around it");         // kept
  diag.error(at, "x", "a check made twice");            // kept, both: not a failed value
  diag.error(at, "x", "a check made twice");
  EXPECT_EQ(diag.count(), 5u);
}

TEST(ConfigTree, ResolvedYamlParsesBackToTheSameTree) {
  const Node root = parse_yaml("a: {b: 1, c: \"quoted 2\"}\nl: [1, 2]\nn: ~\n", "f.yaml");
  const Node again = parse_yaml(to_yaml(root), "g.yaml");
  EXPECT_EQ(to_yaml(again), to_yaml(root));
  EXPECT_TRUE(again.find("a")->value.find("c")->value.quoted);
}

TEST(ConfigReader, TypedValuesBoundsAndUnknownKeys) {
  const Node root = parse_yaml(
      "count: 12\nrate: 0.5\nflag: true\nname: x\nbig: 2.0e6\nbad: twelve\nneg: -1\nscal: 3\n",
      "f.yaml");
  Diagnostics diag;
  Map m(&root, "", root.location, diag);
  EXPECT_EQ(m.get<std::int32_t>("count", 0), 12);
  EXPECT_DOUBLE_EQ(m.get<double>("rate", 0, probability()), 0.5);
  EXPECT_TRUE(m.get<bool>("flag", false));
  EXPECT_EQ(m.get<std::string>("name", ""), "x");
  EXPECT_EQ(m.get<std::int64_t>("big", 0), 2'000'000);
  EXPECT_EQ(m.get<std::int32_t>("bad", 7), 7);            // error recorded, fallback used
  EXPECT_EQ(m.get<double>("neg", 9, non_negative()), 9);  // error recorded
  EXPECT_EQ(m.get<double>("absent", 4.5), 4.5);           // optional, no error
  m.require<double>("scale");                             // missing: error
  m.finish();                                             // "scal" unknown: did you mean scale?
  ASSERT_EQ(diag.count(), 4u);
  EXPECT_EQ(diag.list()[0].key_path, "bad");
  EXPECT_EQ(diag.list()[0].location.line, 6);
  EXPECT_NE(diag.list()[0].message.find("whole number"), std::string::npos);
  EXPECT_EQ(diag.list()[1].key_path, "neg");
  EXPECT_NE(diag.list()[1].message.find("must be >= 0"), std::string::npos);
  EXPECT_EQ(diag.list()[2].key_path, "scale");
  EXPECT_NE(diag.list()[2].message.find("missing"), std::string::npos);
  EXPECT_EQ(diag.list()[3].key_path, "scal");
  EXPECT_EQ(diag.list()[3].location.line, 8);
  EXPECT_NE(diag.list()[3].message.find("did you mean 'scale'"), std::string::npos);
  EXPECT_THROW(diag.throw_if_any(), ConfigError);
}

TEST(Text, EditDistanceAndClosestMatch) {
  EXPECT_EQ(sim::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(sim::closest_match("populaton", {"population", "mortality"}), "population");
  EXPECT_EQ(sim::closest_match("zzzzzz", {"population", "mortality"}), "");
  EXPECT_EQ(sim::with_thousands(2130598), "2,130,598");
  EXPECT_EQ(sim::split("a.b..c", '.'), (std::vector<std::string>{"a", "b", "", "c"}));
}

}  // namespace
}  // namespace sim::config

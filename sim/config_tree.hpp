#pragma once
// The configuration as a tree that remembers where every value came from (file, line, column),
// built from YAML files with `extends:` and command-line `--set key.path=value` overrides.
//
// Merging rules (documented in docs/config.md):
// - a file may start with `extends: other.yaml` (path relative to the file); its keys are laid
//   over the other file's: maps merge key by key, scalars replace;
// - sequences replace, except sequences of maps whose every item has a `name`: those merge item by
//   item on `name` (new names are appended), so a scenario can change one district or facility;
// - `--set a.b.c=value` replaces one value (value parsed as YAML); a path segment selects a map
//   key, a sequence index, or the sequence item whose `name` equals the segment.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sim::config {

struct Location {
  std::string file;  // file path as given, or "--set" for command-line overrides
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
};
std::string to_string(const Location& loc);

struct Diagnostic {
  Location location;
  std::string key_path;  // e.g. "districts[Yuexiu].n_60plus"; empty for file-level problems
  std::string message;
};
std::string to_string(const Diagnostic& d);

// Thrown when a configuration cannot be used; carries every problem found, not just the first.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  ConfigError(Location where, std::string key_path, std::string message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

class Node {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  Location location;
  std::string scalar;       // kScalar
  bool quoted = false;      // kScalar written in quotes (always a string)
  std::vector<Node> items;  // kSequence
  struct Entry;
  std::vector<Entry> entries;  // kMap, in file order

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }
  const Entry* find(std::string_view key) const;
  Entry* find(std::string_view key);
  // The `name` scalar of a map item, or empty.
  std::string_view item_name() const;
};

struct Node::Entry {
  std::string key;
  Location key_location;
  Node value;
};

std::string_view to_string(Node::Kind kind);

// A loaded configuration: the merged tree and the text of every file read, in load order.
struct Document {
  Node root;
  std::filesystem::path path;                                // the file given by the user
  std::vector<std::pair<std::string, std::string>> sources;  // (file, text)
  std::vector<std::string> overrides;                        // --set assignments applied
};

// What the loader accepts (docs/config.md section 4), so that no input can exhaust memory or
// hang: files of at most kMaxFileBytes, regular files only (not pipes, devices or directories),
// valid UTF-8 text, one YAML document without explicit tags, at most kMaxDepth nested mappings
// and lists, at most kMaxNodes values per file counting every use of an alias, and at most
// kMaxExtends files in one `extends:` chain.
inline constexpr std::size_t kMaxFileBytes = std::size_t{16} << 20;  // 16 MiB
inline constexpr int kMaxDepth = 64;
inline constexpr std::size_t kMaxNodes = 1'000'000;
inline constexpr int kMaxExtends = 32;

// Parses YAML text; `file` names it in locations. Throws ConfigError on syntax errors and on
// anything outside the limits above.
Node parse_yaml(std::string_view text, const std::string& file);
// Loads a file and the chain of files it extends. Throws ConfigError.
Document load_document(const std::filesystem::path& path);
// Lays `overlay` over `base` with the merging rules above. Throws ConfigError when an overlay's
// list of named items cannot be merged: an item without a name, or a name given twice.
void merge(Node& base, const Node& overlay);
// Applies one "key.path=value" override. Throws ConfigError naming the path if it cannot apply.
void apply_override(Document& doc, std::string_view assignment);
// The node at a key path as `--set` takes it (map keys, list items by name or index), or null.
const Node* find_path(const Node& root, std::string_view path);
// The tree as YAML text (the resolved configuration written to the output's provenance).
std::string to_yaml(const Node& node);

}  // namespace sim::config

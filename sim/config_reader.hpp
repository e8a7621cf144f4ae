#pragma once
// Typed reading of a configuration tree into immutable structs. Every problem (missing required
// key, unknown key with a did-you-mean, wrong type, value out of range) is collected with its
// file, line and key path; parsing continues with a fallback so one run reports all of them, and
// the caller throws ConfigError before anything is simulated.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/config_tree.hpp"

namespace sim::config {

class Diagnostics {
 public:
  // Records a problem, unless it is at (or inside) a key path whose value already failed to
  // read: a check that had to use a fallback there would only repeat that problem.
  void error(const Location& where, std::string key_path, std::string message);
  // Records a value that could not be read (wrong type, out of range, missing).
  void value_error(const Location& where, std::string key_path, std::string message);
  bool ok() const { return list_.empty(); }
  // Whether the value at key_path (or one it lies inside) could not be read: a check against
  // it elsewhere would use a fallback.
  bool failed(std::string_view key_path) const;
  std::size_t count() const { return list_.size(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  // Throws ConfigError with everything collected, if anything was.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> list_;
  std::vector<std::string> failed_;  // key paths of values that could not be read
};

// A numeric range check; describe() words it for messages ("must be > 0").
struct Bounds {
  std::optional<double> min;
  std::optional<double> max;
  bool min_exclusive = false;
  bool max_exclusive = false;
  bool contains(double v) const;
  std::string describe() const;
};
Bounds positive();
Bounds non_negative();
Bounds probability();  // [0, 1]
Bounds at_least(double v);
Bounds between(double lo, double hi);

class Map;

// A possibly absent value at a key path.
class Value {
 public:
  Value(const Node* node, std::string path, Location fallback, Diagnostics& diagnostics)
      : node_(node), path_(std::move(path)), fallback_(std::move(fallback)), diag_(&diagnostics) {}

  bool present() const { return node_ && !node_->is_null(); }
  const std::string& path() const { return path_; }
  const Node* node() const { return node_; }
  Location location() const { return node_ ? node_->location : fallback_; }
  Diagnostics& diagnostics() const { return *diag_; }
  void error(std::string message) const { diag_->error(location(), path_, std::move(message)); }
  // Reports that this value could not be read (see Diagnostics::value_error).
  void fail(std::string message) const {
    diag_->value_error(location(), path_, std::move(message));
  }

  // Converts a scalar; on failure records an error and returns nullopt. Supported: bool,
  // std::int32_t, std::int64_t, std::uint64_t, double, std::string.
  template <class T>
  std::optional<T> as(const Bounds& bounds = {}) const;
  // A date written YYYY-MM-DD.
  std::optional<Day> as_date() const;
  // One of the given words (with a did-you-mean on error).
  std::optional<std::string> as_choice(const std::vector<std::string>& options) const;

  Map as_map() const;
  std::vector<Value> as_list() const;
  // A list of numbers, optionally of an exact length, each within bounds.
  std::optional<std::vector<double>> as_numbers(const Bounds& bounds = {},
                                                std::optional<std::size_t> length = {}) const;

 private:
  const Node* node_;
  std::string path_;
  Location fallback_;
  Diagnostics* diag_;
};

// A mapping being read: remembers which keys the reader asked for, so that finish() can report
// the others as unknown, with the closest known key as a suggestion.
class Map {
 public:
  Map(const Node* node, std::string path, Location location, Diagnostics& diagnostics);

  Value operator[](std::string_view key);
  bool has(std::string_view key) { return (*this)[key].present(); }
  const std::string& path() const { return path_; }
  Location location() const { return location_; }
  Diagnostics& diagnostics() const { return *diag_; }

  template <class T>
  T get(std::string_view key, T fallback, const Bounds& bounds = {}) {
    const Value v = (*this)[key];
    if (!v.present()) return fallback;
    return v.as<T>(bounds).value_or(fallback);
  }
  template <class T>
  T require(std::string_view key, const Bounds& bounds = {}) {
    const Value v = (*this)[key];
    if (!v.present()) {
      missing(key);
      return T{};
    }
    return v.as<T>(bounds).value_or(T{});
  }
  Day require_date(std::string_view key);
  std::string choice(std::string_view key, const std::vector<std::string>& options,
                     std::string fallback);
  void missing(std::string_view key);
  // Reports every key that was never asked for.
  void finish();

 private:
  const Node* node_;
  std::string path_;
  Location location_;
  Diagnostics* diag_;
  std::vector<std::string> known_;
};

std::string child_path(const std::string& parent, std::string_view key);

}  // namespace sim::config

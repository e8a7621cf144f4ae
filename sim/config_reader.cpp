#include "sim/config_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "sim/text.hpp"

namespace sim::config {

namespace {
// Whether `path` is `failed` or lies inside it (a key or item under it).
bool within(std::string_view path, std::string_view failed) {
  if (path.size() < failed.size() || path.substr(0, failed.size()) != failed) return false;
  return path.size() == failed.size() || path[failed.size()] == '.' || path[failed.size()] == '[';
}
}  // namespace

void Diagnostics::error(const Location& where, std::string key_path, std::string message) {
  // A check that read a fallback in place of a value already reported would only repeat it.
  if (!key_path.empty())
    for (const auto& f : failed_)
      if (within(key_path, f)) return;
  list_.push_back({where, std::move(key_path), std::move(message)});
}

void Diagnostics::value_error(const Location& where, std::string key_path, std::string message) {
  error(where, key_path, std::move(message));
  if (!key_path.empty()) failed_.push_back(std::move(key_path));
}

bool Diagnostics::failed(std::string_view key_path) const {
  for (const auto& f : failed_)
    if (within(key_path, f)) return true;
  return false;
}

void Diagnostics::throw_if_any() const {
  if (!list_.empty()) throw ConfigError(list_);
}

bool Bounds::contains(double v) const {
  if (std::isnan(v)) return false;
  if (min && (min_exclusive ? v <= *min : v < *min)) return false;
  if (max && (max_exclusive ? v >= *max : v > *max)) return false;
  return true;
}

namespace {
std::string number_text(double v) {
  // Whole bounds in full (1000000000, not 1e+09).
  if (std::floor(v) == v && std::abs(v) < 1e16) return std::to_string(static_cast<long long>(v));
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}
}  // namespace

std::string Bounds::describe() const {
  if (min && max)
    return "must be " + std::string(min_exclusive ? "> " : ">= ") + number_text(*min) + " and " +
           (max_exclusive ? "< " : "<= ") + number_text(*max);
  if (min) return "must be " + std::string(min_exclusive ? "> " : ">= ") + number_text(*min);
  if (max) return "must be " + std::string(max_exclusive ? "< " : "<= ") + number_text(*max);
  return "any value";
}

Bounds positive() {
  return {0.0, std::nullopt, true, false};
}
Bounds non_negative() {
  return {0.0, std::nullopt, false, false};
}
Bounds probability() {
  return {0.0, 1.0, false, false};
}
Bounds at_least(double v) {
  return {v, std::nullopt, false, false};
}
Bounds between(double lo, double hi) {
  return {lo, hi, false, false};
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

namespace {

template <class Int>
std::optional<Int> parse_integer(std::string_view s) {
  Int value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// A decimal number; `too_large` is set for one beyond the range of a double (1e400).
std::optional<double> parse_double(std::string_view s, bool* too_large = nullptr) {
  if (s == ".inf" || s == "+.inf" || s == "-.inf" || s == ".nan") return std::nullopt;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) {
    // Out of range is too large (1e400) or too small (1e-400, which reads as 0 or nearly).
    const std::string text(s);
    const double v = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(v)) return v;
    if (too_large) *too_large = true;
    return std::nullopt;
  }
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string shown(const Node& n) {
  if (n.is_scalar() && n.quoted) return "\"" + n.scalar + "\" (quoted, so text)";
  if (n.is_scalar()) return "\"" + n.scalar + "\"";
  return std::string(to_string(n.kind));
}

}  // namespace

template <class T>
std::optional<T> Value::as(const Bounds& bounds) const {
  if (!present()) {
    fail("a value is required here");
    return std::nullopt;
  }
  if (!node_->is_scalar()) {
    fail("expected a single value, got " + shown(*node_));
    return std::nullopt;
  }
  const std::string& s = node_->scalar;
  if constexpr (std::is_same_v<T, std::string>) {
    return s;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (s == "true") return true;
    if (s == "false") return false;
    fail("expected true or false, got " + shown(*node_));
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    if (node_->quoted) {
      fail("expected a whole number, got " + shown(*node_));
      return std::nullopt;
    }
    auto v = parse_integer<T>(s);
    if (!v) {
      // Also integral decimal spellings such as 2.0e6, and the whole numbers beyond the type's
      // range, which are reported as such rather than wrapped or cut.
      bool too_large = false;
      const auto d = parse_double(s, &too_large);
      if ((!d && !too_large) || (d && std::floor(*d) != *d)) {
        fail("expected a whole number, got " + shown(*node_));
        return std::nullopt;
      }
      // [min, 2^digits): both ends exact in a double.
      const double lo = static_cast<double>(std::numeric_limits<T>::min());
      const double hi = std::ldexp(1.0, std::numeric_limits<T>::digits);
      if (too_large || *d < lo || *d >= hi) {
        const bool below = d && *d < lo;
        if ((below && bounds.min) || (!below && bounds.max))
          fail(bounds.describe() + ", got " + s);
        else if (below)
          fail("must be >= " + std::to_string(std::numeric_limits<T>::min()) + ", got " + s);
        else
          fail("must be <= " + std::to_string(std::numeric_limits<T>::max()) + ", got " + s);
        return std::nullopt;
      }
      v = static_cast<T>(*d);
    }
    if (!bounds.contains(static_cast<double>(*v))) {
      fail(bounds.describe() + ", got " + s);
      return std::nullopt;
    }
    return v;
  } else {
    static_assert(std::is_same_v<T, double>, "unsupported config value type");
    bool too_large = false;
    const auto v = node_->quoted ? std::nullopt : parse_double(s, &too_large);
    if (too_large) {
      fail((bounds.max || bounds.min ? bounds.describe() : std::string("must be finite")) +
           ", got " + s + " (beyond the range of numbers)");
      return std::nullopt;
    }
    if (!v) {
      fail("expected a number, got " + shown(*node_));
      return std::nullopt;
    }
    if (!bounds.contains(*v)) {
      fail(bounds.describe() + ", got " + s);
      return std::nullopt;
    }
    return v;
  }
}

template std::optional<bool> Value::as<bool>(const Bounds&) const;
template std::optional<std::int32_t> Value::as<std::int32_t>(const Bounds&) const;
template std::optional<std::int64_t> Value::as<std::int64_t>(const Bounds&) const;
template std::optional<std::uint64_t> Value::as<std::uint64_t>(const Bounds&) const;
template std::optional<double> Value::as<double>(const Bounds&) const;
template std::optional<std::string> Value::as<std::string>(const Bounds&) const;

std::optional<Day> Value::as_date() const {
  const auto s = as<std::string>();
  if (!s) return std::nullopt;
  const auto d = parse_date(*s);
  if (!d) fail("expected a date YYYY-MM-DD, got \"" + *s + "\"");
  return d;
}

std::optional<std::string> Value::as_choice(const std::vector<std::string>& options) const {
  auto s = as<std::string>();
  if (!s) return std::nullopt;
  for (const auto& o : options)
    if (o == *s) return s;
  std::string list;
  for (const auto& o : options) list += (list.empty() ? "" : ", ") + o;
  std::string message = "\"" + *s + "\" is not one of: " + list;
  if (const auto near = closest_match(*s, options); !near.empty())
    message += "; did you mean '" + near + "'?";
  fail(message);
  return std::nullopt;
}

Map Value::as_map() const {
  if (present() && !node_->is_map()) {
    fail("expected a mapping of keys, got " + shown(*node_));
    return Map(nullptr, path_, location(), *diag_);
  }
  return Map(present() ? node_ : nullptr, path_, location(), *diag_);
}

std::vector<Value> Value::as_list() const {
  std::vector<Value> out;
  if (!present()) return out;
  if (!node_->is_sequence()) {
    fail("expected a list, got " + shown(*node_));
    return out;
  }
  for (std::size_t i = 0; i < node_->items.size(); ++i) {
    const Node& item = node_->items[i];
    const auto name = item.item_name();
    out.emplace_back(&item,
                     path_ + "[" + (name.empty() ? std::to_string(i) : std::string(name)) + "]",
                     item.location, *diag_);
  }
  return out;
}

std::optional<std::vector<double>> Value::as_numbers(const Bounds& bounds,
                                                     std::optional<std::size_t> length) const {
  if (present() && !node_->is_sequence()) {
    fail("expected a list of numbers, got " + shown(*node_));
    return std::nullopt;
  }
  const auto items = as_list();
  if (length && items.size() != *length) {
    fail("expected a list of " + std::to_string(*length) + " numbers, got " +
         std::to_string(items.size()));
    return std::nullopt;
  }
  std::vector<double> out;
  bool ok = true;
  for (const auto& item : items) {
    const auto v = item.as<double>(bounds);
    ok = ok && v.has_value();
    out.push_back(v.value_or(0.0));
  }
  if (!ok) return std::nullopt;
  return out;
}

Map::Map(const Node* node, std::string path, Location location, Diagnostics& diagnostics)
    : node_(node), path_(std::move(path)), location_(std::move(location)), diag_(&diagnostics) {}

Value Map::operator[](std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  const Node::Entry* e = node_ ? node_->find(key) : nullptr;
  return Value(e ? &e->value : nullptr, child_path(path_, key), e ? e->key_location : location_,
               *diag_);
}

std::string Map::choice(std::string_view key, const std::vector<std::string>& options,
                        std::string fallback) {
  const Value v = (*this)[key];
  if (!v.present()) return fallback;
  return v.as_choice(options).value_or(fallback);
}

Day Map::require_date(std::string_view key) {
  const Value v = (*this)[key];
  if (!v.present()) {
    missing(key);
    return Day{};
  }
  return v.as_date().value_or(Day{});
}

void Map::missing(std::string_view key) {
  diag_->value_error(location_, child_path(path_, key), "missing required key");
}

void Map::finish() {
  if (!node_) return;
  for (const auto& e : node_->entries) {
    if (std::find(known_.begin(), known_.end(), e.key) != known_.end()) continue;
    std::string message = "unknown key";
    if (const auto near = closest_match(e.key, known_); !near.empty())
      message += "; did you mean '" + near + "'?";
    diag_->error(e.key_location, child_path(path_, e.key), message);
  }
}

}  // namespace sim::config

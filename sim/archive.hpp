#pragma once
// Saving and restoring a run's mutable state as bytes (for checkpoints, forking scenarios from
// a warm-up state and moving work between processes).
//
// A state struct lists its fields once, for both directions:
//     template <class Archive> void serialize(Archive& ar) { ar(places, occupied, queue); }
// Fields may be numbers, enums, strings, std::vector, std::array, std::set, std::map,
// std::pair, std::optional or structs with their own serialize. Vectors of plain numbers are
// copied as one block. The reader checks every length against what is left, so a truncated or
// foreign archive is an error, never undefined behaviour.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace sim {

class ArchiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class T>
concept PlainValue = std::is_arithmetic_v<T> || std::is_enum_v<T>;

class OutArchive {
 public:
  static constexpr bool kSaving = true;

  template <class... T>
  void operator()(const T&... values) {
    (put(values), ...);
  }
  const std::vector<std::byte>& bytes() const { return bytes_; }
  std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  void raw(const void* data, std::size_t size) {
    if (size == 0) return;
    const std::size_t at = bytes_.size();
    bytes_.resize(at + size);
    std::memcpy(bytes_.data() + at, data, size);
  }
  template <PlainValue T>
  void put(const T& v) {
    raw(&v, sizeof v);
  }
  void put(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    raw(s.data(), s.size());
  }
  template <class T>
  void put(const std::vector<T>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    if constexpr (PlainValue<T>)
      raw(v.data(), v.size() * sizeof(T));
    else
      for (const T& x : v) put(x);
  }
  void put(const std::vector<bool>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    for (bool b : v) put(static_cast<std::uint8_t>(b));
  }
  template <class T, std::size_t N>
  void put(const std::array<T, N>& a) {
    for (const T& x : a) put(x);
  }
  template <class A, class B>
  void put(const std::pair<A, B>& p) {
    put(p.first), put(p.second);
  }
  template <class T, class C>
  void put(const std::set<T, C>& s) {
    put(static_cast<std::uint64_t>(s.size()));
    for (const T& x : s) put(x);
  }
  template <class K, class V, class C>
  void put(const std::map<K, V, C>& m) {
    put(static_cast<std::uint64_t>(m.size()));
    for (const auto& [k, v] : m) put(k), put(v);
  }
  template <class T>
  void put(const std::optional<T>& o) {
    put(static_cast<std::uint8_t>(o.has_value()));
    if (o) put(*o);
  }
  template <class T>
  requires(!PlainValue<T>) void put(const T& t) {
    // serialize() lists the fields for both directions; saving only reads them.
    const_cast<T&>(t).serialize(*this);
  }

  std::vector<std::byte> bytes_;
};

class InArchive {
 public:
  static constexpr bool kSaving = false;

  explicit InArchive(std::span<const std::byte> bytes) : bytes_(bytes) {}

  template <class... T>
  void operator()(T&... values) {
    (get(values), ...);
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  void raw(void* data, std::size_t size) {
    if (size > bytes_.size() - pos_)
      throw ArchiveError("saved state ends early (truncated or not a state of this version)");
    if (size == 0) return;  // an empty vector's data() may be null: memcpy must not see it
    std::memcpy(data, bytes_.data() + pos_, size);
    pos_ += size;
  }
  std::size_t length(std::size_t element_size) {
    std::uint64_t n = 0;
    get(n);
    if (element_size > 0 && n > (bytes_.size() - pos_) / element_size)
      throw ArchiveError("saved state holds a length longer than the data left");
    return static_cast<std::size_t>(n);
  }
  template <PlainValue T>
  void get(T& v) {
    raw(&v, sizeof v);
  }
  void get(std::string& s) {
    s.resize(length(1));
    raw(s.data(), s.size());
  }
  template <class T>
  void get(std::vector<T>& v) {
    if constexpr (PlainValue<T>) {
      v.resize(length(sizeof(T)));
      raw(v.data(), v.size() * sizeof(T));
    } else {
      v.clear();
      const std::size_t n = length(1);
      v.resize(n);
      for (T& x : v) get(x);
    }
  }
  void get(std::vector<bool>& v) {
    v.resize(length(1));
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::uint8_t b = 0;
      get(b);
      v[i] = b != 0;
    }
  }
  template <class T, std::size_t N>
  void get(std::array<T, N>& a) {
    for (T& x : a) get(x);
  }
  template <class A, class B>
  void get(std::pair<A, B>& p) {
    get(p.first), get(p.second);
  }
  template <class T, class C>
  void get(std::set<T, C>& s) {
    s.clear();
    const std::size_t n = length(1);
    for (std::size_t i = 0; i < n; ++i) {
      T x{};
      get(x);
      s.insert(s.end(), std::move(x));
    }
  }
  template <class K, class V, class C>
  void get(std::map<K, V, C>& m) {
    m.clear();
    const std::size_t n = length(1);
    for (std::size_t i = 0; i < n; ++i) {
      K k{};
      V v{};
      get(k), get(v);
      m.emplace_hint(m.end(), std::move(k), std::move(v));
    }
  }
  template <class T>
  void get(std::optional<T>& o) {
    std::uint8_t has = 0;
    get(has);
    if (!has) {
      o.reset();
      return;
    }
    T x{};
    get(x);
    o = std::move(x);
  }
  template <class T>
  requires(!PlainValue<T>) void get(T& t) { t.serialize(*this); }

  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace sim

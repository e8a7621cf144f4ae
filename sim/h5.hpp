#pragma once
// Thin RAII wrappers over the HDF5 C API (in the spirit of HighFive): every hid_t is owned by a
// Handle that closes it with the right function, every failing call throws h5::Error naming the
// file and object, and HDF5's own error printing is switched off.

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace sim::h5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Owns one HDF5 identifier.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, const std::string& what);
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();

  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void close();
  // Closes and returns the library's status (negative: the close failed, e.g. a final write).
  herr_t close_checked();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

using AttributeValue = std::variant<std::string, std::int64_t, std::uint64_t, std::int32_t, double>;

// A group (or the file's root group): the unit that holds attributes, groups and datasets.
class Group {
 public:
  Group(Handle handle, std::string path) : handle_(std::move(handle)), path_(std::move(path)) {}
  hid_t id() const { return handle_.id(); }
  const std::string& path() const { return path_; }

  Group create_group(const std::string& name) const;
  Group open_group(const std::string& name) const;
  bool has(const std::string& name) const;
  // Names of the links in this group, in name order.
  std::vector<std::string> children() const;

  void set_attribute(const std::string& name, const AttributeValue& value) const;
  AttributeValue attribute(const std::string& name) const;
  std::vector<std::string> attribute_names() const;

  // A 1-D dataset of variable-length UTF-8 strings.
  void write_strings(const std::string& name, const std::vector<std::string>& values) const;
  std::vector<std::string> read_strings(const std::string& name) const;

 private:
  Handle handle_;
  std::string path_;
};

class File {
 public:
  // Creates (truncating) a file for writing.
  static File create(const std::filesystem::path& path);
  static File open_read_only(const std::filesystem::path& path);
  Group root() const;
  const std::filesystem::path& path() const { return path_; }
  // Flushes and closes, throwing Error if either fails (a write that could not complete).
  void close();

 private:
  File(Handle handle, std::filesystem::path path)
      : handle_(std::move(handle)), path_(std::move(path)) {}
  Handle handle_;
  std::filesystem::path path_;
};

// Whether a path is a readable HDF5 file, and if not, why in words: missing, not a regular file,
// foreign (no HDF5 signature), or damaged/truncated (the library cannot read its structure).
struct FileCheck {
  bool ok;
  std::string problem;
};
FileCheck check_file(const std::filesystem::path& path);

enum class Element { kInt64, kFloat64 };

// A chunked, deflate-compressed dataset that grows along its first axis one row at a time. Rows
// are buffered and written a chunk at a time; flush() writes what is buffered.
class RowDataset {
 public:
  RowDataset(const Group& parent, const std::string& name, Element element,
             std::vector<hsize_t> row_shape, hsize_t expected_rows);
  RowDataset(RowDataset&&) noexcept = default;
  RowDataset& operator=(RowDataset&&) noexcept = default;
  // Writes what is still buffered (errors are only reported by an explicit flush()).
  ~RowDataset();
  hsize_t rows() const { return written_ + pending_rows_; }
  std::size_t row_size() const { return row_size_; }
  void append_row(std::span<const std::int64_t> row);
  void append_row(std::span<const double> row);
  void set_attribute(const std::string& name, const AttributeValue& value) const;
  void flush();

 private:
  void append(const void* data, std::size_t n, hid_t memory_type);
  Handle handle_;
  std::string path_;
  Element element_;
  std::vector<hsize_t> row_shape_;
  std::size_t row_size_ = 1;
  hsize_t written_ = 0;
  hsize_t chunk_rows_ = 1;
  hsize_t pending_rows_ = 0;
  hid_t memory_type_ = -1;
  std::vector<unsigned char> pending_;
};

// What a reader needs to know of a dataset.
struct DatasetInfo {
  std::vector<hsize_t> shape;
  std::string type;  // "int64", "float64", "string", or HDF5's class name
};
DatasetInfo dataset_info(const Group& parent, const std::string& name);
std::vector<std::int64_t> read_int64(const Group& parent, const std::string& name);
std::vector<double> read_float64(const Group& parent, const std::string& name);
bool is_dataset(const Group& parent, const std::string& name);
AttributeValue dataset_attribute(const Group& parent, const std::string& dataset,
                                 const std::string& name);

std::string to_string(const AttributeValue& value);

}  // namespace sim::h5

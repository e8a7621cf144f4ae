#include "sim/h5.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <type_traits>

namespace sim::h5 {

namespace {

// HDF5 prints its error stack to stderr by default; we throw instead.
// And at exit it closes whatever is still open; after a close that failed (disk full) that
// close crashes inside the library (HDF5 1.10), so it is not asked to: every object is closed
// by its owner anyway.
struct SilenceHdf5 {
  SilenceHdf5() {
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
};
void silence() {
  static const SilenceHdf5 once;
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw Error("HDF5: cannot " + what);
  return id;
}
void check(herr_t status, const std::string& what, int /*tag*/) {
  if (status < 0) throw Error("HDF5: cannot " + what);
}

Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(t.id(), H5T_VARIABLE), "set string size", 0);
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "set string charset", 0);
  return t;
}

std::string join(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

void write_attribute(hid_t object, const std::string& object_path, const std::string& name,
                     const AttributeValue& value) {
  const std::string what = "write attribute " + name + " of " + object_path;
  if (H5Aexists(object, name.c_str()) > 0) check(H5Adelete(object, name.c_str()), what, 0);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, what);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          Handle type = string_type();
          Handle attr(
              H5Acreate2(object, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, what);
          const char* data = v.c_str();
          check(H5Awrite(attr.id(), type.id(), &data), what, 0);
        } else {
          hid_t type = std::is_same_v<T, double>          ? H5T_NATIVE_DOUBLE
                       : std::is_same_v<T, std::int64_t>  ? H5T_NATIVE_INT64
                       : std::is_same_v<T, std::uint64_t> ? H5T_NATIVE_UINT64
                                                          : H5T_NATIVE_INT32;
          Handle attr(H5Acreate2(object, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                      H5Aclose, what);
          check(H5Awrite(attr.id(), type, &v), what, 0);
        }
      },
      value);
}

}  // namespace

Handle::Handle(hid_t id, Closer closer, const std::string& what)
    : id_(check(id, what)), closer_(closer) {}

Handle::Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
  other.id_ = H5I_INVALID_HID;
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    close();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

Handle::~Handle() {
  close();
}

void Handle::close() {
  close_checked();
}

herr_t Handle::close_checked() {
  herr_t status = 0;
  if (id_ >= 0 && closer_) status = closer_(id_);
  id_ = H5I_INVALID_HID;
  return status;
}

File File::create(const std::filesystem::path& path) {
  silence();
  // The 1.10 file format: superblock version 3 and version-2 object headers carry checksums, so
  // damaged metadata is reported by the library instead of being read as garbage.
  Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create " + path.string());
  check(H5Pset_libver_bounds(access.id(), H5F_LIBVER_V110, H5F_LIBVER_LATEST),
        "create " + path.string(), 0);
  return File(Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.id()), H5Fclose,
                     "create " + path.string()),
              path);
}

FileCheck check_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {false, "no such file: " + path.string()};
  if (!std::filesystem::is_regular_file(path, ec))
    return {false, path.string() + " is not a regular file"};
  const auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof head);
  static constexpr char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  if (!in || std::memcmp(head, kSignature, sizeof head) != 0)
    return {false, fmt::format("{} is not an HDF5 file ({} bytes, no HDF5 signature at the start)",
                               path.string(), size)};
  silence();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0)
    return {false, fmt::format("{} is a damaged or truncated HDF5 file ({} bytes): the library "
                               "cannot read its structure",
                               path.string(), size)};
  H5Fclose(id);
  return {true, ""};
}

File File::open_read_only(const std::filesystem::path& path) {
  if (const FileCheck c = check_file(path); !c.ok) throw Error(c.problem);
  return File(
      Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path.string()),
      path);
}

void File::close() {
  if (!handle_.valid()) return;
  const std::string what = "write " + path_.string();
  const herr_t flushed = H5Fflush(handle_.id(), H5F_SCOPE_GLOBAL);
  const herr_t closed = handle_.close_checked();
  if (flushed < 0 || closed < 0)
    throw Error("HDF5: cannot " + what + " (disk full, a file-size limit or an I/O error?)");
}

Group File::root() const {
  return Group(Handle(H5Gopen2(handle_.id(), "/", H5P_DEFAULT), H5Gclose, "open root group"), "/");
}

Group Group::create_group(const std::string& name) const {
  const std::string p = join(path_, name);
  return Group(Handle(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      H5Gclose, "create group " + p),
               p);
}

Group Group::open_group(const std::string& name) const {
  const std::string p = join(path_, name);
  if (!has(name)) throw Error("HDF5: no group " + p);
  return Group(Handle(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), H5Gclose, "open group " + p), p);
}

bool Group::has(const std::string& name) const {
  return H5Lexists(id(), name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> Group::children() const {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  check(H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names), "list " + path_, 0);
  return names;
}

void Group::set_attribute(const std::string& name, const AttributeValue& value) const {
  write_attribute(id(), path_, name, value);
}

namespace {
AttributeValue read_attribute(hid_t object, const std::string& object_path,
                              const std::string& name) {
  const std::string what = "read attribute " + name + " of " + object_path;
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, what);
  Handle type(H5Aget_type(attr.id()), H5Tclose, what);
  const H5T_class_t cls = H5Tget_class(type.id());
  if (cls == H5T_STRING) {
    Handle mem = string_type();
    if (H5Tis_variable_str(type.id()) > 0) {
      char* data = nullptr;
      check(H5Aread(attr.id(), mem.id(), &data), what, 0);
      std::string out = data ? data : "";
      H5free_memory(data);
      return out;
    }
    std::string out(H5Tget_size(type.id()), '\0');
    Handle fixed(H5Tcopy(type.id()), H5Tclose, what);
    check(H5Aread(attr.id(), fixed.id(), out.data()), what, 0);
    out.erase(std::find(out.begin(), out.end(), '\0'), out.end());
    return out;
  }
  if (cls == H5T_FLOAT) {
    double v = 0;
    check(H5Aread(attr.id(), H5T_NATIVE_DOUBLE, &v), what, 0);
    return v;
  }
  if (cls == H5T_INTEGER) {
    if (H5Tget_sign(type.id()) == H5T_SGN_NONE) {
      std::uint64_t v = 0;
      check(H5Aread(attr.id(), H5T_NATIVE_UINT64, &v), what, 0);
      return v;
    }
    if (H5Tget_size(type.id()) <= 4) {
      std::int32_t v = 0;
      check(H5Aread(attr.id(), H5T_NATIVE_INT32, &v), what, 0);
      return v;
    }
    std::int64_t v = 0;
    check(H5Aread(attr.id(), H5T_NATIVE_INT64, &v), what, 0);
    return v;
  }
  throw Error("HDF5: attribute " + name + " of " + object_path + " has an unsupported type");
}
}  // namespace

AttributeValue Group::attribute(const std::string& name) const {
  return read_attribute(id(), path_, name);
}

AttributeValue dataset_attribute(const Group& parent, const std::string& dataset,
                                 const std::string& name) {
  const std::string p = join(parent.path(), dataset);
  Handle set(H5Dopen2(parent.id(), dataset.c_str(), H5P_DEFAULT), H5Dclose, "open " + p);
  return read_attribute(set.id(), p, name);
}

std::vector<std::string> Group::attribute_names() const {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  check(H5Aiterate2(id(), H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect, &names),
        "list attributes of " + path_, 0);
  return names;
}

void Group::write_strings(const std::string& name, const std::vector<std::string>& values) const {
  const std::string what = "write " + join(path_, name);
  Handle type = string_type();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, what);
  Handle set(
      H5Dcreate2(id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose, what);
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& v : values) pointers.push_back(v.c_str());
  if (n > 0)
    check(H5Dwrite(set.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), what, 0);
}

std::vector<std::string> Group::read_strings(const std::string& name) const {
  const std::string what = "read " + join(path_, name);
  Handle set(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose, what);
  Handle space(H5Dget_space(set.id()), H5Sclose, what);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  Handle file_type(H5Dget_type(set.id()), H5Tclose, what);
  if (H5Tget_class(file_type.id()) != H5T_STRING || H5Tis_variable_str(file_type.id()) <= 0)
    throw Error("HDF5: " + join(path_, name) + " is not a variable-length string dataset");
  Handle type = string_type();
  std::vector<char*> pointers(static_cast<std::size_t>(n), nullptr);
  if (n > 0)
    check(H5Dread(set.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), what, 0);
  std::vector<std::string> out;
  out.reserve(pointers.size());
  for (char* p : pointers) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

RowDataset::RowDataset(const Group& parent, const std::string& name, Element element,
                       std::vector<hsize_t> row_shape, hsize_t expected_rows)
    : path_(join(parent.path(), name)), element_(element), row_shape_(std::move(row_shape)) {
  const std::string what = "create " + path_;
  for (hsize_t d : row_shape_) row_size_ *= static_cast<std::size_t>(d);
  std::vector<hsize_t> dims{0}, max_dims{H5S_UNLIMITED}, chunk;
  dims.insert(dims.end(), row_shape_.begin(), row_shape_.end());
  max_dims.insert(max_dims.end(), row_shape_.begin(), row_shape_.end());
  // Chunks of whole rows, about 64 KiB, at most the expected run length.
  const hsize_t row_bytes = std::max<hsize_t>(1, row_size_ * 8);
  const hsize_t chunk_rows =
      std::clamp<hsize_t>(65536 / row_bytes, 1, std::max<hsize_t>(1, expected_rows));
  chunk.push_back(chunk_rows);
  chunk_rows_ = chunk_rows;
  for (hsize_t d : row_shape_) chunk.push_back(std::max<hsize_t>(1, d));
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.data()),
               H5Sclose, what);
  Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  check(H5Pset_chunk(props.id(), static_cast<int>(chunk.size()), chunk.data()), what, 0);
  check(H5Pset_shuffle(props.id()), what, 0);
  check(H5Pset_deflate(props.id(), 4), what, 0);
  check(H5Pset_fletcher32(props.id()), what, 0);  // a checksum per chunk: damage is an error
  const hid_t type = element == Element::kInt64 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
  handle_ = Handle(
      H5Dcreate2(parent.id(), name.c_str(), type, space.id(), H5P_DEFAULT, props.id(), H5P_DEFAULT),
      H5Dclose, what);
}

RowDataset::~RowDataset() {
  if (!handle_.valid() || pending_rows_ == 0) return;
  try {
    flush();
  } catch (const Error&) {
    // Destructors do not throw; a caller that needs to know calls flush() first.
  }
}

void RowDataset::append_row(std::span<const std::int64_t> row) {
  if (element_ != Element::kInt64) throw Error("HDF5: " + path_ + " holds floating-point values");
  append(row.data(), row.size(), H5T_NATIVE_INT64);
}

void RowDataset::append_row(std::span<const double> row) {
  if (element_ != Element::kFloat64) throw Error("HDF5: " + path_ + " holds integer values");
  append(row.data(), row.size(), H5T_NATIVE_DOUBLE);
}

void RowDataset::append(const void* data, std::size_t n, hid_t memory_type) {
  if (n != row_size_)
    throw Error("HDF5: row of " + std::to_string(n) + " values for " + path_ + ", expected " +
                std::to_string(row_size_));
  if (memory_type_ >= 0 && memory_type_ != memory_type)
    throw Error("HDF5: rows of two element types for " + path_);
  memory_type_ = memory_type;
  const auto* bytes = static_cast<const unsigned char*>(data);
  pending_.insert(pending_.end(), bytes, bytes + n * 8);
  if (++pending_rows_ >= chunk_rows_) flush();
}

// Writes the buffered rows in one hyperslab (one extension and one write per chunk of rows,
// not per row).
void RowDataset::flush() {
  if (pending_rows_ == 0) return;
  const std::string what = "append to " + path_;
  std::vector<hsize_t> dims{written_ + pending_rows_};
  dims.insert(dims.end(), row_shape_.begin(), row_shape_.end());
  check(H5Dset_extent(handle_.id(), dims.data()), what, 0);
  Handle file_space(H5Dget_space(handle_.id()), H5Sclose, what);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = written_;
  count[0] = pending_rows_;
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        what, 0);
  Handle memory_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                      H5Sclose, what);
  check(H5Dwrite(handle_.id(), memory_type_, memory_space.id(), file_space.id(), H5P_DEFAULT,
                 pending_.data()),
        what, 0);
  written_ += pending_rows_;
  pending_rows_ = 0;
  pending_.clear();
}

void RowDataset::set_attribute(const std::string& name, const AttributeValue& value) const {
  write_attribute(handle_.id(), path_, name, value);
}

bool is_dataset(const Group& parent, const std::string& name) {
  if (!parent.has(name)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name2(parent.id(), name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    return false;
  return info.type == H5O_TYPE_DATASET;
}

DatasetInfo dataset_info(const Group& parent, const std::string& name) {
  const std::string what = "inspect " + join(parent.path(), name);
  Handle set(H5Dopen2(parent.id(), name.c_str(), H5P_DEFAULT), H5Dclose, what);
  Handle space(H5Dget_space(set.id()), H5Sclose, what);
  DatasetInfo info;
  const int rank = H5Sget_simple_extent_ndims(space.id());
  info.shape.resize(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.id(), info.shape.data(), nullptr);
  Handle type(H5Dget_type(set.id()), H5Tclose, what);
  switch (H5Tget_class(type.id())) {
    case H5T_INTEGER:
      info.type = "int" + std::to_string(8 * H5Tget_size(type.id()));
      break;
    case H5T_FLOAT:
      info.type = "float" + std::to_string(8 * H5Tget_size(type.id()));
      break;
    case H5T_STRING:
      info.type = "string";
      break;
    default:
      info.type = "other";
      break;
  }
  return info;
}

namespace {
template <class T>
std::vector<T> read_all(const Group& parent, const std::string& name, hid_t memory_type) {
  const std::string what = "read " + join(parent.path(), name);
  Handle set(H5Dopen2(parent.id(), name.c_str(), H5P_DEFAULT), H5Dclose, what);
  Handle space(H5Dget_space(set.id()), H5Sclose, what);
  std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id())));
  if (!out.empty())
    check(H5Dread(set.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), what, 0);
  return out;
}
}  // namespace

std::vector<std::int64_t> read_int64(const Group& parent, const std::string& name) {
  return read_all<std::int64_t>(parent, name, H5T_NATIVE_INT64);
}

std::vector<double> read_float64(const Group& parent, const std::string& name) {
  return read_all<double>(parent, name, H5T_NATIVE_DOUBLE);
}

std::string to_string(const AttributeValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>)
          return v;
        else
          return fmt::format("{}", v);
      },
      value);
}

}  // namespace sim::h5

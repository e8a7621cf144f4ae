#include "sim/file_info.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "sim/text.hpp"
#include "sim/version.hpp"

namespace sim {

namespace {

std::string shape_text(const std::vector<hsize_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? " x " : "") + std::to_string(shape[i]);
  return out + "]";
}

bool has_group_attribute(const h5::Group& group, const std::string& name) {
  const auto names = group.attribute_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool has_attribute(const h5::Group& group, const std::string& dataset, const std::string& name) {
  try {
    h5::dataset_attribute(group, dataset, name);
    return true;
  } catch (const h5::Error&) {
    return false;
  }
}

// Reads every dataset of a group and below, so the chunk checksums are checked; throws naming
// the first one that cannot be read.
std::size_t verify_group(const h5::Group& group) {
  std::size_t n = 0;
  for (const std::string& name : group.children()) {
    if (!h5::is_dataset(group, name)) {
      n += verify_group(group.open_group(name));
      continue;
    }
    const std::string path = group.path() == "/" ? "/" + name : group.path() + "/" + name;
    try {
      const auto type = h5::dataset_info(group, name).type;
      if (type == "int64")
        h5::read_int64(group, name);
      else if (type == "float64")
        h5::read_float64(group, name);
      else
        group.read_strings(name);
    } catch (const h5::Error&) {
      throw h5::Error("the dataset " + path +
                      " is damaged (its checksum or structure does not match)");
    }
    ++n;
  }
  return n;
}

}  // namespace

std::int64_t file_schema_version(const h5::Group& metadata) {
  if (!has_group_attribute(metadata, "schema_version")) return 1;
  const h5::AttributeValue v = metadata.attribute("schema_version");
  const auto* n = std::get_if<std::int64_t>(&v);
  if (n == nullptr || *n < kOldestReadableSchema)
    throw ForeignFile("its /metadata attribute schema_version is not a schema version");
  if (*n > kFileSchemaVersion)
    throw ForeignFile(fmt::format(
        "it was written by a newer eldersim (file schema version {}; this one reads versions "
        "{} to {}): read it with that version",
        *n, kOldestReadableSchema, kFileSchemaVersion));
  return *n;
}

void print_file_info(const std::filesystem::path& path, bool full, std::FILE* out) {
  const h5::File file = h5::File::open_read_only(path);
  const h5::Group root = file.root();
  if (!root.has("metadata") || h5::is_dataset(root, "metadata"))
    throw ForeignFile("it is an HDF5 file but not one eldersim wrote (no /metadata group)");
  const h5::Group meta = root.open_group("metadata");
  const std::int64_t schema = file_schema_version(meta);
  fmt::print(out, "{}\n/metadata\n", path.string());
  if (schema < kFileSchemaVersion)
    fmt::print(out,
               "  (file schema version {}, older than this eldersim's {}: docs/hdf5-schema.md "
               "lists what changed)\n",
               schema, kFileSchemaVersion);
  for (const auto& name : meta.attribute_names()) {
    std::string text = h5::to_string(meta.attribute(name));
    const auto lines = split(text, '\n');
    if (!full && lines.size() > 3)
      text =
          lines[0] + "\n      ... (" + std::to_string(lines.size()) + " lines; --full shows all)";
    else if (lines.size() > 1)
      text = "\n      " + [&] {
        std::string indented;
        for (const auto& l : lines) indented += (indented.empty() ? "" : "\n      ") + l;
        return indented;
      }();
    fmt::print(out, "  {:<18} {}\n", name, text);
  }
  // Every group but /metadata: /dims, /series, and whatever else the model writes.
  for (const std::string& group_name : root.children()) {
    if (group_name == "metadata" || h5::is_dataset(root, group_name)) continue;
    const h5::Group group = root.open_group(group_name);
    fmt::print(out, "/{}\n", group_name);
    for (const auto& name : group.children()) {
      if (!h5::is_dataset(group, name)) continue;
      const auto info = h5::dataset_info(group, name);
      std::string detail;
      if (has_attribute(group, name, "dims")) {
        // Name the axes: [252 months x 11 districts] reads better than [252 x 11].
        const auto axes = split(h5::to_string(h5::dataset_attribute(group, name, "dims")), ',');
        detail = "  (" + [&] {
          std::string a;
          for (std::size_t i = 0; i < axes.size(); ++i) a += (i ? " x " : "") + axes[i];
          return a;
        }() + ")";
      }
      fmt::print(out, "  {:<30} {:<8} {}{}\n", name, info.type, shape_text(info.shape), detail);
    }
  }
}

std::size_t verify_file(const std::filesystem::path& path) {
  const h5::File file = h5::File::open_read_only(path);
  return verify_group(file.root());
}

}  // namespace sim

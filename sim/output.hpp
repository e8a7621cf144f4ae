#pragma once
// The run file: a model declares its dimensions and series once (name, dims, unit, meaning),
// and RunWriter lays them out as /dims, /series/<name> [period x ...] and /metadata, writing to
// a temporary file that is renamed to its final name only by commit(). A writer destroyed
// without commit() (an error or an interrupt part way) deletes the temporary file, so a file
// under the final name is always complete.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/h5.hpp"

namespace sim {

struct DimensionSpec {
  std::string name;  // e.g. "district"
  std::vector<std::string> labels;
  bool operator==(const DimensionSpec&) const = default;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, labels);
  }
};

// stock: at the period end; flow: within the period; mean: a ratio or mean over the period (or
// at its end, as documented); max: the largest daily value in the period; cumulative: from the
// start of the run to the period end.
enum class SeriesKind { kStock, kFlow, kMean, kMax, kCumulative };
std::string_view to_string(SeriesKind kind);

struct SeriesSpec {
  std::string name;               // e.g. "n_alive"
  std::vector<std::string> dims;  // dimension names after the leading "period" axis
  h5::Element element = h5::Element::kInt64;
  SeriesKind kind = SeriesKind::kStock;
  std::string unit;
  std::string description;
  std::string group = "series";  // HDF5 group: "series" (per district) or e.g. "facilities"
  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, dims, element, kind, unit, description, group);
  }
};

// Makes a finished temporary file the file `final_path`: its data to the disk (fsync), then the
// rename, then the directory entry to the disk, so after a crash either the old file or the
// complete new one is there. Throws std::runtime_error (with the reason) on any failure.
void durable_rename(const std::filesystem::path& temporary,
                    const std::filesystem::path& final_path);

// Removes `<path>.tmp-<pid>` files left by a run that was killed (its pid no longer alive), and
// says so; returns how many.
int remove_stale_temporaries(const std::filesystem::path& path);

// Refuses an output path that would lose something: an existing file unless `force`; anything
// that is not a regular file; any of the run's own input files; an empty name. Throws
// std::runtime_error saying which.
void check_output_path(const std::filesystem::path& out,
                       const std::vector<std::filesystem::path>& inputs, bool force);

class RunWriter {
 public:
  // Opens `<final_path>.tmp-<pid>` and lays out /dims and one empty dataset per series.
  // `dims` must contain every dimension a series names, "period" excepted (taken from
  // period_start / period_end).
  RunWriter(std::filesystem::path final_path, const std::vector<DimensionSpec>& dims,
            const std::vector<std::string>& period_start,
            const std::vector<std::string>& period_end, const std::vector<SeriesSpec>& series);
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;
  ~RunWriter();

  // Appends the next period's row of one series (row-major over its dims).
  void append(std::string_view series, std::span<const std::int64_t> row);
  void append(std::string_view series, std::span<const double> row);
  void set_metadata(const std::string& name, const h5::AttributeValue& value);
  // A 1-D string dataset /<group>/<name> (the group is created if needed).
  void write_strings(const std::string& group, const std::string& name,
                     const std::vector<std::string>& values);
  // Checks every series has one row per period, closes the file and renames it into place.
  void commit();

  const std::filesystem::path& temporary_path() const { return temporary_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }

 private:
  h5::RowDataset& dataset(std::string_view series);

  std::filesystem::path final_path_;
  std::filesystem::path temporary_path_;
  std::size_t n_periods_;
  std::unique_ptr<h5::File> file_;
  std::unique_ptr<h5::Group> metadata_;
  std::map<std::string, h5::RowDataset, std::less<>> series_;
  bool committed_ = false;
};

}  // namespace sim

#include "sim/output.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace sim {

std::string_view to_string(SeriesKind kind) {
  switch (kind) {
    case SeriesKind::kStock:
      return "stock";
    case SeriesKind::kFlow:
      return "flow";
    case SeriesKind::kMean:
      return "mean";
    case SeriesKind::kMax:
      return "max";
    case SeriesKind::kCumulative:
      return "cumulative";
  }
  return "?";
}

namespace {
void sync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + p.string() + ": " + std::strerror(errno));
  const int synced = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  if (synced != 0)
    throw std::runtime_error("cannot write " + p.string() + " to the disk: " + std::strerror(e));
}
}  // namespace

void durable_rename(const std::filesystem::path& temporary,
                    const std::filesystem::path& final_path) {
  sync_path(temporary, O_RDONLY);
  std::error_code ec;
  std::filesystem::rename(temporary, final_path, ec);
  if (ec)
    throw std::runtime_error("cannot rename " + temporary.string() + " to " + final_path.string() +
                             ": " + ec.message());
  const auto dir =
      final_path.has_parent_path() ? final_path.parent_path() : std::filesystem::path(".");
  sync_path(dir, O_RDONLY | O_DIRECTORY);
}

int remove_stale_temporaries(const std::filesystem::path& path) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const std::string prefix = path.filename().string() + ".tmp-";
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno == EPERM) continue;  // alive
    std::error_code ignored;
    if (std::filesystem::remove_all(entry.path(), ignored) > 0) {
      spdlog::warn("removed {}, left by an earlier run that was killed", entry.path().string());
      ++removed;
    }
  }
  return removed;
}

void check_output_path(const std::filesystem::path& out,
                       const std::vector<std::filesystem::path>& inputs, bool force) {
  if (out.empty()) throw std::runtime_error("--out needs a file name");
  std::error_code ec;
  const auto status = std::filesystem::status(out, ec);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_regular_file(status))
      throw std::runtime_error(out.string() +
                               " exists and is not a regular file: not writing over it");
    for (const auto& in : inputs)
      if (std::filesystem::equivalent(out, in, ec))
        throw std::runtime_error(out.string() + " is one of the run's own input files (" +
                                 in.string() + "): not writing over it");
    if (!force)
      throw std::runtime_error(out.string() +
                               " exists: pass --force to replace it (it is kept until the new "
                               "file is complete)");
  }
  if (out.has_parent_path() && !std::filesystem::is_directory(out.parent_path(), ec)) {
    std::filesystem::create_directories(out.parent_path(), ec);
    if (ec)
      throw std::runtime_error("cannot create the directory " + out.parent_path().string() +
                               " for the output: " + ec.message());
  }
  if (::access((out.has_parent_path() ? out.parent_path() : std::filesystem::path(".")).c_str(),
               W_OK) != 0)
    throw std::runtime_error("cannot write to " + out.string() + ": " + std::strerror(errno));
}

RunWriter::RunWriter(std::filesystem::path final_path, const std::vector<DimensionSpec>& dims,
                     const std::vector<std::string>& period_start,
                     const std::vector<std::string>& period_end,
                     const std::vector<SeriesSpec>& series)
    : final_path_(std::move(final_path)), n_periods_(period_start.size()) {
  if (period_end.size() != n_periods_)
    throw std::invalid_argument("period_start and period_end differ in length");
  temporary_path_ = final_path_;
  temporary_path_ += ".tmp-" + std::to_string(::getpid());
  if (final_path_.has_parent_path()) std::filesystem::create_directories(final_path_.parent_path());
  file_ = std::make_unique<h5::File>(h5::File::create(temporary_path_));
  try {
    const h5::Group root = file_->root();
    metadata_ = std::make_unique<h5::Group>(root.create_group("metadata"));
    const h5::Group dim_group = root.create_group("dims");
    dim_group.write_strings("period_start", period_start);
    dim_group.write_strings("period_end", period_end);
    std::map<std::string, std::size_t, std::less<>> sizes{{"period", n_periods_}};
    for (const auto& d : dims) {
      dim_group.write_strings(d.name, d.labels);
      sizes[d.name] = d.labels.size();
    }
    std::map<std::string, h5::Group, std::less<>> groups;
    for (const auto& s : series) {
      if (!groups.contains(s.group)) groups.emplace(s.group, root.create_group(s.group));
      const h5::Group& series_group = groups.at(s.group);
      std::vector<hsize_t> row_shape;
      std::string dim_names = "period";
      for (const auto& d : s.dims) {
        const auto it = sizes.find(d);
        if (it == sizes.end() || d == "period")
          throw std::invalid_argument("series " + s.name + " names unknown dimension " + d);
        row_shape.push_back(it->second);
        dim_names += "," + d;
      }
      auto [it, inserted] = series_.try_emplace(s.name, series_group, s.name, s.element,
                                                std::move(row_shape), n_periods_);
      if (!inserted) throw std::invalid_argument("series " + s.name + " declared twice");
      it->second.set_attribute("dims", dim_names);
      it->second.set_attribute("unit", s.unit);
      it->second.set_attribute("description", s.description);
      it->second.set_attribute("kind", std::string(to_string(s.kind)));
    }
  } catch (...) {
    series_.clear();
    metadata_.reset();
    file_.reset();
    std::error_code ignored;
    std::filesystem::remove(temporary_path_, ignored);
    throw;
  }
}

RunWriter::~RunWriter() {
  if (committed_) return;
  series_.clear();
  metadata_.reset();
  file_.reset();
  std::error_code ignored;
  std::filesystem::remove(temporary_path_, ignored);
}

h5::RowDataset& RunWriter::dataset(std::string_view series) {
  const auto it = series_.find(series);
  if (it == series_.end()) throw std::invalid_argument("undeclared series " + std::string(series));
  return it->second;
}

void RunWriter::append(std::string_view series, std::span<const std::int64_t> row) {
  dataset(series).append_row(row);
}

void RunWriter::append(std::string_view series, std::span<const double> row) {
  dataset(series).append_row(row);
}

void RunWriter::set_metadata(const std::string& name, const h5::AttributeValue& value) {
  metadata_->set_attribute(name, value);
}

void RunWriter::write_strings(const std::string& group, const std::string& name,
                              const std::vector<std::string>& values) {
  const h5::Group root = file_->root();
  const h5::Group g = root.has(group) ? root.open_group(group) : root.create_group(group);
  g.write_strings(name, values);
}

void RunWriter::commit() {
  for (const auto& [name, set] : series_)
    if (set.rows() != n_periods_)
      throw std::logic_error("series " + name + " has " + std::to_string(set.rows()) +
                             " periods written, expected " + std::to_string(n_periods_));
  for (auto& [name, set] : series_) set.flush();
  series_.clear();
  metadata_.reset();
  file_->close();  // throws if the last writes fail
  file_.reset();
  durable_rename(temporary_path_, final_path_);
  committed_ = true;
}

}  // namespace sim

#include "sim/run_record.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>

#include "sim/archive.hpp"
#include "sim/checkpoint.hpp"
#include "sim/rng.hpp"

namespace sim {

h5::AttributeValue MetadataEntry::value() const {
  switch (kind) {
    case 0:
      return text;
    case 1:
      return integer;
    case 2:
      return static_cast<std::uint64_t>(integer);
    case 3:
      return static_cast<std::int32_t>(integer);
    default:
      return real;
  }
}

MetadataEntry MetadataEntry::of(const std::string& name, const h5::AttributeValue& value) {
  MetadataEntry e;
  e.name = name;
  e.kind = static_cast<std::uint8_t>(value.index());
  std::visit(
      [&e](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>)
          e.text = v;
        else if constexpr (std::is_same_v<T, double>)
          e.real = v;
        else
          e.integer = static_cast<std::int64_t>(v);
      },
      value);
  return e;
}

std::size_t RunRecord::index_of(std::string_view series) const {
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == series) return i;
  throw std::invalid_argument("the run has no series " + std::string(series));
}

std::uint64_t text_digest(std::string_view text) {
  std::uint64_t h = mix64(text.size());
  for (std::size_t i = 0; i < text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, std::min<std::size_t>(8, text.size() - i));
    h = mix64(mix64(h ^ word) + i);
  }
  return h;
}

namespace {

// Appends each period's rows to the record, in declaration order.
class CollectingSink final : public SeriesSink {
 public:
  explicit CollectingSink(RunRecord& record) : record_(record) {
    for (std::size_t i = 0; i < record.specs.size(); ++i) index_.emplace(record.specs[i].name, i);
  }
  void put(std::string_view series, std::span<const std::int64_t> row) override {
    auto& v = record_.ints[find(series)];
    v.insert(v.end(), row.begin(), row.end());
  }
  void put(std::string_view series, std::span<const double> row) override {
    auto& v = record_.reals[find(series)];
    v.insert(v.end(), row.begin(), row.end());
  }

 private:
  std::size_t find(std::string_view series) const {
    const auto it = index_.find(series);
    if (it == index_.end()) throw std::logic_error("undeclared series " + std::string(series));
    return it->second;
  }
  RunRecord& record_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// A record with everything but the rows: what the run is, its axes and its series.
RunRecord empty_record(Model& model, const config::Document& doc) {
  RunRecord record;
  record.dims = model.series().dimensions();
  record.specs = model.series().specs();
  record.ints.resize(record.specs.size());
  record.reals.resize(record.specs.size());
  for (const auto& p : model.calendar().periods()) {
    record.period_start.push_back(format_date(p.first_day));
    record.period_end.push_back(format_date(p.last_day));
  }
  record.tables = model.tables();
  for (const auto& [name, value] : model.metadata())
    record.metadata.push_back(MetadataEntry::of(name, value));
  record.config_resolved = config::to_yaml(doc.root);
  record.config_digest = text_digest(record.config_resolved);
  record.seed = model.seed();
  return record;
}

}  // namespace

RunRecord execute_run(const ModelDefinition& definition, const config::Document& doc,
                      const RunOptions& options, const std::atomic<bool>& stop,
                      const RunCheckpoints& checkpoints) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  if (stop.load()) throw Interrupted();  // honoured before the population is built, and after
  Run run(definition, doc, options);
  if (stop.load()) throw Interrupted();
  Model& model = run.model();
  RunRecord record = empty_record(model, doc);
  double earlier_seconds = 0;  // spent before the checkpoint continued from
  if (checkpoints.enabled() && std::filesystem::exists(checkpoints.path)) {
    Checkpoint c = read_checkpoint(checkpoints.path);
    if (c.config_resolved != record.config_resolved)
      throw std::runtime_error(checkpoints.path.string() +
                               " is the checkpoint of another configuration: delete it");
    run.on_threads([&] { model.restore_state(c.state); });
    record = std::move(c.rows);
    earlier_seconds = record.seconds;
  }
  const auto save_checkpoint = [&] {
    Checkpoint c;
    c.config_resolved = record.config_resolved;
    c.state = run.on_threads([&] { return model.save_state(); });
    c.rows = record;
    c.rows.seconds = earlier_seconds + elapsed();
    write_checkpoint(checkpoints.path, c);
  };
  CollectingSink sink(record);
  int periods_done = 0;
  while (!run.finished()) {
    if (stop.load() ||
        (checkpoints.stop_after_steps >= 0 && model.next_step() >= checkpoints.stop_after_steps)) {
      if (checkpoints.enabled()) save_checkpoint();
      throw Interrupted();
    }
    record.person_steps += model.agent_count();
    const int k = model.next_step();
    run.advance(sink);
    if (checkpoints.enabled() && model.calendar().step(k).ends_period &&
        ++periods_done % checkpoints.every == 0 && !run.finished())
      save_checkpoint();
  }
  record.seconds = earlier_seconds + elapsed();
  return record;
}

std::vector<std::byte> with_checksum(std::uint64_t magic, std::uint32_t version,
                                     const std::vector<std::byte>& body) {
  OutArchive out;
  out(magic, version, text_digest({reinterpret_cast<const char*>(body.data()), body.size()}));
  std::vector<std::byte> bytes = out.take();
  bytes.insert(bytes.end(), body.begin(), body.end());
  return bytes;
}

std::span<const std::byte> checked_body(std::span<const std::byte> bytes, std::uint64_t magic,
                                        std::uint32_t version, const std::string& what) {
  InArchive head(bytes);
  std::uint64_t found = 0, digest = 0;
  std::uint32_t found_version = 0;
  head(found, found_version, digest);
  if (found != magic) throw ArchiveError("not an eldersim " + what);
  if (found_version != version)
    throw ArchiveError("a " + what + " of another version (" + std::to_string(found_version) + ")");
  constexpr std::size_t kHead = sizeof found + sizeof found_version + sizeof digest;
  const auto body = bytes.subspan(kHead);
  if (text_digest({reinterpret_cast<const char*>(body.data()), body.size()}) != digest)
    throw ArchiveError("the " + what + " is damaged or truncated (checksum mismatch)");
  return body;
}

std::vector<std::byte> save_record(const RunRecord& record) {
  return to_checked_bytes(record, kRecordMagic, kRecordVersion);
}

RunRecord load_record(std::span<const std::byte> bytes) {
  return from_checked_bytes<RunRecord>(bytes, kRecordMagic, kRecordVersion, "run record");
}

void write_file_durably(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      std::filesystem::remove(tmp);
      throw std::runtime_error("cannot write " + tmp.string() + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  try {
    durable_rename(tmp, path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
}

std::vector<std::byte> read_file_bytes(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ArchiveError(path.string() + " is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ArchiveError("cannot read " + path.string());
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto bytes = std::as_bytes(std::span(chars));
  return {bytes.begin(), bytes.end()};
}

void write_record_file(const std::filesystem::path& path, const RunRecord& record) {
  write_file_durably(path, save_record(record));
}

RunRecord read_record_file(const std::filesystem::path& path) {
  return read_checked_file<RunRecord>(path, kRecordMagic, kRecordVersion, "run record");
}

}  // namespace sim

#include "sim/config_tree.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "sim/text.hpp"

namespace sim::config {

std::string to_string(const Location& loc) {
  if (loc.line <= 0) return loc.file;
  return loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

std::string to_string(const Diagnostic& d) {
  std::string out = to_string(d.location) + ": error: ";
  if (!d.key_path.empty()) out += d.key_path + ": ";
  return out + d.message;
}

namespace {
std::string join_diagnostics(const std::vector<Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) {
    if (!out.empty()) out += '\n';
    out += to_string(d);
  }
  return out;
}
}  // namespace

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

ConfigError::ConfigError(Location where, std::string key_path, std::string message)
    : ConfigError(
          std::vector<Diagnostic>{{std::move(where), std::move(key_path), std::move(message)}}) {}

const Node::Entry* Node::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

Node::Entry* Node::find(std::string_view key) {
  for (auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

std::string_view Node::item_name() const {
  if (!is_map()) return {};
  const Entry* e = find("name");
  return e && e->value.is_scalar() ? std::string_view(e->value.scalar) : std::string_view();
}

std::string_view to_string(Node::Kind kind) {
  switch (kind) {
    case Node::Kind::kNull:
      return "nothing";
    case Node::Kind::kScalar:
      return "a single value";
    case Node::Kind::kSequence:
      return "a list";
    case Node::Kind::kMap:
      return "a mapping";
  }
  return "?";
}

namespace {

Location location_of(const YAML::Mark& mark, const std::string& file) {
  return {file, mark.line + 1, mark.column + 1};
}

// What converting one parsed file needs: the text (to tell an explicit `!` tag from quotes), the
// count of values made so far (aliases expanded) and the problems found.
struct Conversion {
  std::string_view text;
  const std::string& file;
  std::vector<std::size_t> line_starts;
  std::size_t nodes = 0;
  std::vector<Diagnostic> problems;

  Conversion(std::string_view t, const std::string& f) : text(t), file(f) {
    line_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') line_starts.push_back(i + 1);
  }
  char char_at(const YAML::Mark& mark) const {
    if (mark.line < 0 || static_cast<std::size_t>(mark.line) >= line_starts.size()) return '\0';
    const std::size_t at = line_starts[static_cast<std::size_t>(mark.line)] +
                           static_cast<std::size_t>(std::max(0, mark.column));
    return at < text.size() ? text[at] : '\0';
  }
  // yaml-cpp gives "?" to untagged values and "!" to quoted scalars, but also to a value written
  // with the non-specific tag `!`; that one starts with '!' where quotes would be.
  bool explicit_tag(const YAML::Node& n) const {
    const std::string& tag = n.Tag();
    if (tag.empty() || tag == "?") return false;
    if (tag == "!") return n.IsScalar() && char_at(n.Mark()) == '!';
    return true;
  }
  std::string tag_text(const YAML::Node& n) const {
    const std::string& tag = n.Tag();
    constexpr std::string_view kCore = "tag:yaml.org,2002:";
    if (tag.rfind(kCore, 0) == 0) return "!!" + tag.substr(kCore.size());
    return tag;
  }
};

Node convert(const YAML::Node& in, const std::string& path, int depth, Conversion& c) {
  if (++c.nodes > kMaxNodes)
    throw ConfigError(location_of(in.Mark(), c.file), "",
                      "more than " + with_thousands(static_cast<long long>(kMaxNodes)) +
                          " values in one file (every use of an alias counted): refused, so "
                          "that no file can exhaust memory");
  Node out;
  out.location = location_of(in.Mark(), c.file);
  if (c.explicit_tag(in)) {
    c.problems.push_back(Diagnostic{out.location, path,
                                    "explicit YAML tag '" + c.tag_text(in) +
                                        "': tags are not supported; write the plain value "
                                        "(quote it to make it text)"});
    return out;
  }
  if ((in.IsMap() || in.IsSequence()) && depth >= kMaxDepth)
    throw ConfigError(out.location, path.substr(0, path.find('[')).substr(0, 60),
                      fmt::format("mappings and lists nested more than {} levels deep", kMaxDepth));
  switch (in.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out.kind = Node::Kind::kNull;
      break;
    case YAML::NodeType::Scalar:
      out.kind = Node::Kind::kScalar;
      out.scalar = in.Scalar();
      out.quoted = in.Tag() == "!";
      break;
    case YAML::NodeType::Sequence: {
      out.kind = Node::Kind::kSequence;
      std::size_t i = 0;
      for (const auto& item : in) {
        out.items.push_back(convert(item, path + "[" + std::to_string(i) + "]", depth + 1, c));
        ++i;
      }
      break;
    }
    case YAML::NodeType::Map:
      out.kind = Node::Kind::kMap;
      for (const auto& kv : in) {
        const Location key_loc = location_of(kv.first.Mark(), c.file);
        if (!kv.first.IsScalar()) {
          c.problems.push_back(Diagnostic{key_loc, path, "mapping keys must be plain names"});
          continue;
        }
        const std::string key = kv.first.Scalar();
        const std::string child_path =
            path.empty() ? key : std::string(path).append(".").append(key);
        if (c.explicit_tag(kv.first)) {
          c.problems.push_back(Diagnostic{
              key_loc, child_path,
              "explicit YAML tag '" + c.tag_text(kv.first) + "' on a key: tags are not supported"});
          continue;
        }
        if (out.find(key)) {
          c.problems.push_back(
              Diagnostic{key_loc, child_path, "key appears twice in the same mapping"});
          continue;
        }
        out.entries.push_back(
            Node::Entry{key, key_loc, convert(kv.second, child_path, depth + 1, c)});
      }
      break;
  }
  return out;
}

// The first byte of `text` that is not valid UTF-8, or a control character YAML does not allow
// (anything below U+0020 but tab, line feed and carriage return; DEL), or npos.
std::size_t first_bad_byte(std::string_view text) {
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = b[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((b[i + k] & 0xC0u) != 0x80u) return i;
      cp = (cp << 6) | (b[i + k] & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

void check_text(std::string_view text, const std::string& file) {
  const std::size_t at = first_bad_byte(text);
  if (at == std::string_view::npos) return;
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < at; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  const auto byte = static_cast<unsigned char>(text[at]);
  const std::string what = byte < 0x80 ? fmt::format("a control character (byte 0x{:02X})", byte)
                                       : fmt::format("not valid UTF-8 (byte 0x{:02X})", byte);
  throw ConfigError(Location{file, line, static_cast<int>(at - line_start) + 1}, "",
                    what + ": a configuration must be UTF-8 text");
}

// A tab in the indentation of a line up to `last_line` (1-based), as {line, column}, or {0, 0}.
std::pair<int, int> tab_in_indentation(std::string_view text, int last_line) {
  int line = 1;
  std::size_t i = 0;
  while (i < text.size() && line <= last_line) {
    std::size_t col = 0;
    while (i + col < text.size() && (text[i + col] == ' ' || text[i + col] == '\t')) {
      if (text[i + col] == '\t') return {line, static_cast<int>(col) + 1};
      ++col;
    }
    const auto next = text.find('\n', i);
    if (next == std::string_view::npos) break;
    i = next + 1;
    ++line;
  }
  return {0, 0};
}

// The file's text: only a regular file (a pipe or a device would block or never end), opened
// without blocking, of at most kMaxFileBytes.
std::string read_file(const std::filesystem::path& path) {
  const Location where{path.string(), 0, 0};
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw ConfigError(where, "", std::string("cannot open file: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw ConfigError(where, "", std::string("cannot read file: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw ConfigError(where, "", "is a directory, not a YAML file");
  if (!S_ISREG(st.st_mode))
    throw ConfigError(where, "",
                      "not a regular file (a pipe, socket or device): a configuration is read "
                      "only from a regular file");
  const auto too_big = [&] {
    return ConfigError(
        where, "",
        fmt::format("larger than {} MiB: refused as a configuration file", kMaxFileBytes >> 20));
  };
  if (static_cast<std::uint64_t>(st.st_size) > kMaxFileBytes) throw too_big();
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw ConfigError(where, "", std::string("cannot read file: ") + std::strerror(errno));
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > kMaxFileBytes) throw too_big();  // it grew while being read
  }
  return text;
}

bool is_named_sequence(const Node& n) {
  if (!n.is_sequence() || n.items.empty()) return false;
  for (const auto& item : n.items)
    if (item.item_name().empty()) return false;
  return true;
}

// `referenced_from` is where the file was named (the `extends:` value that led here), so a
// cycle is reported at the line that closes it.
void load_chain(const std::filesystem::path& path, const Location& referenced_from, Document& doc,
                std::vector<std::filesystem::path>& chain, Node& merged) {
  const auto canonical = std::filesystem::weakly_canonical(path);
  for (const auto& seen : chain)
    if (seen == canonical)
      throw ConfigError(referenced_from, "extends",
                        "files extend each other in a cycle (" + path.string() + " again)");
  if (chain.size() >= static_cast<std::size_t>(kMaxExtends))
    throw ConfigError(referenced_from, "extends",
                      fmt::format("more than {} files in one extends chain", kMaxExtends));
  chain.push_back(canonical);
  const std::string text = read_file(path);
  Node node = parse_yaml(text, path.string());
  if (!node.is_map() && !node.is_null())
    throw ConfigError(node.location, "", "a scenario file must be a mapping of keys");
  if (Node::Entry* ext = node.find("extends")) {
    if (!ext->value.is_scalar())
      throw ConfigError(ext->value.location, "extends", "expected the path of one YAML file");
    const auto base = path.parent_path() / ext->value.scalar;
    std::error_code ec;
    const auto status = std::filesystem::status(base, ec);
    if (!std::filesystem::exists(status))
      throw ConfigError(ext->value.location, "extends", "no such file: " + base.string());
    if (std::filesystem::is_directory(status))
      throw ConfigError(ext->value.location, "extends",
                        base.string() + " is a directory, not a YAML file");
    if (!std::filesystem::is_regular_file(status))
      throw ConfigError(ext->value.location, "extends",
                        base.string() +
                            " is not a regular file (a pipe, socket or device): a configuration "
                            "is read only from a regular file");
    load_chain(base, ext->value.location, doc, chain, merged);
    std::erase_if(node.entries, [](const Node::Entry& e) { return e.key == "extends"; });
  }
  doc.sources.emplace_back(path.string(), text);
  merge(merged, node);
}

std::string item_path(const std::string& path, std::size_t index, std::string_view name) {
  return path + "[" + (name.empty() ? std::to_string(index) : std::string(name)) + "]";
}

// Overlay items of a list whose base items are merged on `name`: each needs a name, given once.
bool check_named_overlay(const Node& base, const Node& overlay, const std::string& path,
                         std::vector<Diagnostic>& problems) {
  const std::size_t before = problems.size();
  for (std::size_t i = 0; i < overlay.items.size(); ++i) {
    const Node& item = overlay.items[i];
    const auto name = item.item_name();
    if (name.empty()) {
      const Node::Entry* e = item.find("name");
      problems.push_back(Diagnostic{
          e ? e->value.location : item.location, item_path(path, i, {}),
          e ? "a list item's name must be a single non-empty value: the items of this list are "
              "merged on name with those of " +
                  base.location.file
            : "list item without a name: the items of this list are merged on name with those "
              "of " +
                  base.location.file + ", so every item needs one"});
      continue;
    }
    for (std::size_t j = 0; j < i; ++j)
      if (overlay.items[j].item_name() == name) {
        problems.push_back(Diagnostic{item.location, item_path(path, i, name),
                                      "name \"" + std::string(name) +
                                          "\" given twice in this list (first at line " +
                                          std::to_string(overlay.items[j].location.line) + ")"});
        break;
      }
  }
  return problems.size() == before;
}

void merge_node(Node& base, const Node& overlay, const std::string& path,
                std::vector<Diagnostic>& problems) {
  // A merged mapping or list is reported where the overriding file wrote it.
  if (base.is_map() && overlay.is_map()) {
    base.location = overlay.location;
    for (const auto& e : overlay.entries) {
      if (Node::Entry* existing = base.find(e.key)) {
        existing->key_location = e.key_location;
        merge_node(existing->value, e.value, path.empty() ? e.key : path + "." + e.key, problems);
      } else {
        base.entries.push_back(e);
      }
    }
    return;
  }
  // A list of named items laid over by a list of mappings: merged item by item on name. Items
  // without a name, or with a name given twice, are errors (rather than replacing the whole list
  // and reporting everything that then goes missing, or letting the last one win).
  const bool overlay_of_maps = overlay.is_sequence() && !overlay.items.empty() &&
                               std::all_of(overlay.items.begin(), overlay.items.end(),
                                           [](const Node& item) { return item.is_map(); });
  if (is_named_sequence(base) && overlay_of_maps) {
    if (!check_named_overlay(base, overlay, path, problems)) return;
    base.location = overlay.location;
    for (const auto& item : overlay.items) {
      auto match = std::find_if(base.items.begin(), base.items.end(),
                                [&](const Node& b) { return b.item_name() == item.item_name(); });
      if (match != base.items.end())
        merge_node(*match, item, path + "[" + std::string(item.item_name()) + "]", problems);
      else
        base.items.push_back(item);
    }
    return;
  }
  base = overlay;
}

}  // namespace

namespace {

// Counts yaml-cpp's parse events and stops past the limit on values. yaml-cpp 0.7 never ends
// the event stream of some malformed block mappings (found by fuzzing: a line that starts
// with ", " inside a mapping, tests/fuzz/regressions/config/), and YAML::LoadAll would take all
// memory; this pass, run first, turns that into an error.
class EventBudget final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { spend(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { spend(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    spend(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    spend(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    spend(m);
  }
  void OnMapEnd() override {}

 private:
  void spend(const YAML::Mark& m) {
    if (++events_ > kMaxNodes) throw YAML::ParserException(m, "endless");
  }
  std::size_t events_ = 0;
};

void check_event_count(std::string_view text, const std::string& file) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  EventBudget budget;
  try {
    while (parser.HandleNextDocument(budget)) {
    }
  } catch (const YAML::ParserException& e) {
    if (e.msg != "endless") return;  // LoadAll reports syntax errors in its own words
    throw ConfigError(location_of(e.mark, file), "",
                      fmt::format("YAML syntax: more than {} values, or a construct the YAML "
                                  "parser cannot finish (look for a stray ',' or ':' here)",
                                  kMaxNodes));
  } catch (const YAML::Exception&) {
  }
}

}  // namespace

Node parse_yaml(std::string_view text, const std::string& file) {
  check_text(text, file);
  check_event_count(text, file);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    throw ConfigError(location_of(e.mark, file), "",
                      fmt::format("mappings and lists nested more than {} levels deep", kMaxDepth));
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports a tab in the indentation as whatever it could not parse next.
    if (const auto [line, column] = tab_in_indentation(text, e.mark.line + 1); line > 0)
      throw ConfigError(Location{file, line, column}, "",
                        "YAML syntax: a tab in the indentation; YAML indents with spaces only");
    throw ConfigError(location_of(e.mark, file), "", "YAML syntax: " + e.msg);
  }
  if (documents.size() > 1)
    throw ConfigError(location_of(documents[1].Mark(), file), "",
                      "a second YAML document (after '---'): a configuration file holds one "
                      "document; the rest would be ignored");
  const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
  Conversion c(text, file);
  Node out = convert(root, "", 0, c);
  if (!c.problems.empty()) throw ConfigError(std::move(c.problems));
  if (out.location.line == 0 || root.IsNull() || !root.IsDefined()) out.location = {file, 1, 1};
  return out;
}

Document load_document(const std::filesystem::path& path) {
  Document doc;
  doc.path = path;
  if (first_bad_byte(path.string()) != std::string_view::npos)
    throw ConfigError(Location{path.string(), 0, 0}, "", "the file name is not valid UTF-8");
  std::vector<std::filesystem::path> chain;
  load_chain(path, Location{path.string(), 0, 0}, doc, chain, doc.root);
  return doc;
}

void merge(Node& base, const Node& overlay) {
  std::vector<Diagnostic> problems;
  merge_node(base, overlay, "", problems);
  if (!problems.empty()) throw ConfigError(std::move(problems));
}

void apply_override(Document& doc, std::string_view assignment) {
  const Location where{"--set " + std::string(assignment), 0, 0};
  check_text(assignment, "--set");
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw ConfigError(where, "", "expected key.path=value");
  const std::string path(assignment.substr(0, eq));
  Node value;
  try {
    value = parse_yaml(assignment.substr(eq + 1), where.file);
  } catch (const ConfigError& e) {
    throw ConfigError(where, path, e.diagnostics().front().message);
  }
  value.location = where;
  Node* node = &doc.root;
  std::string walked;
  for (const auto& segment : split(path, '.')) {
    walked += (walked.empty() ? "" : ".") + segment;
    if (node->is_map()) {
      Node::Entry* e = node->find(segment);
      if (!e) {
        // A new key: allowed (an optional key not in the file); validation rejects unknown ones.
        node->entries.push_back(Node::Entry{segment, where, Node{}});
        e = &node->entries.back();
      }
      node = &e->value;
    } else if (node->is_sequence()) {
      Node* found = nullptr;
      for (auto& item : node->items)
        if (item.item_name() == segment) found = &item;
      if (!found) {
        const auto index = parse_index(segment);
        if (index && *index < node->items.size()) found = &node->items[*index];
      }
      if (!found) {
        std::vector<std::string> names;
        for (const auto& item : node->items)
          if (!item.item_name().empty()) names.emplace_back(item.item_name());
        std::string message = "no list item with this name or index";
        if (const auto near = closest_match(segment, names); !near.empty())
          message += "; did you mean '" + near + "'?";
        throw ConfigError(where, walked, message);
      }
      node = found;
    } else if (node->is_null()) {
      node->kind = Node::Kind::kMap;
      node->location = where;
      node->entries.push_back(Node::Entry{segment, where, Node{}});
      node = &node->entries.back().value;
    } else {
      throw ConfigError(where, walked, "cannot descend into a single value");
    }
  }
  *node = std::move(value);
  doc.overrides.emplace_back(assignment);
}

const Node* find_path(const Node& root, std::string_view path) {
  const Node* node = &root;
  for (const auto& segment : split(path, '.')) {
    const Node* next = nullptr;
    if (node->is_map()) {
      if (const Node::Entry* e = node->find(segment)) next = &e->value;
    } else if (node->is_sequence()) {
      for (const auto& item : node->items)
        if (item.item_name() == segment) next = &item;
      const auto index = parse_index(segment);
      if (!next && index && *index < node->items.size()) next = &node->items[*index];
    }
    if (!next) return nullptr;
    node = next;
  }
  return node;
}

namespace {
void emit(YAML::Emitter& out, const Node& n) {
  switch (n.kind) {
    case Node::Kind::kNull:
      out << YAML::Null;
      break;
    case Node::Kind::kScalar:
      if (n.quoted)
        out << YAML::DoubleQuoted << n.scalar;
      else
        out << n.scalar;
      break;
    case Node::Kind::kSequence:
      out << YAML::BeginSeq;
      for (const auto& item : n.items) emit(out, item);
      out << YAML::EndSeq;
      break;
    case Node::Kind::kMap:
      out << YAML::BeginMap;
      for (const auto& e : n.entries) {
        out << YAML::Key << e.key << YAML::Value;
        emit(out, e.value);
      }
      out << YAML::EndMap;
      break;
  }
}
}  // namespace

std::string to_yaml(const Node& node) {
  YAML::Emitter out;
  emit(out, node);
  return std::string(out.c_str()) + "\n";
}

}  // namespace sim::config

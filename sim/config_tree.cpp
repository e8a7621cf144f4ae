#include "sim/config_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
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

Node convert(const YAML::Node& in, const std::string& file, const std::string& path,
             std::vector<Diagnostic>& problems) {
  Node out;
  out.location = location_of(in.Mark(), file);
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
        out.items.push_back(convert(item, file, path + "[" + std::to_string(i) + "]", problems));
        ++i;
      }
      break;
    }
    case YAML::NodeType::Map:
      out.kind = Node::Kind::kMap;
      for (const auto& kv : in) {
        const Location key_loc = location_of(kv.first.Mark(), file);
        if (!kv.first.IsScalar()) {
          problems.push_back(Diagnostic{key_loc, path, "mapping keys must be plain names"});
          continue;
        }
        const std::string key = kv.first.Scalar();
        const std::string child_path = path.empty() ? key : path + "." + key;
        if (out.find(key)) {
          problems.push_back(
              Diagnostic{key_loc, child_path, "key appears twice in the same mapping"});
          continue;
        }
        out.entries.push_back(
            Node::Entry{key, key_loc, convert(kv.second, file, child_path, problems)});
      }
      break;
  }
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(Location{path.string(), 0, 0}, "", "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
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
  chain.push_back(canonical);
  const std::string text = read_file(path);
  Node node = parse_yaml(text, path.string());
  if (!node.is_map() && !node.is_null())
    throw ConfigError(node.location, "", "a scenario file must be a mapping of keys");
  if (Node::Entry* ext = node.find("extends")) {
    if (!ext->value.is_scalar())
      throw ConfigError(ext->value.location, "extends", "expected the path of one YAML file");
    const auto base = path.parent_path() / ext->value.scalar;
    if (!std::filesystem::exists(base))
      throw ConfigError(ext->value.location, "extends", "no such file: " + base.string());
    load_chain(base, ext->value.location, doc, chain, merged);
    std::erase_if(node.entries, [](const Node::Entry& e) { return e.key == "extends"; });
  }
  doc.sources.emplace_back(path.string(), text);
  merge(merged, node);
}

}  // namespace

Node parse_yaml(std::string_view text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw ConfigError(location_of(e.mark, file), "", "YAML syntax: " + e.msg);
  }
  std::vector<Diagnostic> problems;
  Node out = convert(root, file, "", problems);
  if (!problems.empty()) throw ConfigError(std::move(problems));
  if (out.location.line == 0 || root.IsNull()) out.location = {file, 1, 1};
  return out;
}

Document load_document(const std::filesystem::path& path) {
  Document doc;
  doc.path = path;
  std::vector<std::filesystem::path> chain;
  load_chain(path, Location{path.string(), 0, 0}, doc, chain, doc.root);
  return doc;
}

void merge(Node& base, const Node& overlay) {
  // A merged mapping or list is reported where the overriding file wrote it.
  if (base.is_map() && overlay.is_map()) {
    base.location = overlay.location;
    for (const auto& e : overlay.entries) {
      if (Node::Entry* existing = base.find(e.key)) {
        existing->key_location = e.key_location;
        merge(existing->value, e.value);
      } else {
        base.entries.push_back(e);
      }
    }
    return;
  }
  if (is_named_sequence(base) && is_named_sequence(overlay)) {
    base.location = overlay.location;
    for (const auto& item : overlay.items) {
      auto match = std::find_if(base.items.begin(), base.items.end(),
                                [&](const Node& b) { return b.item_name() == item.item_name(); });
      if (match != base.items.end())
        merge(*match, item);
      else
        base.items.push_back(item);
    }
    return;
  }
  base = overlay;
}

void apply_override(Document& doc, std::string_view assignment) {
  const Location where{"--set " + std::string(assignment), 0, 0};
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

// Ingest of reference lists and phase diagrams: small files, one transaction each.
#include "store/ingest.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/bibliography.hpp"
#include "store/phase_diagram_json.hpp"
#include "store/sqlite_repositories.hpp"
#include "util/sha256.hpp"
#include "util/units.hpp"

namespace pb::store {

using nlohmann::json;

std::string read_file_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw NotFound("cannot read " + file.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

IngestReport ingest_references(Database& db, const std::filesystem::path& file) {
  std::vector<ReferenceRecord> refs = read_references(file);
  IngestReport report;
  report.rows = report.records = refs.size();
  Repositories repos = make_repositories(db);
  Transaction tx(db.connection());
  for (const auto& r : refs) {
    bool added = repos.references->insert(r).inserted;
    report.inserted += added;
    report.existing += !added;
  }
  tx.commit();
  report.references_added = report.inserted;
  report.written = true;
  return report;
}

namespace {

constexpr std::string_view kDiagramKinds[] = {"binary", "ternary_isothermal", "isopleth",
                                              "computed_hull"};

class DiagramReader {
 public:
  explicit DiagramReader(std::string file) : file_(std::move(file)) {}

  PhaseDiagramInput read(const json& j, const std::string& path) {
    if (!j.is_object()) fail(path, "a phase diagram must be a JSON object");
    PhaseDiagramInput in;
    PhaseDiagramRecord& d = in.diagram;
    d.system = text(j, path, "system", true);
    d.kind = text(j, path, "kind", true);
    if (std::find(std::begin(kDiagramKinds), std::end(kDiagramKinds), d.kind) ==
        std::end(kDiagramKinds)) {
      fail(path + ".kind",
           "'" + d.kind + "' is not binary, ternary_isothermal, isopleth or computed_hull");
    }
    d.title = text(j, path, "title", false);
    d.source_file = file_;
    if (j.contains("axes")) {
      const json& axes = j.at("axes");
      if (!axes.is_array()) fail(path + ".axes", "must be an array of {name, unit, min, max}");
      for (std::size_t i = 0; i < axes.size(); ++i) {
        std::string p = path + ".axes[" + std::to_string(i) + "]";
        text(axes[i], p, "name", true);
        if (axes[i].contains("unit") && axes[i].at("unit").is_string())
          unit(axes[i].at("unit"), p + ".unit");
      }
      d.axes_json = axes.dump();
    }
    if (j.contains("temperature_range")) {
      const json& t = j.at("temperature_range");
      std::string p = path + ".temperature_range";
      if (!t.is_object()) fail(p, "must be {min, max, unit}");
      units::Unit from = units::parse_unit("K");
      if (t.contains("unit")) from = unit(t.at("unit"), p + ".unit");
      units::Unit kelvin = units::parse_unit("K");
      if (!units::convertible(from, kelvin))
        fail(p + ".unit", "'" + from.text + "' is not a temperature unit");
      if (t.contains("min"))
        d.temperature_min_K = units::convert(number(t.at("min"), p + ".min"), from, kelvin);
      if (t.contains("max"))
        d.temperature_max_K = units::convert(number(t.at("max"), p + ".max"), from, kelvin);
    }
    if (j.contains("pressure_kPa"))
      d.pressure_kPa = number(j.at("pressure_kPa"), path + ".pressure_kPa");
    if (j.contains("phases")) {
      const json& phases = j.at("phases");
      if (!phases.is_array()) fail(path + ".phases", "must be an array");
      for (std::size_t i = 0; i < phases.size(); ++i) {
        std::string p = path + ".phases[" + std::to_string(i) + "]";
        PhaseRecord ph;
        ph.name = text(phases[i], p, "name", true);
        ph.formula = text(phases[i], p, "formula", false);
        std::string sub = text(phases[i], p, "substance_id", false);
        if (!sub.empty()) ph.substance_id = sub;
        d.phases.push_back(std::move(ph));
      }
    }
    if (j.contains("boundaries")) {
      const json& bs = j.at("boundaries");
      if (!bs.is_array()) fail(path + ".boundaries", "must be an array");
      for (std::size_t i = 0; i < bs.size(); ++i) {
        std::string p = path + ".boundaries[" + std::to_string(i) + "]";
        BoundaryRecord b;
        b.label = text(bs[i], p, "label", false);
        if (!bs[i].contains("points") || !bs[i].at("points").is_array() ||
            bs[i].at("points").size() < 2) {
          fail(p + ".points", "a boundary needs at least two [x, y] points");
        }
        const json& pts = bs[i].at("points");
        for (std::size_t k = 0; k < pts.size(); ++k) {
          std::string pp = p + ".points[" + std::to_string(k) + "]";
          if (!pts[k].is_array() || pts[k].size() != 2) fail(pp, "a point is [x, y]");
          b.points.emplace_back(number(pts[k][0], pp), number(pts[k][1], pp));
        }
        d.boundaries.push_back(std::move(b));
      }
    }
    if (j.contains("reference")) in.reference = reference(j.at("reference"), path + ".reference");
    // The canonical dump (keys sorted) identifies the diagram: re-ingest finds the same hash.
    d.content_hash = sha256_hex(j.dump());
    return in;
  }

 private:
  [[noreturn]] void fail(const std::string& path, const std::string& message) {
    throw ParseError({file_, 0, 0}, path + ": " + message);
  }

  std::string text(const json& j, const std::string& path, const char* key, bool required) {
    if (!j.is_object()) fail(path, "must be an object");
    if (!j.contains(key) || j.at(key).is_null()) {
      if (required) fail(path + "." + key, "missing");
      return {};
    }
    if (!j.at(key).is_string()) fail(path + "." + key, "must be a string");
    return j.at(key).get<std::string>();
  }

  double number(const json& j, const std::string& path) {
    if (!j.is_number()) fail(path, "must be a number");
    return j.get<double>();
  }

  units::Unit unit(const json& j, const std::string& path) {
    if (!j.is_string()) fail(path, "must be a string");
    try {
      return units::parse_unit(j.get<std::string>());
    } catch (const InvalidArgument& e) {
      fail(path, e.what());
    }
  }

  ReferenceRecord reference(const json& j, const std::string& path) {
    ReferenceRecord r;
    if (!j.is_object()) fail(path, "must be an object");
    if (j.contains("authors")) {
      if (!j.at("authors").is_array()) fail(path + ".authors", "must be an array of names");
      for (const auto& a : j.at("authors")) {
        if (!a.is_string()) fail(path + ".authors", "must be an array of names");
        r.authors.push_back(a.get<std::string>());
      }
    }
    r.title = text(j, path, "title", false);
    r.journal = text(j, path, "journal", false);
    if (j.contains("year")) r.year = static_cast<int>(number(j.at("year"), path + ".year"));
    r.volume = text(j, path, "volume", false);
    r.issue = text(j, path, "issue", false);
    r.pages = text(j, path, "pages", false);
    r.doi = normalise_doi(text(j, path, "doi", false));
    r.kind = "article";
    r.source = file_;
    if (r.doi.empty() && r.authors.empty() && r.title.empty()) {
      fail(path, "a reference needs a doi, or authors and a title");
    }
    return r;
  }

  std::string file_;
};

}  // namespace

std::vector<PhaseDiagramInput> parse_phase_diagrams_json(std::string_view text,
                                                         std::string_view file) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann reports a byte offset; turn it into line and column.
    std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    std::string what = e.what();
    std::size_t colon = what.rfind(": ");
    throw ParseError(
        {std::string(file), line, col},
        "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  } catch (const json::exception& e) {
    // A number beyond double range ("1e999") is out_of_range, not parse_error.
    throw ParseError({std::string(file), 0, 0}, std::string("invalid JSON: ") + e.what());
  }
  DiagramReader reader{std::string(file)};
  std::vector<PhaseDiagramInput> out;
  if (doc.is_object() && doc.contains("phase_diagrams")) {
    const json& list = doc.at("phase_diagrams");
    if (!list.is_array())
      throw ParseError({std::string(file), 0, 0}, "phase_diagrams: must be an array");
    for (std::size_t i = 0; i < list.size(); ++i) {
      out.push_back(reader.read(list[i], "phase_diagrams[" + std::to_string(i) + "]"));
    }
  } else {
    out.push_back(reader.read(doc, "$"));
  }
  return out;
}

IngestReport ingest_phase_diagrams(Database& db, const std::filesystem::path& file) {
  std::vector<PhaseDiagramInput> inputs =
      parse_phase_diagrams_json(read_file_text(file), file.string());
  IngestReport report;
  report.rows = report.records = inputs.size();
  Repositories repos = make_repositories(db);
  Transaction tx(db.connection());
  for (auto& in : inputs) {
    if (in.reference) {
      InsertResult r = repos.references->insert(*in.reference);
      report.references_added += r.inserted;
      in.diagram.reference_id = r.id;
    }
    bool added = repos.phase_diagrams->insert(in.diagram).inserted;
    report.inserted += added;
    report.existing += !added;
  }
  tx.commit();
  report.written = true;
  return report;
}

}  // namespace pb::store

// Property records: the unit's dimension decides the family (conductivity, energy, capacity,
// voltage, percentage, ...), words before the value decide the property within it, and the rest
// of the sentence gives the conditions and the material.
#include "mining/extract.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "mining/tagger.hpp"
#include "store/property_kinds.hpp"
#include "util/units.hpp"
#include "util/utf8.hpp"

namespace pb::mining {

namespace {

bool has(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

template <std::size_t N>
bool has_any(std::string_view haystack, const std::string_view (&needles)[N]) {
  for (std::string_view n : needles) {
    if (has(haystack, n)) return true;
  }
  return false;
}

// Mined kinds that are not in data/property_kinds.csv keep their own canonical unit.
constexpr std::pair<std::string_view, std::string_view> kMinedUnits[] = {
    {"voltage_window", "V"},
    {"open_circuit_voltage", "V"},
    {"voltage", "V"},
    {"power_density", "W/m2"},
    {"area_specific_resistance", "ohm m2"},
    {"energy_density_volumetric", "J/m3"},
    {"rate", "C"},
    {"current_density_rate", "A/kg"},
};

struct Classified {
  std::string property;
  bool keyword = false;  // decided by an explicit word, not only by the unit
};

// The property a quantity reports, from its unit and the words before it in its sentence.
Classified classify(const Quantity& q, std::string_view before, std::string_view sentence) {
  if (q.composition || !q.unit) return {};
  const units::Dimension& d = q.unit->dimension;
  if (dims::conductivity(d)) {
    static constexpr std::string_view kGb[] = {"grain boundary", "grain-boundary", " gb ", "(gb)",
                                               "grain boundaries"};
    static constexpr std::string_view kBulk[] = {"bulk", "grain interior", "intragrain",
                                                 "grain conductivit"};
    static constexpr std::string_view kElectronic[] = {"electronic", "electrical conductivit",
                                                       "electron conductivit"};
    if (has_any(before, kGb)) return {"grain_boundary_ionic_conductivity", true};
    if (has_any(before, kBulk)) return {"bulk_ionic_conductivity", true};
    if (has_any(before, kElectronic)) return {"electronic_conductivity", true};
    static constexpr std::string_view kIonic[] = {"ionic",  "conductivit", "li+",
                                                  "li-ion", "σ",           "sigma"};
    return {"ionic_conductivity", has_any(sentence, kIonic)};
  }
  if (dims::energy(d)) {
    static constexpr std::string_view kEa[] = {
        "activation energ",  " ea ", " ea=",  "e a ",          "activation barrier",
        "migration barrier", "(ea)", "ea of", "energy barrier"};
    if (has_any(sentence, kEa)) return {"activation_energy", true};
    if (has(sentence, "band gap") || has(sentence, "bandgap")) return {"band_gap", true};
    return {};
  }
  if (dims::specific_capacity(d)) {
    return {"specific_capacity", has(sentence, "capacit")};
  }
  if (dims::voltage(d)) {
    static constexpr std::string_view kWindow[] = {"window",  "cut-off", "cutoff",
                                                   "between", "range",   "cycled"};
    if (q.min && q.max) return {"voltage_window", has_any(sentence, kWindow)};
    if (has(before, "open circuit") || has(before, "open-circuit") || has(before, "ocv")) {
      return {"open_circuit_voltage", true};
    }
    static constexpr std::string_view kAverage[] = {
        "plateau", "average", "operating voltage", "working voltage", "discharge voltage", "redox"};
    if (has_any(before, kAverage)) return {"average_voltage", true};
    if (has(sentence, "voltage") || has(sentence, "potential")) return {"voltage", false};
    return {};
  }
  if (d.dimensionless() && q.unit_text == "%") {
    static constexpr std::string_view kRetention[] = {"retention", "retain", "capacity fade"};
    static constexpr std::string_view kCe[] = {"coulombic", "coulomb efficiency", "(ce)", " ce ",
                                               "faradaic efficiency"};
    if (has_any(before, kCe)) return {"coulombic_efficiency", true};
    if (has_any(before, kRetention)) return {"capacity_retention", true};
    if (has_any(sentence, kRetention)) return {"capacity_retention", false};
    if (has(before, "relative density")) return {"relative_density", true};
    return {};
  }
  if (dims::specific_energy(d)) return {"specific_energy", has(sentence, "energy")};
  if (dims::specific_power(d)) return {"specific_power", has(sentence, "power")};
  if (dims::areal_power(d) && has(sentence, "power")) return {"power_density", true};
  if (dims::area_resistance(d))
    return {"area_specific_resistance", has(sentence, "resistance") || has(sentence, "asr")};
  if (has(q.unit_text, "Wh")) return {"energy_density_volumetric", true};
  return {};
}

// Conditions read from the words of a sentence.
struct SentenceFacts {
  std::optional<int> cycle;
  std::string atmosphere;
  std::string cell;
  bool room_temperature = false;
};

SentenceFacts sentence_facts(std::string_view sentence, const std::vector<Token>& tokens,
                             std::size_t first, std::size_t last) {
  SentenceFacts f;
  const std::string low = utf8::ascii_lower(sentence);
  for (std::size_t i = first; i < last; ++i) {
    const Token& t = tokens[i];
    if (t.kind != TokenKind::kWord) continue;
    const std::string w = utf8::ascii_lower(t.text);
    if ((w == "cycles" || w == "cycle") && i > first && tokens[i - 1].kind == TokenKind::kNumber &&
        tokens[i - 1].value >= 1 && tokens[i - 1].value < 1e6) {
      f.cycle = static_cast<int>(tokens[i - 1].value);
    }
    // "100th cycle": the tokenizer gives 100 + "th".
    if ((w == "th" || w == "st" || w == "nd" || w == "rd") && i + 1 < last && i > first &&
        tokens[i - 1].kind == TokenKind::kNumber &&
        utf8::ascii_lower(tokens[i + 1].text) == "cycle") {
      f.cycle = static_cast<int>(tokens[i - 1].value);
    }
    if (t.text.find('|') != std::string_view::npos && f.cell.empty()) f.cell = std::string(t.text);
  }
  if (!f.cycle) {
    static constexpr std::string_view kFirst[] = {"first cycle", "initial", "1st cycle",
                                                  "first discharge", "first charge"};
    if (has_any(low, kFirst)) f.cycle = 1;
  }
  static constexpr std::pair<std::string_view, std::string_view> kAtmospheres[] = {
      {"dry air", "dry air"},
      {"in air", "air"},
      {"ambient air", "air"},
      {"under air", "air"},
      {"argon", "Ar"},
      {"under ar", "Ar"},
      {"in ar ", "Ar"},
      {"nitrogen", "N2"},
      {"under n2", "N2"},
      {"in n2", "N2"},
      {"humidified h2", "humidified H2"},
      {"hydrogen", "H2"},
      {"in h2", "H2"},
      {"under h2", "H2"},
      {"oxygen atmosphere", "O2"},
      {"in o2", "O2"},
      {"vacuum", "vacuum"},
      {"glovebox", "Ar (glovebox)"}};
  for (const auto& [needle, name] : kAtmospheres) {
    if (has(low, needle)) {
      f.atmosphere = std::string(name);
      break;
    }
  }
  static constexpr std::string_view kCells[] = {
      "symmetric cell", "coin cell", "half cell", "half-cell",         "full cell",
      "pouch cell",     "cr2032",    "swagelok",  "blocking electrode"};
  if (f.cell.empty()) {
    for (std::string_view c : kCells) {
      if (has(low, c)) {
        f.cell = std::string(c);
        break;
      }
    }
  }
  f.room_temperature =
      has(low, "room temperature") || has(sentence, " RT") || has(low, "ambient temperature");
  return f;
}

// Converts to the canonical unit of a property; false when the unit does not fit.
bool to_si(MinedRecord& r, const Quantity& q) {
  const std::string_view canonical = canonical_unit(r.property);
  r.unit_si = std::string(canonical);
  if (q.c_rate || !q.unit) {
    r.value_si = q.value;
    r.min_si = q.min;
    r.max_si = q.max;
    r.uncertainty_si = q.uncertainty;
    return true;
  }
  try {
    const units::Unit target = units::parse_unit(canonical);
    r.value_si = units::convert(q.value, *q.unit, target);
    if (q.min) r.min_si = units::convert(*q.min, *q.unit, target);
    if (q.max) r.max_si = units::convert(*q.max, *q.unit, target);
    if (q.uncertainty)
      r.uncertainty_si = units::convert_difference(*q.uncertainty, *q.unit, target);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string_view canonical_unit(std::string_view property) {
  for (const auto& [name, unit] : kMinedUnits) {
    if (name == property) return unit;
  }
  if (const store::PropertyKind* k = store::find_property_kind(property)) return k->unit.text;
  return "1";
}

Extraction extract(const Document& doc, const MentionTagger* tagger) {
  Extraction ex;
  std::vector<std::vector<Token>> tokens(doc.blocks.size());
  for (std::size_t b = 0; b < doc.blocks.size(); ++b) {
    tokens[b] = tokenize(doc.blocks[b].text);
    find_abbreviations(doc.blocks[b].text, tokens[b], ex.abbreviations);
  }
  ex.mentions.resize(doc.blocks.size());
  std::map<std::string, std::pair<int, const Mention*>> frequency;  // reduced -> count, example
  for (std::size_t b = 0; b < doc.blocks.size(); ++b) {
    ex.mentions[b] = find_mentions(doc.blocks[b].text, tokens[b], ex.abbreviations);
    for (const Mention& m : ex.mentions[b]) {
      if (m.elements < 2 || !is_material(m.kind)) continue;
      // Title mentions count extra: the title names the paper's material.
      const int weight = doc.blocks[b].kind == BlockKind::kTitle ? 3 : 1;
      auto& [n, example] = frequency[m.reduced];
      n += weight;
      if (!example) example = &m;
    }
  }
  const Mention* main_material = nullptr;
  int best = 0;
  for (const auto& [reduced, entry] : frequency) {
    if (entry.first > best) {
      best = entry.first;
      main_material = entry.second;
    }
  }

  for (std::size_t b = 0; b < doc.blocks.size(); ++b) {
    const std::string& text = doc.blocks[b].text;
    const std::vector<Token>& toks = tokens[b];
    const std::vector<Mention>& mentions = ex.mentions[b];
    const std::vector<Quantity> quantities = find_quantities(text, toks);
    if (quantities.empty()) continue;
    const std::vector<Span> sentences = split_sentences(text);
    std::size_t tok = 0;
    for (std::size_t s = 0; s < sentences.size(); ++s) {
      const Span sent = sentences[s];
      const std::size_t first_tok = tok;
      while (tok < toks.size() && toks[tok].begin < sent.end) ++tok;
      std::vector<const Quantity*> in_sentence;
      for (const Quantity& q : quantities) {
        if (q.begin >= sent.begin && q.begin < sent.end) in_sentence.push_back(&q);
      }
      if (in_sentence.empty()) continue;
      const std::string_view sentence_text(text.data() + sent.begin, sent.end - sent.begin);
      const std::string low = utf8::ascii_lower(sentence_text);
      const SentenceFacts facts = sentence_facts(sentence_text, toks, first_tok, tok);
      // Condition quantities of the sentence.
      std::vector<const Quantity*> temperatures, rates;
      for (const Quantity* q : in_sentence) {
        if (q->unit && dims::temperature(q->unit->dimension) && !q->c_rate)
          temperatures.push_back(q);
        if (q->c_rate || (q->unit && dims::current_density(q->unit->dimension))) rates.push_back(q);
      }
      auto nearest = [](const std::vector<const Quantity*>& list, const Quantity& q) {
        const Quantity* best_q = nullptr;
        std::size_t best_d = SIZE_MAX;
        for (const Quantity* c : list) {
          // Conditions usually follow the value ("... of 1 mS cm−1 at 25 °C").
          const std::size_t d = c->begin >= q.end ? c->begin - q.end : q.begin - c->end + 20;
          if (d < best_d) {
            best_d = d;
            best_q = c;
          }
        }
        return best_q;
      };
      std::size_t previous_end = sent.begin;
      bool has_record_in_sentence = false;
      for (const Quantity* q : in_sentence) {
        const std::string before =
            utf8::ascii_lower(std::string_view(text).substr(sent.begin, q->begin - sent.begin));
        const std::string local_before =
            utf8::ascii_lower(std::string_view(text).substr(previous_end, q->begin - previous_end));
        previous_end = q->end;
        Classified c = classify(*q, before, low);
        // Rate values become records only when nothing else in the sentence needs them.
        if (c.property.empty()) continue;
        // The nearest words decide between bulk and grain boundary when both appear.
        if (c.property.find("conductivity") != std::string::npos) {
          Classified local = classify(*q, local_before, low);
          if (local.keyword && local.property != "ionic_conductivity") c = local;
        }
        MinedRecord r;
        r.property = c.property;
        r.block = b;
        r.sentence = sent;
        r.span = {q->begin, q->end};
        r.value_as_given = q->value_text;
        r.unit_as_given = q->unit_text;
        r.qualifier = q->qualifier;
        if (!to_si(r, *q)) continue;
        if (const Quantity* t = nearest(temperatures, *q)) {
          if (t->min && t->max) {
            r.conditions.emplace_back("temperature_range", t->value_text + " " + t->unit_text);
          } else {
            try {
              r.temperature_K = units::convert(t->value, *t->unit, units::parse_unit("K"));
            } catch (const std::exception&) {
            }
          }
          r.conditions.emplace_back("temperature",
                                    std::string(text.substr(t->begin, t->end - t->begin)));
        } else if (facts.room_temperature) {
          r.temperature_K = 298.15;
          r.conditions.emplace_back("temperature", "room temperature");
        }
        const bool cycling = r.property == "specific_capacity" ||
                             r.property == "capacity_retention" ||
                             r.property == "coulombic_efficiency" ||
                             r.property == "specific_energy" || r.property == "voltage_window";
        if (cycling) {
          if (facts.cycle) r.conditions.emplace_back("cycle", std::to_string(*facts.cycle));
          if (const Quantity* rate = nearest(rates, *q)) {
            r.conditions.emplace_back(
                rate->c_rate ? "c_rate" : "current_density",
                std::string(text.substr(rate->begin, rate->end - rate->begin)));
          }
          if (r.property == "specific_capacity") {
            if (has(before, "discharg")) {
              r.conditions.emplace_back("mode", "discharge");
            } else if (has(before, "charg")) {
              r.conditions.emplace_back("mode", "charge");
            }
          }
        }
        if (r.property == "ionic_conductivity" && has(local_before, "total")) {
          r.conditions.emplace_back("component", "total");
        }
        if (!facts.atmosphere.empty()) r.conditions.emplace_back("atmosphere", facts.atmosphere);
        if (!facts.cell.empty()) r.conditions.emplace_back("cell", facts.cell);

        // The material: the nearest mention in the sentence, preferring compounds and mentions
        // before the value; else the previous sentence; else the paper's main material.
        const Mention* chosen = nullptr;
        std::size_t best_score = SIZE_MAX;
        bool compound_in_sentence = false;
        for (const Mention& m : mentions) {
          if (m.begin >= sent.begin && m.end <= sent.end && m.elements >= 2 && is_material(m.kind))
            compound_in_sentence = true;
        }
        for (const Mention& m : mentions) {
          if (!is_material(m.kind)) continue;  // a fuel, a gas, "x = 0.1"
          if (m.begin < sent.begin || m.end > sent.end) continue;
          if (m.end > q->begin && m.begin < q->end) continue;
          std::size_t score = m.end <= q->begin ? q->begin - m.end : m.begin - q->end + 40;
          if (m.elements < 2 && compound_in_sentence) score += 400;
          if (score < best_score) {
            best_score = score;
            chosen = &m;
          }
        }
        double confidence = 0.45 + (c.keyword ? 0.25 : 0.0);
        if (chosen) {
          r.material_source = "sentence";
          confidence += 0.2;
        } else {
          for (std::size_t k = mentions.size(); k-- > 0;) {
            if (!is_material(mentions[k].kind)) continue;
            if (s > 0 && mentions[k].begin >= sentences[s - 1].begin &&
                mentions[k].end <= sentences[s - 1].end) {
              chosen = &mentions[k];
              r.material_source = "previous_sentence";
              confidence += 0.08;
              break;
            }
          }
        }
        if (chosen) {
          r.material_span = Span{chosen->begin, chosen->end};
        } else if (main_material) {
          chosen = main_material;
          r.material_source = "document";
        } else {
          confidence -= 0.15;
        }
        if (chosen) {
          r.material = chosen->text;
          r.material_formula = chosen->formula;
          r.material_reduced = chosen->reduced;
        }
        r.confidence = std::clamp(confidence, 0.05, 0.99);
        has_record_in_sentence = true;
        ex.records.push_back(std::move(r));
      }
      // A rate on its own ("at rates up to 10C") is a record of the rate capability.
      if (!has_record_in_sentence && has(low, "rate")) {
        for (const Quantity* q : rates) {
          MinedRecord r;
          r.property = q->c_rate ? "rate" : "current_density_rate";
          r.block = b;
          r.sentence = sent;
          r.span = {q->begin, q->end};
          r.value_as_given = q->value_text;
          r.unit_as_given = q->unit_text;
          if (!to_si(r, *q)) continue;
          if (main_material) {
            r.material = main_material->text;
            r.material_formula = main_material->formula;
            r.material_reduced = main_material->reduced;
            r.material_source = "document";
          }
          r.confidence = 0.4;
          ex.records.push_back(std::move(r));
        }
      }
    }
  }
  if (tagger) {
    for (std::size_t b = 0; b < doc.blocks.size(); ++b) {
      ex.mentions[b] = apply_tagger(*tagger, doc.blocks[b].text, tokens[b], ex.mentions[b]);
    }
  }
  return ex;
}

Extraction extract_text(std::string_view text) {
  Document doc;
  doc.blocks.push_back({BlockKind::kParagraph, "", std::string(text)});
  return extract(doc);
}

}  // namespace pb::mining

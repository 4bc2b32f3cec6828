#include "ml/model.hpp"

#include <cmath>

#include "ml/featurizer.hpp"
#include "util/error.hpp"

namespace pb::ml {

const std::vector<ModelKind>& model_kinds() {
  // Adding a model family: one file with its kind, one line here.
  static const std::vector<ModelKind> kinds = {xgb_kind(), svr_kind(), gpr_kind(), linear_kind()};
  return kinds;
}

const ModelKind& find_model_kind(std::string_view name) {
  for (const auto& k : model_kinds()) {
    if (k.name == name) return k;
    for (auto a : k.aliases) {
      if (a == name) return k;
    }
  }
  std::string known;
  for (const auto& k : model_kinds()) known += (known.empty() ? "" : ", ") + std::string(k.name);
  throw InvalidArgument("unknown model '" + std::string(name) + "' (known: " + known + ")");
}

std::pair<std::string, std::string> parse_assignment(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw InvalidArgument("'" + std::string(text) + "' is not NAME=VALUE");
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Params resolve_params(const ModelKind& kind, const std::map<std::string, std::string>& given) {
  Params p;
  for (const auto& s : kind.params) p[std::string(s.name)] = s.value;
  for (const auto& [name, text] : given) {
    const ParamSpec* spec = nullptr;
    for (const auto& s : kind.params) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      std::string known;
      for (const auto& s : kind.params) known += (known.empty() ? "" : ", ") + std::string(s.name);
      throw InvalidArgument("model " + std::string(kind.name) + " has no parameter '" + name +
                            "' (known: " + known + ")");
    }
    double v = parse_number(text);
    if (std::isnan(v) || v < spec->lo || v > spec->hi || (spec->integer && v != std::floor(v))) {
      throw InvalidArgument(std::string(kind.name) + " parameter " + name + "=" + text +
                            " is outside [" + std::to_string(spec->lo) + ", " +
                            std::to_string(spec->hi) + "]" + (spec->integer ? " (integer)" : ""));
    }
    p[name] = v;
  }
  return p;
}

}  // namespace pb::ml

// Filter -> SQL (work in progress: the translation lands in the next commit).
#include "optimade/ast.hpp"
#include "optimade/filter.hpp"
#include "store/sqlite.hpp"

namespace pb::optimade {

SqlWhere to_sql(const Filter& filter, EntryType /*type*/, const SqlOptions& /*options*/) {
  throw NotImplementedError(filter.root().column, "translation to SQL is not implemented yet");
}

int bind_params(store::Statement& statement, const std::vector<SqlParam>& params, int first) {
  for (const SqlParam& p : params)
    std::visit([&](const auto& v) { statement.bind(first++, v); }, p);
  return first;
}

}  // namespace pb::optimade

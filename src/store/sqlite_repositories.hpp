#pragma once
/// The SQLite implementations of the repository interfaces.
#include "store/database.hpp"
#include "store/repositories.hpp"

namespace pb::store {

/// Repositories over an open database; they keep prepared statements and must not outlive it.
Repositories make_repositories(Database& db);

}  // namespace pb::store

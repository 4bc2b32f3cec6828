// `phasebook user add|passwd|token|list`: accounts of the HTTP service. Passwords are read from
// standard input (one line), never from the command line where `ps` would show them.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "server/auth.hpp"
#include "store/database.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

std::string read_password() {
  std::string line;
  if (!std::getline(std::cin, line)) throw InvalidArgument("no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Runner add_user_command(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>("member");
  auto label = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("user", "Accounts of `phasebook serve`");
  cmd->require_subcommand(1);

  CLI::App* add = cmd->add_subcommand("add", "Add a user; the password is read from stdin");
  add->add_option("name", *name, "User name")->required();
  add->add_option("--role", *role, "guest, member, editor or admin (default member)");
  CLI::App* passwd = cmd->add_subcommand("passwd", "Set a password (read from stdin)");
  passwd->add_option("name", *name, "User name")->required();
  CLI::App* token = cmd->add_subcommand("token", "Print a new API token (Bearer) for a user");
  token->add_option("name", *name, "User name")->required();
  token->add_option("--label", *label, "What the token is for");
  CLI::App* list = cmd->add_subcommand("list", "Users and their roles");
  for (CLI::App* sub : {add, passwd, token, list}) add_db_option(*sub, *db);

  return [=]() {
    store::Database database = open_database(*db);
    store::Connection& c = database.connection();
    if (add->parsed()) {
      server::Role r = server::parse_role(*role);
      server::add_user(c, *name, r, read_password());
      fmt::print("added {} ({})\n", *name, server::to_string(r));
    } else if (passwd->parsed()) {
      server::set_password(c, *name, read_password());
      fmt::print("password of {} changed\n", *name);
    } else if (token->parsed()) {
      auto st = c.prepare("SELECT id FROM app_user WHERE name = ?");
      if (!st.bind(1, *name).step()) throw NotFound("no user '" + *name + "'");
      fmt::print("{}\n", server::issue_token(c, st.column_int64(0), "api", *label, 0));
    } else if (list->parsed()) {
      auto st = c.prepare("SELECT name, role, disabled, created_at FROM app_user ORDER BY name");
      while (st.step()) {
        fmt::print("{:<20} {:<7} {}{}\n", st.column_text(0), st.column_text(1), st.column_text(3),
                   st.column_int64(2) ? "  (disabled)" : "");
      }
    }
    return kExitOk;
  };
}

}  // namespace pb::cli

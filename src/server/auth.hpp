#pragma once
/// Accounts: roles, argon2id password hashes, and session / API tokens stored as SHA-256
/// hashes (schema 3). Used by the server and by `phasebook user`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/database.hpp"

namespace pb::server {

/// Roles in increasing order of rights: a guest sees public data, a member also restricted
/// data, an editor may change data, an admin may manage users.
enum class Role { kGuest = 0, kMember = 1, kEditor = 2, kAdmin = 3 };

std::string_view to_string(Role role);
/// "guest", "member", "editor", "admin"; throws InvalidArgument otherwise.
Role parse_role(std::string_view text);

/// argon2id parameters (OWASP's minimum recommendation: 19 MiB, 2 passes, 1 lane).
struct PasswordCost {
  std::uint32_t memory_kib = 19 * 1024;
  std::uint32_t passes = 2;
  std::uint32_t lanes = 1;
};

/// An encoded argon2id hash ("$argon2id$v=19$m=...") with a random salt.
std::string hash_password(std::string_view password, const PasswordCost& cost = {});
/// True when the password matches the encoded hash.
bool verify_password(std::string_view password, const std::string& encoded);

/// A signed-in user as the server sees it.
struct Identity {
  std::int64_t user_id = 0;  ///< 0 for an anonymous guest
  std::string name;
  Role role = Role::kGuest;
  bool via_cookie = false;  ///< authenticated by the session cookie (needs the CSRF header)
  std::string token;        ///< the presented token (to derive the CSRF token, to log out)
};

/// Adds a user; throws InvalidArgument when the name is taken or empty, or the password is
/// shorter than kMinPasswordLength.
std::int64_t add_user(store::Connection& c, std::string_view name, Role role,
                      std::string_view password);
/// Replaces a user's password; throws NotFound for an unknown user.
void set_password(store::Connection& c, std::string_view name, std::string_view password);

inline constexpr std::size_t kMinPasswordLength = 8;

/// The user whose name and password match (and who is not disabled).
std::optional<Identity> check_login(store::Connection& c, std::string_view name,
                                    std::string_view password);

/// A fresh random token (64 hex digits) stored hashed for the user; `ttl_seconds` 0: no expiry.
std::string issue_token(store::Connection& c, std::int64_t user_id, std::string_view kind,
                        std::string_view label, std::int64_t ttl_seconds);
/// The user a token belongs to, if it exists, has not expired and the user is enabled.
std::optional<Identity> identify_token(store::Connection& c, std::string_view token);
/// Deletes a token; false when it did not exist.
bool revoke_token(store::Connection& c, std::string_view token);

/// The CSRF token that goes with a session token: a browser request authenticated by the
/// session cookie must repeat it in the X-CSRF-Token header.
std::string csrf_token(std::string_view session_token);

}  // namespace pb::server

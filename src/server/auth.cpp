#include "server/auth.hpp"

#include <argon2.h>
#include <sys/random.h>

#include <array>
#include <stdexcept>

#include "util/error.hpp"
#include "util/sha256.hpp"

namespace pb::server {

namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kTokenBytes = 32;

void random_bytes(unsigned char* out, std::size_t n) {
  while (n > 0) {
    ssize_t got = getrandom(out, n, 0);
    if (got < 0) throw std::runtime_error("getrandom failed");
    out += got;
    n -= static_cast<std::size_t>(got);
  }
}

std::string hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::optional<Identity> identity_from(store::Statement& st) {
  if (!st.step()) return std::nullopt;
  Identity id;
  id.user_id = st.column_int64(0);
  id.name = st.column_text(1);
  id.role = parse_role(st.column_text(2));
  return id;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kGuest:
      return "guest";
    case Role::kMember:
      return "member";
    case Role::kEditor:
      return "editor";
    case Role::kAdmin:
      return "admin";
  }
  return "guest";
}

Role parse_role(std::string_view text) {
  for (Role r : {Role::kGuest, Role::kMember, Role::kEditor, Role::kAdmin}) {
    if (text == to_string(r)) return r;
  }
  throw InvalidArgument("unknown role '" + std::string(text) +
                        "' (expected guest, member, editor or admin)");
}

std::string hash_password(std::string_view password, const PasswordCost& cost) {
  std::array<unsigned char, kSaltBytes> salt{};
  random_bytes(salt.data(), salt.size());
  std::size_t length = argon2_encodedlen(cost.passes, cost.memory_kib, cost.lanes, kSaltBytes,
                                         kHashBytes, Argon2_id);
  std::string encoded(length, '\0');
  int rc = argon2id_hash_encoded(cost.passes, cost.memory_kib, cost.lanes, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool verify_password(std::string_view password, const std::string& encoded) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::int64_t add_user(store::Connection& c, std::string_view name, Role role,
                      std::string_view password) {
  if (name.empty()) throw InvalidArgument("a user needs a name");
  if (password.size() < kMinPasswordLength) {
    throw InvalidArgument("the password must have at least " + std::to_string(kMinPasswordLength) +
                          " characters");
  }
  auto exists = c.prepare("SELECT 1 FROM main.app_user WHERE name = ?");
  if (exists.bind(1, name).step()) {
    throw InvalidArgument("user '" + std::string(name) + "' exists");
  }
  c.prepare("INSERT INTO main.app_user(name, role, password_hash) VALUES (?, ?, ?)")
      .bind(1, name)
      .bind(2, to_string(role))
      .bind(3, hash_password(password))
      .run();
  return c.last_insert_rowid();
}

void set_password(store::Connection& c, std::string_view name, std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    throw InvalidArgument("the password must have at least " + std::to_string(kMinPasswordLength) +
                          " characters");
  }
  c.prepare("UPDATE main.app_user SET password_hash = ? WHERE name = ?")
      .bind(1, hash_password(password))
      .bind(2, name)
      .run();
  if (c.changes() == 0) throw NotFound("no user '" + std::string(name) + "'");
}

std::optional<Identity> check_login(store::Connection& c, std::string_view name,
                                    std::string_view password) {
  auto st = c.prepare(
      "SELECT id, name, role, password_hash FROM main.app_user WHERE name = ? AND disabled = 0");
  st.bind(1, name);
  if (!st.step()) {
    // Spend the same time as a real check, so response times do not reveal which names exist.
    static const std::string kDummy = hash_password("not a real password");
    verify_password(password, kDummy);
    return std::nullopt;
  }
  if (!verify_password(password, st.column_text(3))) return std::nullopt;
  Identity id;
  id.user_id = st.column_int64(0);
  id.name = st.column_text(1);
  id.role = parse_role(st.column_text(2));
  return id;
}

std::string issue_token(store::Connection& c, std::int64_t user_id, std::string_view kind,
                        std::string_view label, std::int64_t ttl_seconds) {
  std::array<unsigned char, kTokenBytes> raw{};
  random_bytes(raw.data(), raw.size());
  std::string token = hex(raw.data(), raw.size());
  auto st = c.prepare(
      "INSERT INTO main.auth_token(token_hash, user_id, kind, label, expires_at) VALUES (?, ?, ?, "
      "?, CASE WHEN ? > 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+' || ? || ' seconds') "
      "END)");
  st.bind(1, sha256_hex(token)).bind(2, user_id).bind(3, kind).bind(4, label);
  st.bind(5, ttl_seconds).bind(6, ttl_seconds).run();
  return token;
}

std::optional<Identity> identify_token(store::Connection& c, std::string_view token) {
  if (token.empty() || token.size() > 256) return std::nullopt;
  auto st = c.prepare(
      "SELECT u.id, u.name, u.role FROM main.auth_token t JOIN main.app_user u ON u.id = t.user_id"
      " WHERE t.token_hash = ? AND u.disabled = 0 AND (t.expires_at IS NULL OR"
      " t.expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
  st.bind(1, sha256_hex(token));
  auto id = identity_from(st);
  if (id) id->token = std::string(token);
  return id;
}

bool revoke_token(store::Connection& c, std::string_view token) {
  c.prepare("DELETE FROM main.auth_token WHERE token_hash = ?").bind(1, sha256_hex(token)).run();
  return c.changes() > 0;
}

std::string csrf_token(std::string_view session_token) {
  return sha256_hex("phasebook-csrf:" + std::string(session_token));
}

}  // namespace pb::server

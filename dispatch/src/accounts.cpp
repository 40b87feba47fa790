#include "ykm/dispatch/accounts.hpp"

#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/secrets.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <array>

namespace ykm::dispatch {
namespace {

using data::Database;
using data::Statement;
using data::Transaction;

constexpr std::array<std::pair<Role, std::string_view>, 4> role_names{{
    {Role::staff, "staff"},
    {Role::supervisor, "supervisor"},
    {Role::contractor, "contractor"},
    {Role::viewer, "viewer"},
}};

constexpr std::size_t max_password_bytes = 256;
constexpr std::size_t max_login_length = 64;

constexpr const char* account_columns =
    "SELECT id, login, display_name, role, contractor_id, language, active, created_ms, "
    "updated_ms FROM accounts";

Account read_account(const Statement& row, int first = 0) {
    Account a;
    a.id = row.column_int64(first);
    a.login = row.column_text(first + 1);
    a.display_name = row.column_text(first + 2);
    a.role = parse_role(row.column_text(first + 3)).value_or(Role::viewer);
    a.contractor_id = row.column_optional_int64(first + 4);
    a.language = row.column_text(first + 5);
    a.active = row.column_int(first + 6) != 0;
    a.created_ms = row.column_int64(first + 7);
    a.updated_ms = row.column_int64(first + 8);
    return a;
}

void check_login(const std::string& login) {
    if (login.empty() || login.size() > max_login_length) {
        throw Error("account login '" + login + "': must be 1 to 64 characters");
    }
    for (const char c : login) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-';
        if (!ok) {
            throw Error("account login '" + login +
                        "': only letters, digits and . _ @ - are allowed");
        }
    }
}

std::string hash_password(const std::string& login, std::string_view password) {
    // Counted in characters (UTF-8 lead bytes), so that a Japanese passphrase is not measured
    // in bytes.
    std::size_t characters = 0;
    for (const char c : password) {
        characters += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1U : 0U;
    }
    if (characters < min_password_length) {
        throw Error("account " + login + ": the password must have at least " +
                    std::to_string(min_password_length) + " characters");
    }
    if (password.size() > max_password_bytes) {
        throw Error("account " + login + ": the password is longer than " +
                    std::to_string(max_password_bytes) + " bytes");
    }
    ensure_sodium();
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str_alg(
            out.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw Error("account " + login + ": out of memory while hashing the password");
    }
    return out.data();
}

/// A hash of a password nobody knows, verified against for unknown logins so that they take as
/// long as a wrong password.
const std::string& decoy_hash() {
    static const std::string hash = hash_password("decoy", random_hex(16));
    return hash;
}

bool verify_password(const std::string& hash, std::string_view password) {
    if (password.size() > max_password_bytes) {
        return false;
    }
    ensure_sodium();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void audit(Database& db, const std::string& actor, const std::string& channel, const char* action,
           std::int64_t id, const nlohmann::json& detail) {
    AuditEntry e;
    e.actor = actor;
    e.channel = channel;
    e.action = action;
    e.entity = "account";
    e.entity_id = id;
    e.detail = detail.dump();
    append_audit(db, std::move(e));
}

nlohmann::json detail_of(const Account& a) {
    return {{"login", a.login},
            {"display_name", a.display_name},
            {"role", key(a.role)},
            {"contractor_id", a.contractor_id ? nlohmann::json(*a.contractor_id) : nullptr},
            {"language", a.language},
            {"active", a.active}};
}

} // namespace

std::string_view key(Role role) {
    return role_names[static_cast<std::size_t>(role)].second;
}

std::optional<Role> parse_role(std::string_view text) {
    for (const auto& [role, name] : role_names) {
        if (name == text) {
            return role;
        }
    }
    return std::nullopt;
}

Accounts::Accounts(Database& db) : m_db(db) {}

void Accounts::set_actor(std::string actor, std::string channel) {
    m_actor = std::move(actor);
    m_channel = std::move(channel);
}

std::int64_t Accounts::create(Account account, std::string_view password) {
    check_login(account.login);
    if (account.language != "ja" && account.language != "en") {
        throw Error("account " + account.login + ": language '" + account.language +
                    "' is not ja or en");
    }
    if (account.role == Role::contractor && !account.contractor_id) {
        throw Error("account " + account.login + ": a contractor account needs its contractor");
    }
    if (account.role != Role::contractor && account.contractor_id) {
        throw Error("account " + account.login + ": only a contractor account has a contractor");
    }
    const std::string hash = hash_password(account.login, password);
    Transaction tx(m_db);
    if (find(account.login)) {
        throw Error("account " + account.login + " exists already");
    }
    if (account.contractor_id) {
        Statement c(m_db, "SELECT 1 FROM contractors WHERE id = ?");
        c.bind(1, *account.contractor_id);
        if (!c.step()) {
            throw Error("account " + account.login + ": contractor " +
                        std::to_string(*account.contractor_id) + " does not exist");
        }
    }
    const std::int64_t now = now_ms();
    Statement insert(m_db, "INSERT INTO accounts (login, display_name, role, contractor_id, "
                           "password_hash, language, active, created_ms, updated_ms) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, account.login)
        .bind(2, account.display_name)
        .bind(3, key(account.role))
        .bind(4, account.contractor_id)
        .bind(5, hash)
        .bind(6, account.language)
        .bind(7, account.active ? 1 : 0)
        .bind(8, now)
        .bind(9, now)
        .run();
    account.id = m_db.last_insert_rowid();
    audit(m_db, m_actor, m_channel, "account.create", account.id, detail_of(account));
    tx.commit();
    return account.id;
}

void Accounts::set_password(const std::string& login, std::string_view password) {
    const std::string hash = hash_password(login, password);
    Transaction tx(m_db);
    const auto account = find(login);
    if (!account) {
        throw Error("account " + login + " does not exist");
    }
    Statement update(m_db, "UPDATE accounts SET password_hash = ?, updated_ms = ? WHERE id = ?");
    update.bind(1, hash).bind(2, now_ms()).bind(3, account->id).run();
    // A new password ends every session of the account.
    Statement end(m_db, "DELETE FROM portal_sessions WHERE account_id = ?");
    end.bind(1, account->id).run();
    audit(m_db, m_actor, m_channel, "account.password", account->id, {{"login", login}});
    tx.commit();
}

void Accounts::set_active(const std::string& login, bool active) {
    Transaction tx(m_db);
    auto account = find(login);
    if (!account) {
        throw Error("account " + login + " does not exist");
    }
    Statement update(m_db, "UPDATE accounts SET active = ?, updated_ms = ? WHERE id = ?");
    update.bind(1, active ? 1 : 0).bind(2, now_ms()).bind(3, account->id).run();
    if (!active) {
        Statement end(m_db, "DELETE FROM portal_sessions WHERE account_id = ?");
        end.bind(1, account->id).run();
    }
    account->active = active;
    audit(m_db, m_actor, m_channel, active ? "account.enable" : "account.disable", account->id,
          detail_of(*account));
    tx.commit();
}

void Accounts::set_language(std::int64_t account_id, const std::string& language) {
    if (language != "ja" && language != "en") {
        throw Error("language '" + language + "' is not ja or en");
    }
    Transaction tx(m_db);
    auto account = by_id(account_id);
    if (!account) {
        throw Error("account " + std::to_string(account_id) + " does not exist");
    }
    Statement update(m_db, "UPDATE accounts SET language = ?, updated_ms = ? WHERE id = ?");
    update.bind(1, language).bind(2, now_ms()).bind(3, account_id).run();
    account->language = language;
    audit(m_db, m_actor, m_channel, "account.language", account_id, detail_of(*account));
    tx.commit();
}

std::vector<Account> Accounts::list() {
    Statement q(m_db, std::string(account_columns) + " ORDER BY login");
    std::vector<Account> out;
    while (q.step()) {
        out.push_back(read_account(q));
    }
    return out;
}

std::optional<Account> Accounts::find(const std::string& login) {
    Statement q(m_db, std::string(account_columns) + " WHERE login = ?");
    q.bind(1, login);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_account(q);
}

std::optional<Account> Accounts::by_id(std::int64_t id) {
    Statement q(m_db, std::string(account_columns) + " WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_account(q);
}

std::optional<Account> Accounts::authenticate(const std::string& login, std::string_view password) {
    Statement q(m_db, "SELECT password_hash, active, id FROM accounts WHERE login = ?");
    q.bind(1, login);
    if (!q.step()) {
        verify_password(decoy_hash(), password);
        return std::nullopt;
    }
    const std::string hash = q.column_text(0);
    const bool active = q.column_int(1) != 0;
    const std::int64_t id = q.column_int64(2);
    if (!verify_password(hash, password) || !active) {
        return std::nullopt;
    }
    return by_id(id);
}

PortalSession Accounts::open_session(const Account& account, const std::string& address,
                                     std::int64_t now, std::int64_t ttl_ms) {
    PortalSession s;
    s.token = random_hex(32);
    s.csrf_token = random_hex(32);
    s.expires_ms = now + ttl_ms;
    s.account = account;
    Transaction tx(m_db);
    Statement purge(m_db, "DELETE FROM portal_sessions WHERE account_id = ? AND expires_ms <= ?");
    purge.bind(1, account.id).bind(2, now).run();
    Statement insert(m_db, "INSERT INTO portal_sessions (token_hash, account_id, csrf_token, "
                           "created_ms, expires_ms, address) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, sha256_hex(s.token))
        .bind(2, account.id)
        .bind(3, s.csrf_token)
        .bind(4, now)
        .bind(5, s.expires_ms)
        .bind(6, address)
        .run();
    tx.commit();
    return s;
}

std::optional<PortalSession> Accounts::session(const std::string& token, std::int64_t now) {
    if (token.size() != 64) {
        return std::nullopt;
    }
    Statement q(m_db, "SELECT s.csrf_token, s.expires_ms, a.id, a.login, a.display_name, a.role, "
                      "a.contractor_id, a.language, a.active, a.created_ms, a.updated_ms "
                      "FROM portal_sessions s JOIN accounts a ON a.id = s.account_id "
                      "WHERE s.token_hash = ? AND s.expires_ms > ? AND a.active = 1");
    q.bind(1, sha256_hex(token)).bind(2, now);
    if (!q.step()) {
        return std::nullopt;
    }
    PortalSession s;
    s.csrf_token = q.column_text(0);
    s.expires_ms = q.column_int64(1);
    s.account = read_account(q, 2);
    return s;
}

void Accounts::close_session(const std::string& token) {
    Statement end(m_db, "DELETE FROM portal_sessions WHERE token_hash = ?");
    end.bind(1, sha256_hex(token)).run();
}

} // namespace ykm::dispatch

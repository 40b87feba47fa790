#pragma once

// Portal accounts and their sessions. Passwords are stored as Argon2id hashes (libsodium
// crypto_pwhash_str); session tokens only as SHA-256 hashes, so a copied project file gives no
// one a way in. Account changes are written to the audit log.

#include "ykm/data/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

/// What an account may do in the portal: see docs/PORTAL.md.
enum class Role : std::uint8_t { staff, supervisor, contractor, viewer };
std::string_view key(Role role);
std::optional<Role> parse_role(std::string_view text);

struct Account {
    std::int64_t id = 0;
    std::string login;
    std::string display_name;
    Role role = Role::viewer;
    std::optional<std::int64_t> contractor_id; ///< set exactly for contractor accounts
    std::string language = "ja";               ///< "ja" or "en"
    bool active = true;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
};

/// A logged-in session. `token` is the cookie value (only known right after open_session()).
struct PortalSession {
    std::string token;
    std::string csrf_token;
    std::int64_t expires_ms = 0;
    Account account;
};

inline constexpr std::size_t min_password_length = 8;

/// Accounts stored in a project (schema version 5). Bad input throws ykm::Error naming the login
/// or field; nothing is written then.
class Accounts {
public:
    explicit Accounts(data::Database& db);

    /// Who makes account changes, for the audit log.
    void set_actor(std::string actor, std::string channel);

    /// Adds an account. The login is 1-64 characters of letters, digits and . _ @ -; the password
    /// at least 8 characters; a contractor account names its contractor (and only it does).
    std::int64_t create(Account account, std::string_view password);
    void set_password(const std::string& login, std::string_view password);
    void set_active(const std::string& login, bool active);
    void set_language(std::int64_t account_id, const std::string& language);

    [[nodiscard]] std::vector<Account> list();
    [[nodiscard]] std::optional<Account> find(const std::string& login);
    [[nodiscard]] std::optional<Account> by_id(std::int64_t id);

    /// The active account with this login and password; none otherwise (an unknown login takes
    /// as long as a wrong password).
    [[nodiscard]] std::optional<Account> authenticate(const std::string& login,
                                                      std::string_view password);

    /// Starts a session valid until now + ttl; removes the account's expired sessions.
    PortalSession open_session(const Account& account, const std::string& address,
                               std::int64_t now_ms, std::int64_t ttl_ms);
    /// The live session of a cookie token, with its account (inactive accounts have none).
    [[nodiscard]] std::optional<PortalSession> session(const std::string& token,
                                                       std::int64_t now_ms);
    void close_session(const std::string& token);

private:
    data::Database& m_db;
    std::string m_actor = "ykm";
    std::string m_channel = "cli";
};

} // namespace ykm::dispatch

#include "ykm/data/database.hpp"

#include "ykm/gis/error.hpp"

// sqlite3.h must come first: spatialite.h uses its types without including it.
#include <sqlite3.h>

#include <spatialite.h>

#include <cstdint>
#include <string>
#include <utility>

namespace ykm::data {

Database::Database(const std::filesystem::path& path, OpenMode mode) : m_path(path) {
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case OpenMode::read_only:
        flags |= SQLITE_OPEN_READONLY;
        break;
    case OpenMode::read_write:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case OpenMode::create:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    }
    if (mode != OpenMode::create && !std::filesystem::exists(path)) {
        throw Error(path.string() + ": no such file");
    }
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = m_db != nullptr ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(path.string() + ": cannot open: " + message);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 5000);
    // sqlite3_open_v2 accepts any file; the first read tells whether it is a database.
    if (sqlite3_exec(m_db, "PRAGMA schema_version", nullptr, nullptr, nullptr) != SQLITE_OK) {
        std::string message = sqlite3_errmsg(m_db);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(path.string() + ": not a SQLite database (" + message + ")");
    }
    m_spatialite = spatialite_alloc_connection();
    spatialite_init_ex(m_db, m_spatialite, 0);
    exec("PRAGMA foreign_keys = ON");
    // Read pages through a memory map (up to SQLite's limit, 2 GB in Debian's build) instead of
    // a read() call copying each: a season's reports and a replay's seeks read many thousand
    // pages. Writes still go through the file; past the map SQLite reads as before.
    exec("PRAGMA mmap_size = " + std::to_string(mmap_bytes));
}

Database::~Database() {
    release();
}

void Database::drop_cached() noexcept {
    for (auto& [sql, stmt] : m_cached) {
        sqlite3_finalize(stmt);
    }
    m_cached.clear();
}

sqlite3_stmt* Database::take_cached(std::string_view sql) noexcept {
    if (m_cached.empty()) {
        return nullptr;
    }
    const auto it = m_cached.find(std::string(sql));
    if (it == m_cached.end()) {
        return nullptr;
    }
    sqlite3_stmt* stmt = it->second;
    m_cached.erase(it);
    return stmt;
}

void Database::give_back(sqlite3_stmt* stmt) noexcept {
    // A statement stepped to its end or reset holds no lock; reset it anyway (it may have
    // stopped at a row) and drop its bindings, which may hold copies of large blobs.
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (m_db == nullptr || sqlite3_db_handle(stmt) != m_db ||
        m_cached.size() >= max_cached_statements) {
        sqlite3_finalize(stmt);
        return;
    }
    try {
        const auto [it, inserted] = m_cached.try_emplace(sqlite3_sql(stmt), stmt);
        if (!inserted) {
            sqlite3_finalize(stmt);
        }
    } catch (...) {
        sqlite3_finalize(stmt);
    }
}

void Database::release() noexcept {
    drop_cached();
    if (m_db != nullptr) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
    if (m_spatialite != nullptr) {
        spatialite_cleanup_ex(m_spatialite);
        m_spatialite = nullptr;
    }
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)),
      m_spatialite(std::exchange(other.m_spatialite, nullptr)), m_path(std::move(other.m_path)),
      m_cached(std::exchange(other.m_cached, {})) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        release();
        m_db = std::exchange(other.m_db, nullptr);
        m_spatialite = std::exchange(other.m_spatialite, nullptr);
        m_path = std::move(other.m_path);
        m_cached = std::exchange(other.m_cached, {});
    }
    return *this;
}

void Database::close() {
    if (m_db == nullptr) {
        return;
    }
    drop_cached();
    const int rc = sqlite3_close(m_db);
    if (rc != SQLITE_OK) {
        fail("cannot close");
    }
    m_db = nullptr;
    if (m_spatialite != nullptr) {
        spatialite_cleanup_ex(m_spatialite);
        m_spatialite = nullptr;
    }
}

void Database::exec(std::string_view sql) {
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string what = message != nullptr ? message : sqlite3_errmsg(m_db);
        sqlite3_free(message);
        throw Error(m_path.string() + ": " + what);
    }
}

std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(m_db);
}

void Database::fail(std::string_view what) const {
    throw Error(m_path.string() + ": " + std::string(what) + ": " + sqlite3_errmsg(m_db));
}

Statement::Statement(Database& db, std::string_view sql) : m_db(&db), m_stmt(db.take_cached(sql)) {
    if (m_stmt != nullptr) {
        return;
    }
    if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &m_stmt,
                           nullptr) != SQLITE_OK) {
        db.fail("cannot prepare '" + std::string(sql.substr(0, 80)) + "'");
    }
}

Statement::~Statement() {
    if (m_stmt == nullptr) {
        return;
    }
    // Kept under its text (sqlite3_sql): the next Statement of the same text reuses it.
    m_db->give_back(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)) {}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(m_stmt, index, value) != SQLITE_OK) {
        m_db->fail("cannot bind");
    }
    return *this;
}

Statement& Statement::bind(int index, double value) {
    if (sqlite3_bind_double(m_stmt, index, value) != SQLITE_OK) {
        m_db->fail("cannot bind");
    }
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8) != SQLITE_OK) {
        m_db->fail("cannot bind");
    }
    return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> blob) {
    if (sqlite3_bind_blob64(m_stmt, index, blob.data(), blob.size(), SQLITE_TRANSIENT) !=
        SQLITE_OK) {
        m_db->fail("cannot bind");
    }
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK) {
        m_db->fail("cannot bind");
    }
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    std::string sql = sqlite3_sql(m_stmt);
    sqlite3_reset(m_stmt);
    m_db->fail("'" + sql.substr(0, 80) + "' failed");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

int Statement::column_int(int column) const {
    return sqlite3_column_int(m_stmt, column);
}

double Statement::column_double(int column) const {
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(m_stmt, column);
    return text != nullptr ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

std::vector<std::uint8_t> Statement::column_blob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column));
    return data != nullptr ? std::vector<std::uint8_t>(data, data + size)
                           : std::vector<std::uint8_t>();
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
    if (is_null(column)) {
        return std::nullopt;
    }
    return column_int64(column);
}

std::optional<double> Statement::column_optional_double(int column) const {
    if (is_null(column)) {
        return std::nullopt;
    }
    return column_double(column);
}

Transaction::Transaction(Database& db) : m_db(db) {
    if (sqlite3_get_autocommit(m_db.handle()) == 0) {
        // Nested: a savepoint named after this object, unique among the open ones.
        m_savepoint = "ykm_" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
        m_db.exec("SAVEPOINT " + m_savepoint);
    } else {
        m_db.exec("BEGIN IMMEDIATE");
    }
}

Transaction::~Transaction() {
    if (!m_done) {
        const std::string undo = m_savepoint.empty()
                                     ? std::string("ROLLBACK")
                                     : "ROLLBACK TO " + m_savepoint + "; RELEASE " + m_savepoint;
        sqlite3_exec(m_db.handle(), undo.c_str(), nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    m_db.exec(m_savepoint.empty() ? std::string("COMMIT") : "RELEASE " + m_savepoint);
    m_done = true;
}

} // namespace ykm::data

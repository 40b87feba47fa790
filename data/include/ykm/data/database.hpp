#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace ykm::data {

/// How to open a database.
enum class OpenMode { read_only, read_write, create };

/// A SQLite connection with the SpatiaLite extension loaded, extended result codes on,
/// foreign keys enforced. Move-only; closes in its destructor. Used by one thread at a time.
///
/// It keeps the statements it prepared once their Statement is gone (reset, bindings cleared),
/// up to max_cached_statements distinct SQL texts, and hands them out again for the same text:
/// code that runs the same query per vehicle or per row does not parse it each time.
class Database {
public:
    /// Opens `path`. Throws ykm::Error naming the file when it cannot be opened, is not a SQLite
    /// database, or SpatiaLite cannot be loaded.
    Database(const std::filesystem::path& path, OpenMode mode);
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Runs one or more SQL statements without results. Throws ykm::Error with SQLite's message.
    void exec(std::string_view sql);

    /// Closes the connection, reporting a failure (unlike the destructor).
    void close();

    [[nodiscard]] sqlite3* handle() const { return m_db; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::int64_t last_insert_rowid() const;

    /// Throws ykm::Error "PATH: what: sqlite message".
    [[noreturn]] void fail(std::string_view what) const;

    static constexpr std::size_t max_cached_statements = 256;
    /// How much of the file each connection maps into memory to read pages (SQLite caps it at
    /// its build's SQLITE_MAX_MMAP_SIZE).
    static constexpr std::int64_t mmap_bytes = std::int64_t{4} << 30;
    /// How many prepared statements wait for reuse (for tests).
    [[nodiscard]] std::size_t cached_statements() const { return m_cached.size(); }

private:
    friend class Statement;
    /// Closes the connection and frees SpatiaLite's cache, ignoring failures.
    void release() noexcept;
    /// Finalizes the statements kept for reuse.
    void drop_cached() noexcept;
    /// A statement prepared earlier from exactly `sql`, taken out of the cache; none if there is
    /// none.
    sqlite3_stmt* take_cached(std::string_view sql) noexcept;
    /// Keeps `stmt` (reset) for reuse, or finalizes it when the cache is full or holds its text.
    void give_back(sqlite3_stmt* stmt) noexcept;

    sqlite3* m_db = nullptr;
    void* m_spatialite = nullptr;
    std::filesystem::path m_path;
    /// Statements kept for reuse, by their SQL text.
    std::unordered_map<std::string, sqlite3_stmt*> m_cached;
};

/// A prepared statement. Bind indices start at 1, column indices at 0.
class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind_blob(int index, std::span<const std::uint8_t> blob);
    Statement& bind_null(int index);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }

    /// Advances to the next row; false when done. Throws ykm::Error on failure.
    bool step();
    /// Runs a statement that returns no rows, then resets it for reuse.
    void run();
    /// Resets for another run with new bindings.
    void reset();

    [[nodiscard]] bool is_null(int column) const;
    [[nodiscard]] std::int64_t column_int64(int column) const;
    [[nodiscard]] int column_int(int column) const;
    [[nodiscard]] double column_double(int column) const;
    [[nodiscard]] std::string column_text(int column) const;
    [[nodiscard]] std::vector<std::uint8_t> column_blob(int column) const;
    [[nodiscard]] std::optional<std::int64_t> column_optional_int64(int column) const;
    [[nodiscard]] std::optional<double> column_optional_double(int column) const;

private:
    Database* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

/// A transaction that rolls back unless commit() is called. Inside another transaction it is a
/// savepoint: its commit keeps its changes for the outer one to commit, its rollback undoes only
/// its own.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& m_db;
    bool m_done = false;
    std::string m_savepoint; ///< empty for an outermost transaction
};

} // namespace ykm::data

#pragma once

// Small queries that several sources of the dispatch library run.

#include "ykm/data/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// Whether `table` has a row with this id.
inline bool exists(data::Database& db, const std::string& table, std::int64_t id) {
    data::Statement q(db, "SELECT 1 FROM " + table + " WHERE id = ?");
    q.bind(1, id);
    return q.step();
}

/// The first column, as integers, of the rows `sql` gives with `id` bound to its one parameter.
inline std::vector<std::int64_t> id_column(data::Database& db, const std::string& sql,
                                           std::int64_t id) {
    data::Statement q(db, sql);
    q.bind(1, id);
    std::vector<std::int64_t> out;
    while (q.step()) {
        out.push_back(q.column_int64(0));
    }
    return out;
}

} // namespace ykm::dispatch

#include "ykm/dispatch/fleet.hpp"

#include "csv_reader.hpp"
#include "queries.hpp"

#include "ykm/dispatch/audit_log.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

namespace ykm::dispatch {
namespace {

using data::Database;
using data::Statement;

/// A validation error that knows which field it is about, so a CSV import can name the column.
class FieldError : public Error {
public:
    FieldError(std::string field, const std::string& message)
        : Error(message), m_field(std::move(field)) {}
    [[nodiscard]] const std::string& field() const { return m_field; }

private:
    std::string m_field;
};

std::string number(double v) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", v);
    return text.data();
}

std::string machine_type_list() {
    std::string list;
    for (MachineType t : all_machine_types()) {
        list += list.empty() ? "" : ", ";
        list += key(t);
    }
    return list;
}

bool is_blank(const std::string& s) {
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

Contractor read_contractor(const Statement& row) {
    return Contractor{row.column_int64(0), row.column_text(1), row.column_text(2),
                      row.column_text(3), row.column_text(4)};
}

constexpr const char* contractor_columns = "SELECT id, code, name, phone, email FROM contractors";
constexpr const char* vehicle_columns =
    "SELECT id, code, machine_type, plate, plow_width_m, contractor_id, device_id, district_id, "
    "depot_id, shift_h FROM vehicles";

Vehicle read_vehicle(const Database& db, const Statement& row) {
    Vehicle v;
    v.id = row.column_int64(0);
    v.code = row.column_text(1);
    const std::string type = row.column_text(2);
    const auto parsed = parse_machine_type(type);
    if (!parsed) {
        throw Error(db.path().string() + ": vehicle " + v.code + ": machine_type '" + type +
                    "' is not a machine type (" + machine_type_list() + ")");
    }
    v.type = *parsed;
    v.plate = row.column_text(3);
    v.plow_width_m = row.column_double(4);
    v.contractor_id = row.column_int64(5);
    v.device_id = row.column_text(6);
    v.district_id = row.column_optional_int64(7);
    v.depot_id = row.column_optional_int64(8);
    v.shift_h = row.column_optional_double(9);
    return v;
}

template <typename Value>
std::optional<Contractor> contractor_where(Database& db, const std::string& where,
                                           const Value& value) {
    Statement q(db, std::string(contractor_columns) + " WHERE " + where);
    q.bind(1, value);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_contractor(q);
}

template <typename Value>
std::optional<Vehicle> vehicle_where(Database& db, const std::string& where, const Value& value) {
    Statement q(db, std::string(vehicle_columns) + " WHERE " + where);
    q.bind(1, value);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_vehicle(db, q);
}

std::int64_t save_contractor(Database& db, const Contractor& c) {
    if (is_blank(c.code)) {
        throw FieldError("code", "contractor code is empty");
    }
    if (is_blank(c.name)) {
        throw FieldError("name", "contractor " + c.code + ": name is empty");
    }
    if (c.id != 0 && !exists(db, "contractors", c.id)) {
        throw Error("contractor " + std::to_string(c.id) + " does not exist");
    }
    {
        Statement same(db, "SELECT name FROM contractors WHERE code = ? AND id <> ?");
        same.bind(1, c.code).bind(2, c.id);
        if (same.step()) {
            throw FieldError("code", "contractor code '" + c.code + "' is already used by " +
                                         same.column_text(0));
        }
    }
    if (c.id == 0) {
        Statement insert(db,
                         "INSERT INTO contractors (code, name, phone, email) VALUES (?, ?, ?, ?)");
        insert.bind(1, c.code).bind(2, c.name).bind(3, c.phone).bind(4, c.email).run();
        return db.last_insert_rowid();
    }
    Statement update(db, "UPDATE contractors SET code = ?, name = ?, phone = ?, email = ? WHERE "
                         "id = ?");
    update.bind(1, c.code).bind(2, c.name).bind(3, c.phone).bind(4, c.email).bind(5, c.id).run();
    return c.id;
}

std::int64_t save_vehicle(Database& db, const Vehicle& v) {
    if (is_blank(v.code)) {
        throw FieldError("code", "vehicle code is empty");
    }
    const std::string who = "vehicle " + v.code + ": ";
    if (!(v.plow_width_m > 0.0 && v.plow_width_m <= 10.0)) {
        throw FieldError("width_m",
                         who + "plow width " + number(v.plow_width_m) + " m is outside (0, 10] m");
    }
    if (v.shift_h && !(*v.shift_h > 0.0 && *v.shift_h <= 24.0)) {
        throw FieldError("shift_h",
                         who + "shift " + number(*v.shift_h) + " h is outside (0, 24] h");
    }
    if (v.id != 0 && !exists(db, "vehicles", v.id)) {
        throw Error("vehicle " + std::to_string(v.id) + " does not exist");
    }
    if (!exists(db, "contractors", v.contractor_id)) {
        throw FieldError("contractor",
                         who + "contractor " + std::to_string(v.contractor_id) + " does not exist");
    }
    if (v.district_id && !exists(db, "districts", *v.district_id)) {
        throw FieldError("district",
                         who + "district " + std::to_string(*v.district_id) + " does not exist");
    }
    if (v.depot_id && !exists(db, "depots", *v.depot_id)) {
        throw FieldError("depot", who + "depot " + std::to_string(*v.depot_id) + " does not exist");
    }
    {
        Statement same(db, "SELECT id FROM vehicles WHERE code = ? AND id <> ?");
        same.bind(1, v.code).bind(2, v.id);
        if (same.step()) {
            throw FieldError("code", "vehicle code '" + v.code + "' is already used by vehicle " +
                                         std::to_string(same.column_int64(0)));
        }
    }
    if (!v.device_id.empty()) {
        Statement same(db, "SELECT code FROM vehicles WHERE device_id = ? AND id <> ?");
        same.bind(1, v.device_id).bind(2, v.id);
        if (same.step()) {
            throw FieldError("device_id", who + "device id '" + v.device_id +
                                              "' is already used by vehicle " +
                                              same.column_text(0));
        }
    }
    Statement write(db, v.id == 0 ? "INSERT INTO vehicles (code, machine_type, plate, "
                                    "plow_width_m, contractor_id, device_id, district_id, "
                                    "depot_id, shift_h) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                  : "UPDATE vehicles SET code = ?, machine_type = ?, plate = ?, "
                                    "plow_width_m = ?, contractor_id = ?, device_id = ?, "
                                    "district_id = ?, depot_id = ?, shift_h = ? WHERE id = ?");
    write.bind(1, v.code)
        .bind(2, key(v.type))
        .bind(3, v.plate)
        .bind(4, v.plow_width_m)
        .bind(5, v.contractor_id);
    if (v.device_id.empty()) {
        write.bind_null(6);
    } else {
        write.bind(6, v.device_id);
    }
    write.bind(7, v.district_id).bind(8, v.depot_id).bind(9, v.shift_h);
    if (v.id != 0) {
        write.bind(10, v.id);
    }
    write.run();
    return v.id == 0 ? db.last_insert_rowid() : v.id;
}

// --- audit log --------------------------------------------------------------------------------

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json detail_of(const Contractor& c) {
    return {{"code", c.code}, {"name", c.name}, {"phone", c.phone}, {"email", c.email}};
}

nlohmann::json detail_of(const Vehicle& v) {
    return {{"code", v.code},
            {"type", key(v.type)},
            {"plate", v.plate},
            {"plow_width_m", v.plow_width_m},
            {"contractor_id", v.contractor_id},
            {"device_id", v.device_id},
            {"district_id", or_null(v.district_id)},
            {"depot_id", or_null(v.depot_id)},
            {"shift_h", or_null(v.shift_h)}};
}

/// Who changes the master data, for the audit log.
struct Actor {
    const std::string& name;
    const std::string& channel;
};

void audit(Database& db, const Actor& actor, const char* action, const char* entity,
           std::int64_t id, const nlohmann::json& detail) {
    AuditEntry e;
    e.actor = actor.name;
    e.channel = actor.channel;
    e.action = action;
    e.entity = entity;
    e.entity_id = id;
    // Replace rather than throw on bytes that are not UTF-8 (a code typed in a legacy terminal):
    // the change itself is stored as given, and its record must not block it.
    e.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    append_audit(db, std::move(e));
}

// --- CSV columns ------------------------------------------------------------------------------

constexpr std::array<const char*, 10> csv_columns{
    "code",      "type",     "plate", "width_m", "contractor", "contractor_name",
    "device_id", "district", "depot", "shift_h"};

std::string csv_column_list() {
    std::string list;
    for (const char* c : csv_columns) {
        list += list.empty() ? "" : ", ";
        list += c;
    }
    return list;
}

// A depot by its name, else its id, as find_district does for districts (depots have no code).
std::optional<std::int64_t> find_depot(Database& db, const std::string& name_or_id) {
    {
        Statement q(db, "SELECT id FROM depots WHERE name = ? ORDER BY id LIMIT 2");
        q.bind(1, name_or_id);
        if (q.step()) {
            const std::int64_t id = q.column_int64(0);
            if (q.step()) {
                throw Error("two depots have the name '" + name_or_id + "'; give the id instead");
            }
            return id;
        }
    }
    if (!name_or_id.empty() && name_or_id.find_first_not_of("0123456789") == std::string::npos &&
        name_or_id.size() < 19) {
        const std::int64_t id = std::stoll(name_or_id);
        if (exists(db, "depots", id)) {
            return id;
        }
    }
    return std::nullopt;
}

} // namespace

Fleet::Fleet(data::Project& project) : m_project(project) {}

void Fleet::set_actor(std::string actor, std::string channel) {
    m_actor = std::move(actor);
    m_channel = std::move(channel);
}

std::vector<Contractor> Fleet::contractors() {
    std::vector<Contractor> out;
    Statement q(m_project.database(), std::string(contractor_columns) + " ORDER BY code");
    while (q.step()) {
        out.push_back(read_contractor(q));
    }
    return out;
}

std::vector<Vehicle> Fleet::vehicles() {
    std::vector<Vehicle> out;
    Statement q(m_project.database(), std::string(vehicle_columns) + " ORDER BY code");
    while (q.step()) {
        out.push_back(read_vehicle(m_project.database(), q));
    }
    return out;
}

std::optional<Contractor> Fleet::contractor(std::int64_t id) {
    return contractor_where(m_project.database(), "id = ?", id);
}

std::optional<Contractor> Fleet::contractor_by_code(const std::string& code) {
    return contractor_where(m_project.database(), "code = ?", code);
}

std::optional<Vehicle> Fleet::vehicle(std::int64_t id) {
    return vehicle_where(m_project.database(), "id = ?", id);
}

std::optional<Vehicle> Fleet::vehicle_by_code(const std::string& code) {
    return vehicle_where(m_project.database(), "code = ?", code);
}

std::optional<Vehicle> Fleet::vehicle_by_device(const std::string& device_id) {
    if (device_id.empty()) {
        return std::nullopt;
    }
    return vehicle_where(m_project.database(), "device_id = ?", device_id);
}

std::int64_t Fleet::save(const Contractor& c) {
    data::Transaction tx(m_project.database());
    const std::int64_t id = save_contractor(m_project.database(), c);
    audit(m_project.database(), {m_actor, m_channel}, "contractor.save", "contractor", id,
          detail_of(c));
    tx.commit();
    return id;
}

std::int64_t Fleet::save(const Vehicle& v) {
    data::Transaction tx(m_project.database());
    const std::int64_t id = save_vehicle(m_project.database(), v);
    audit(m_project.database(), {m_actor, m_channel}, "vehicle.save", "vehicle", id, detail_of(v));
    tx.commit();
    return id;
}

void Fleet::remove_vehicle(std::int64_t id) {
    Database& db = m_project.database();
    data::Transaction tx(db);
    const auto v = vehicle(id);
    if (!v) {
        throw Error("vehicle " + std::to_string(id) + " does not exist");
    }
    Statement erase(db, "DELETE FROM vehicles WHERE id = ?");
    erase.bind(1, id).run();
    // The record keeps what was removed, since the row itself is gone.
    audit(db, {m_actor, m_channel}, "vehicle.remove", "vehicle", id, detail_of(*v));
    tx.commit();
}

void Fleet::remove_contractor(std::int64_t id) {
    Database& db = m_project.database();
    data::Transaction tx(db);
    const auto c = contractor(id);
    if (!c) {
        throw Error("contractor " + std::to_string(id) + " does not exist");
    }
    std::vector<std::string> codes;
    {
        Statement q(db, "SELECT code FROM vehicles WHERE contractor_id = ? ORDER BY code");
        q.bind(1, id);
        while (q.step()) {
            codes.push_back(q.column_text(0));
        }
    }
    if (!codes.empty()) {
        std::string list;
        for (std::size_t i = 0; i < codes.size() && i < 5; ++i) {
            list += (i == 0 ? "" : ", ") + codes[i];
        }
        if (codes.size() > 5) {
            list += ", …";
        }
        throw Error("contractor " + c->code + " still has " + std::to_string(codes.size()) +
                    (codes.size() == 1 ? " vehicle (" : " vehicles (") + list +
                    "); remove them or give them another contractor first");
    }
    Statement erase(db, "DELETE FROM contractors WHERE id = ?");
    erase.bind(1, id).run();
    audit(db, {m_actor, m_channel}, "contractor.remove", "contractor", id, detail_of(*c));
    tx.commit();
}

std::optional<std::int64_t> Fleet::find_depot(const std::string& name_or_id) {
    return dispatch::find_depot(m_project.database(), name_or_id);
}

std::optional<std::int64_t> Fleet::find_district(const std::string& name_code_or_id) {
    Database& db = m_project.database();
    for (const char* column : {"name", "code"}) {
        Statement q(db, std::string("SELECT id FROM districts WHERE ") + column +
                            " = ? ORDER BY id LIMIT 2");
        q.bind(1, name_code_or_id);
        if (q.step()) {
            const std::int64_t id = q.column_int64(0);
            if (q.step()) {
                throw Error("two districts have the " + std::string(column) + " '" +
                            name_code_or_id + "'; give the id instead");
            }
            return id;
        }
    }
    if (!name_code_or_id.empty() &&
        name_code_or_id.find_first_not_of("0123456789") == std::string::npos &&
        name_code_or_id.size() < 19) {
        const std::int64_t id = std::stoll(name_code_or_id);
        if (exists(db, "districts", id)) {
            return id;
        }
    }
    return std::nullopt;
}

std::optional<std::string> Fleet::district_name(std::int64_t id) {
    Statement q(m_project.database(), "SELECT name FROM districts WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) {
        return std::nullopt;
    }
    return q.column_text(0);
}

std::size_t Fleet::import_csv(const std::filesystem::path& csv) {
    const std::string file = csv.string();
    const std::vector<csv::Record> records =
        csv::read_csv(csv, {.lines = csv::LineStyle::colon,
                            .encoding = csv::Encoding::utf8_or_cp932,
                            .blank = csv::BlankRecords::empty_line});
    if (records.empty()) {
        throw Error(file + ": no header row (columns: " + csv_column_list() + ")");
    }
    auto where = [&file](std::size_t line) {
        return csv::at_line(file, line, csv::LineStyle::colon) + ": ";
    };
    std::map<std::string, std::size_t> column_of;
    const csv::Record& header = records.front();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string& name = header.fields[i];
        if (std::find_if(csv_columns.begin(), csv_columns.end(),
                         [&](const char* c) { return name == c; }) == csv_columns.end()) {
            throw Error(where(header.line) + "unknown column '" + name +
                        "' (columns: " + csv_column_list() + ")");
        }
        if (!column_of.emplace(name, i).second) {
            throw Error(where(header.line) + "column '" + name + "' appears twice");
        }
    }
    if (!column_of.contains("code")) {
        throw Error(where(header.line) + "the column 'code' is missing");
    }

    Database& db = m_project.database();
    data::Transaction tx(db);
    std::map<std::string, std::size_t> line_of_code;
    std::size_t written = 0;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const csv::Record& record = records[r];
        if (record.fields.size() != header.fields.size()) {
            throw Error(where(record.line) + std::to_string(record.fields.size()) +
                        " fields, but the header has " + std::to_string(header.fields.size()));
        }
        auto cell = [&](const char* column) -> std::string {
            const auto it = column_of.find(column);
            return it == column_of.end() ? std::string() : record.fields[it->second];
        };
        auto fail = [&](const char* column, const std::string& message) -> Error {
            return Error(where(record.line) + "column '" + column + "': " + message);
        };
        const std::string code = cell("code");
        if (code.empty()) {
            throw fail("code", "empty; every vehicle needs a code");
        }
        if (const auto [it, added] = line_of_code.emplace(code, record.line); !added) {
            throw fail("code",
                       "vehicle '" + code + "' is already on line " + std::to_string(it->second));
        }
        Vehicle v = vehicle_by_code(code).value_or(Vehicle{});
        const bool is_new = v.id == 0;
        v.code = code;
        if (const std::string type = cell("type"); !type.empty()) {
            const auto parsed = parse_machine_type(type);
            if (!parsed) {
                throw fail("type",
                           "'" + type + "' is not a machine type (" + machine_type_list() + ")");
            }
            v.type = *parsed;
        } else if (is_new) {
            throw fail("type",
                       "empty; a new vehicle needs a machine type (" + machine_type_list() + ")");
        }
        if (const std::string plate = cell("plate"); !plate.empty()) {
            v.plate = plate;
        }
        if (const std::string width = cell("width_m"); !width.empty()) {
            const auto value = csv::parse_number(width);
            if (!value) {
                throw fail("width_m", "'" + width + "' is not a number of metres");
            }
            v.plow_width_m = *value;
        }
        if (const std::string contractor_code = cell("contractor"); !contractor_code.empty()) {
            if (const auto c = contractor_by_code(contractor_code)) {
                v.contractor_id = c->id;
            } else {
                const std::string name = cell("contractor_name");
                const Contractor created{0, contractor_code, name.empty() ? contractor_code : name,
                                         "", ""};
                try {
                    v.contractor_id = save_contractor(db, created);
                } catch (const Error& e) {
                    throw fail("contractor", e.what());
                }
                audit(db, {m_actor, m_channel}, "contractor.save", "contractor", v.contractor_id,
                      detail_of(created));
            }
        } else if (is_new) {
            throw fail("contractor", "empty; a new vehicle needs a contractor code");
        }
        if (const std::string device = cell("device_id"); !device.empty()) {
            v.device_id = device;
        }
        if (const std::string district = cell("district"); !district.empty()) {
            try {
                v.district_id = find_district(district);
            } catch (const Error& e) {
                throw fail("district", e.what());
            }
            if (!v.district_id) {
                throw fail("district", "'" + district +
                                           "' is not a district of the project (name, code or id)");
            }
        }
        if (const std::string depot = cell("depot"); !depot.empty()) {
            try {
                v.depot_id = find_depot(depot);
            } catch (const Error& e) {
                throw fail("depot", e.what());
            }
            if (!v.depot_id) {
                throw fail("depot", "'" + depot + "' is not a depot of the project (name or id)");
            }
        }
        if (const std::string shift = cell("shift_h"); !shift.empty()) {
            const auto value = csv::parse_number(shift);
            if (!value) {
                throw fail("shift_h", "'" + shift + "' is not a number of hours");
            }
            v.shift_h = *value;
        }
        std::int64_t id = 0;
        try {
            id = save_vehicle(db, v);
        } catch (const FieldError& e) {
            throw fail(e.field().c_str(), e.what());
        } catch (const Error& e) {
            throw Error(where(record.line) + e.what());
        }
        audit(db, {m_actor, m_channel}, "vehicle.save", "vehicle", id, detail_of(v));
        ++written;
    }
    tx.commit();
    return written;
}

} // namespace ykm::dispatch

#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ykm::dispatch {

/// The kinds of snow-removal machine a fleet holds.
enum class MachineType {
    dozer,         ///< 除雪ドーザ
    motor_grader,  ///< モーターグレーダ
    rotary_blower, ///< ロータリ除雪車
    plow_truck,    ///< 除雪トラック
    dump_truck,    ///< ダンプ (haul-away)
    small_machine, ///< 小型除雪機 (sidewalks)
};

/// All machine types, in the order lists show them.
std::span<const MachineType> all_machine_types();

/// The stable key used in files and the CLI: "dozer", "motor_grader", ...
std::string_view key(MachineType type);
/// The Japanese name used on screens and reports: "除雪ドーザ", ...
std::string_view japanese_name(MachineType type);
/// The English name: "Snow dozer", ...
std::string_view english_name(MachineType type);

/// Parses a key or a Japanese name; std::nullopt when it is neither.
std::optional<MachineType> parse_machine_type(std::string_view text);

} // namespace ykm::dispatch

#include "ykm/dispatch/machine_type.hpp"

#include <array>

namespace ykm::dispatch {
namespace {

struct Names {
    MachineType type;
    std::string_view key;
    std::string_view japanese;
    std::string_view english;
};

constexpr std::array<Names, 6> names{{
    {MachineType::dozer, "dozer", "除雪ドーザ", "Snow dozer"},
    {MachineType::motor_grader, "motor_grader", "モーターグレーダ", "Motor grader"},
    {MachineType::rotary_blower, "rotary_blower", "ロータリ除雪車", "Rotary snow blower"},
    {MachineType::plow_truck, "plow_truck", "除雪トラック", "Plow truck"},
    {MachineType::dump_truck, "dump_truck", "ダンプ", "Dump truck"},
    {MachineType::small_machine, "small_machine", "小型除雪機", "Small snow machine"},
}};

constexpr std::array<MachineType, 6> types{MachineType::dozer,         MachineType::motor_grader,
                                           MachineType::rotary_blower, MachineType::plow_truck,
                                           MachineType::dump_truck,    MachineType::small_machine};

const Names& names_of(MachineType type) {
    return names[static_cast<std::size_t>(type)];
}

} // namespace

std::span<const MachineType> all_machine_types() {
    return types;
}
std::string_view key(MachineType type) {
    return names_of(type).key;
}
std::string_view japanese_name(MachineType type) {
    return names_of(type).japanese;
}
std::string_view english_name(MachineType type) {
    return names_of(type).english;
}

std::optional<MachineType> parse_machine_type(std::string_view text) {
    for (const Names& n : names) {
        if (text == n.key || text == n.japanese) {
            return n.type;
        }
    }
    return std::nullopt;
}

} // namespace ykm::dispatch

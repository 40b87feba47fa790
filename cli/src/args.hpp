#pragma once

#include "ykm/gis/error.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ykm::cli {

/// The arguments of one subcommand: options are taken by name, the rest stay positional.
class Args {
public:
    Args(std::string command, std::vector<std::string> args)
        : m_command(std::move(command)), m_args(std::move(args)) {}

    /// Takes `--name VALUE` or `--name=VALUE`; the last one wins. Throws ykm::Error when the
    /// value is missing.
    std::optional<std::string> take(const std::string& name);
    /// Takes every `--name VALUE`, in order.
    std::vector<std::string> take_all(const std::string& name);
    /// Takes a flag `--name`; true when present.
    bool flag(const std::string& name);
    /// Takes the first argument when it is one of `names` (a subcommand).
    std::optional<std::string> take_subcommand(std::initializer_list<std::string_view> names);
    /// The remaining arguments, after checking that none is an unknown option.
    std::vector<std::string> positional();
    /// The remaining arguments, requiring between `min` and `max` of them.
    std::vector<std::string> positional(std::size_t min, std::size_t max, const std::string& usage);

    [[nodiscard]] const std::string& command() const { return m_command; }

private:
    std::string m_command;
    std::vector<std::string> m_args;
};

/// Thrown for a command line that does not parse: the CLI prints the usage too.
class UsageError : public Error {
public:
    using Error::Error;
};

/// The items of a comma-separated list, empty items dropped ("A,B,,C" → A, B, C).
std::vector<std::string> split_list(const std::string& text);

/// Who runs the command, for the records of changes: the login name ($USER), else "staff".
std::string login_name();

/// A number of at least 0 given for `what` (e.g. "plan: --shift"); throws UsageError naming
/// `what` and the text otherwise.
double parse_non_negative(const std::string& text, const std::string& what);
/// A whole number of at least 0 given for `what`; throws UsageError naming `what` otherwise.
std::uint64_t parse_whole_number(const std::string& text, const std::string& what);
/// A picture size "WIDTHxHEIGHT" in pixels given for `what` (e.g. "render: --size"), each side
/// from `min_px` to 16384; throws UsageError naming `what` and the text otherwise.
std::pair<int, int> parse_pixel_size(const std::string& text, const std::string& what,
                                     int min_px = 1);

} // namespace ykm::cli

#include "args.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace ykm::cli {

std::optional<std::string> Args::take(const std::string& name) {
    auto values = take_all(name);
    if (values.empty()) {
        return std::nullopt;
    }
    return values.back();
}

std::vector<std::string> Args::take_all(const std::string& name) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < m_args.size();) {
        if (m_args[i] == name) {
            if (i + 1 >= m_args.size()) {
                throw UsageError(m_command + ": " + name + " needs a value");
            }
            values.push_back(m_args[i + 1]);
            m_args.erase(m_args.begin() + static_cast<std::ptrdiff_t>(i),
                         m_args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
        } else if (m_args[i].starts_with(name + "=")) {
            values.push_back(m_args[i].substr(name.size() + 1));
            m_args.erase(m_args.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
            ++i;
        }
    }
    return values;
}

bool Args::flag(const std::string& name) {
    bool found = false;
    std::erase_if(m_args, [&](const std::string& a) {
        if (a == name) {
            found = true;
            return true;
        }
        return false;
    });
    return found;
}

std::vector<std::string> Args::positional() {
    for (const std::string& a : m_args) {
        if (a.size() > 1 && a[0] == '-' && a != "-") {
            throw UsageError(m_command + ": unknown option " + a);
        }
    }
    return m_args;
}

std::vector<std::string> Args::positional(std::size_t min, std::size_t max,
                                          const std::string& usage) {
    auto args = positional();
    if (args.size() < min || args.size() > max) {
        throw UsageError(m_command + ": expected " + usage);
    }
    return args;
}

std::optional<std::string> Args::take_subcommand(std::initializer_list<std::string_view> names) {
    if (m_args.empty()) {
        return std::nullopt;
    }
    for (const std::string_view name : names) {
        if (m_args.front() == name) {
            std::string taken = m_args.front();
            m_args.erase(m_args.begin());
            return taken;
        }
    }
    return std::nullopt;
}

double parse_non_negative(const std::string& text, const std::string& what) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size() && std::isfinite(value) && value >= 0) {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw UsageError(what + " '" + text + "' is not a non-negative number");
}

std::uint64_t parse_whole_number(const std::string& text, const std::string& what) {
    try {
        std::size_t used = 0;
        const unsigned long long value = std::stoull(text, &used);
        if (used == text.size() && !text.empty() && text.front() != '-') {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw UsageError(what + " '" + text + "' is not a whole number");
}

std::string login_name() {
    const char* user = std::getenv("USER");
    return user != nullptr && *user != '\0' ? user : "staff";
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (!item.empty()) {
            out.push_back(item);
        }
    }
    return out;
}

std::pair<int, int> parse_pixel_size(const std::string& text, const std::string& what, int min_px) {
    const auto x = text.find('x');
    int w = 0;
    int h = 0;
    try {
        if (x == std::string::npos || x == 0 || x + 1 >= text.size()) {
            throw std::invalid_argument(text);
        }
        const std::string ws = text.substr(0, x);
        const std::string hs = text.substr(x + 1);
        std::size_t used_w = 0;
        std::size_t used_h = 0;
        w = std::stoi(ws, &used_w);
        h = std::stoi(hs, &used_h);
        if (used_w != ws.size() || used_h != hs.size() || !std::isdigit(ws[0]) ||
            !std::isdigit(hs[0])) {
            throw std::invalid_argument(text);
        }
    } catch (const std::exception&) {
        throw UsageError(what + " '" + text + "' is not WIDTHxHEIGHT in pixels");
    }
    constexpr int max_px = 16384;
    if (w < min_px || h < min_px || w > max_px || h > max_px) {
        throw UsageError(what + " '" + text + "' is outside " + std::to_string(min_px) + "x" +
                         std::to_string(min_px) + " to 16384x16384 pixels");
    }
    return {w, h};
}

} // namespace ykm::cli

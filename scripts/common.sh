# shellcheck shell=bash
# Shared by the scripts in this folder; sourced, not run.

YKM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
YKM_PACKAGE_LIST="$YKM_ROOT/installer/debian-packages.txt"
YKM_JOBS="${YKM_JOBS:-2}"

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "error: '$*' needs root; run this script as root or install sudo" >&2
        return 1
    fi
}

# Prints the packages of the list's lines with the given kinds (build, run), one per line.
ykm_packages() {
    local kinds
    kinds="$(IFS='|'; echo "$*")"
    sed -E -e 's/#.*//' "$YKM_PACKAGE_LIST" |
        sed -n -E "s/^[[:space:]]*($kinds):[[:space:]]*//p" |
        tr -s ' \t' '\n' | sed '/^$/d'
}

# Configures a CMake preset, with Ninja when the build folder is new.
ykm_configure() {
    local preset="$1"
    if [[ -f "$YKM_ROOT/build/$preset/CMakeCache.txt" ]]; then
        cmake --preset "$preset"
    else
        CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}" cmake --preset "$preset"
    fi
}

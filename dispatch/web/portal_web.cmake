# The contractor portal's web page (dispatch/web), bundled at build time and compiled into
# ykm_dispatch as portal_assets.cpp (ykm/dispatch/portal_assets.hpp). Included from
# dispatch/CMakeLists.txt.
#
#   package.json + package-lock.json --npm ci--> <build>/dispatch/web/node_modules
#   src/*.js, src/app.css, index.html --esbuild--> <build>/dispatch/web/dist
#   dist --embed_assets.cmake--> <build>/dispatch/portal_assets.cpp
#
# npm packages are installed in the build folder, never in the source tree.

find_program(YKM_NPM NAMES npm)
find_program(YKM_NODE NAMES node nodejs)
if(NOT YKM_NODE)
    message(FATAL_ERROR "Node.js is needed to bundle the contractor portal's page: install the "
                        "Debian package 'nodejs' (see installer/debian-packages.txt)")
endif()
if(NOT YKM_NPM)
    message(FATAL_ERROR "npm is needed to bundle the contractor portal's page: install the "
                        "Debian package 'npm' (see installer/debian-packages.txt)")
endif()

set(YKM_PORTAL_WEB_SOURCE_DIR "${CMAKE_CURRENT_SOURCE_DIR}/web")
# The folder with node_modules (esbuild, leaflet, playwright-core); the portal end-to-end test
# takes playwright-core from here.
set(YKM_PORTAL_WEB_BINARY_DIR "${CMAKE_CURRENT_BINARY_DIR}/web" CACHE INTERNAL
    "Build folder of the contractor portal's page")
set(YKM_PORTAL_ASSETS_CPP "${CMAKE_CURRENT_BINARY_DIR}/portal_assets.cpp")

set(ykm_portal_web_sources
    index.html
    favicon.svg
    src/api.js
    src/app.css
    src/dom.js
    src/i18n.js
    src/live.js
    src/login.js
    src/main.js
    src/map.js
    src/order.js
    src/orders.js
    src/reports.js
    src/status.js
    src/vehicles.js
)
list(TRANSFORM ykm_portal_web_sources PREPEND "${YKM_PORTAL_WEB_SOURCE_DIR}/")

set(ykm_web "${YKM_PORTAL_WEB_BINARY_DIR}")
set(ykm_npm_stamp "${ykm_web}/npm-ci.stamp")

# npm ci again only when the lock file (or package.json) changes.
add_custom_command(
    OUTPUT "${ykm_npm_stamp}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${ykm_web}"
    COMMAND "${CMAKE_COMMAND}" -E copy_if_different
            "${YKM_PORTAL_WEB_SOURCE_DIR}/package.json"
            "${YKM_PORTAL_WEB_SOURCE_DIR}/package-lock.json" "${ykm_web}"
    COMMAND "${YKM_NPM}" ci --no-audit --no-fund --prefer-offline --loglevel=error
    COMMAND "${CMAKE_COMMAND}" -E touch "${ykm_npm_stamp}"
    WORKING_DIRECTORY "${ykm_web}"
    DEPENDS "${YKM_PORTAL_WEB_SOURCE_DIR}/package.json" "${YKM_PORTAL_WEB_SOURCE_DIR}/package-lock.json"
    COMMENT "Installing the contractor portal's npm packages (npm ci)"
    VERBATIM)

# esbuild resolves 'leaflet' through NODE_PATH, since the sources stay in the source tree. The
# images (Leaflet's markers) keep their names so that the CSS and JS refer to them plainly; the
# server's ETags take care of caching.
add_custom_command(
    OUTPUT "${YKM_PORTAL_ASSETS_CPP}"
    COMMAND "${CMAKE_COMMAND}" -E rm -rf "${ykm_web}/dist"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${ykm_web}/dist/assets"
    COMMAND "${CMAKE_COMMAND}" -E env "NODE_PATH=${ykm_web}/node_modules"
            "${ykm_web}/node_modules/.bin/esbuild"
            "${YKM_PORTAL_WEB_SOURCE_DIR}/src/main.js"
            --bundle --minify --format=iife --target=es2020 --charset=utf8
            --outfile=${ykm_web}/dist/assets/app.js
            --loader:.png=file --asset-names=images/[name] --public-path=/assets/
            --log-level=warning
    COMMAND "${CMAKE_COMMAND}" -E copy "${YKM_PORTAL_WEB_SOURCE_DIR}/index.html" "${ykm_web}/dist/"
    COMMAND "${CMAKE_COMMAND}" -E copy "${YKM_PORTAL_WEB_SOURCE_DIR}/favicon.svg" "${ykm_web}/dist/assets/"
    COMMAND "${CMAKE_COMMAND}" -DDIST=${ykm_web}/dist -DOUTPUT=${YKM_PORTAL_ASSETS_CPP}
            -P "${YKM_PORTAL_WEB_SOURCE_DIR}/embed_assets.cmake"
    WORKING_DIRECTORY "${ykm_web}"
    DEPENDS "${ykm_npm_stamp}" ${ykm_portal_web_sources}
            "${YKM_PORTAL_WEB_SOURCE_DIR}/embed_assets.cmake"
    COMMENT "Bundling the contractor portal's page (esbuild) into portal_assets.cpp"
    VERBATIM)

#pragma once

// The contractor portal's web page (HTML, JavaScript, CSS, images), bundled from dispatch/web at
// build time and compiled into the program so that the portal needs no files at run time.

#include <span>
#include <string_view>

namespace ykm::dispatch {

struct PortalAsset {
    std::string_view path;       ///< "/index.html", "/assets/app.js", ...
    std::string_view media_type; ///< "text/html; charset=utf-8", ...
    std::string_view content;
    std::string_view etag; ///< a quoted hash of the content
};

/// Every file of the bundled page.
std::span<const PortalAsset> portal_assets();

} // namespace ykm::dispatch

#pragma once

#include "ykm/gui/ui_text.hpp"

namespace ykm::gui {

/// Loads the gettext catalog of `language` (English needs none: it is the source language),
/// looking in the build tree's locale folder beside the executable first, then in the install
/// prefix. Works without the system locale being installed. Returns false when the catalog
/// of a non-source language was not found; the window then speaks English.
bool set_up_translations(UiLanguage language);

} // namespace ykm::gui

#include "translations.hpp"

#include <wx/filename.h>
#include <wx/stdpaths.h>
#include <wx/translation.h>

#ifndef YKM_INSTALL_LOCALE_DIR
#define YKM_INSTALL_LOCALE_DIR "/usr/share/locale"
#endif

namespace ykm::gui {

bool set_up_translations(UiLanguage language) {
    auto* translations = new wxTranslations;
    wxTranslations::Set(translations);
    // The executable is build/gui/yukimichi in a build tree (catalogs in build/locale) or
    // PREFIX/bin/yukimichi when installed (catalogs in PREFIX/share/locale).
    const wxFileName exe(wxStandardPaths::Get().GetExecutablePath());
    wxFileName build_tree = wxFileName::DirName(exe.GetPath());
    build_tree.RemoveLastDir();
    build_tree.AppendDir("locale");
    wxFileName prefix = wxFileName::DirName(exe.GetPath());
    prefix.RemoveLastDir();
    prefix.AppendDir("share");
    prefix.AppendDir("locale");
    for (const wxString& dir :
         {build_tree.GetPath(), prefix.GetPath(), wxString(YKM_INSTALL_LOCALE_DIR)}) {
        if (wxFileName::DirExists(dir)) {
            wxFileTranslationsLoader::AddCatalogLookupPathPrefix(dir);
        }
    }
    translations->SetLanguage(language == UiLanguage::japanese ? wxLANGUAGE_JAPANESE
                                                               : wxLANGUAGE_ENGLISH_US);
    const bool found = translations->AddCatalog("yukimichi", wxLANGUAGE_ENGLISH_US);
    return found || language == UiLanguage::english;
}

} // namespace ykm::gui

#include "screenshot.hpp"

#include "ykm/gis/error.hpp"

#include <wx/bitmap.h>
#include <wx/dcmemory.h>
#include <wx/dcscreen.h>
#include <wx/image.h>
#include <wx/toplevel.h>

namespace ykm::gui {

void save_window_png(wxTopLevelWindow& window, const std::filesystem::path& file) {
    const wxRect rect = window.GetScreenRect();
    wxBitmap bitmap(rect.GetSize(), 24);
    {
        wxMemoryDC memory(bitmap);
        wxScreenDC screen;
        if (!memory.Blit(0, 0, rect.width, rect.height, &screen, rect.x, rect.y)) {
            throw Error("cannot read the screen to make " + file.string());
        }
    }
    if (wxImage::FindHandler(wxBITMAP_TYPE_PNG) == nullptr) {
        wxImage::AddHandler(new wxPNGHandler);
    }
    const wxImage image = bitmap.ConvertToImage();
    if (!image.IsOk() || !image.SaveFile(wxString::FromUTF8(file.string()), wxBITMAP_TYPE_PNG)) {
        throw Error("cannot write the screenshot " + file.string());
    }
}

} // namespace ykm::gui

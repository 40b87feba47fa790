#include "screenshot.hpp"

#include "ykm/gis/error.hpp"

#include <wx/bitmap.h>
#include <wx/dcmemory.h>
#include <wx/dcscreen.h>
#include <wx/graphics.h>
#include <wx/image.h>
#include <wx/toplevel.h>

#include <cairo.h>

namespace ykm::gui {

void save_window_png(wxTopLevelWindow& window, const std::filesystem::path& file) {
    const wxRect rect = window.GetScreenRect();
    wxBitmap bitmap(rect.GetSize(), 24);
    {
        wxMemoryDC memory(bitmap);
        wxScreenDC screen;
        // GTK 3 keeps one cairo surface for the root window, and cairo keeps what it read of
        // it: without this every later screenshot of a run would repeat the first one.
        if (wxGraphicsContext* gc = screen.GetGraphicsContext()) {
            if (auto* cr = static_cast<cairo_t*>(gc->GetNativeContext())) {
                cairo_surface_mark_dirty(cairo_get_target(cr));
            }
        }
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

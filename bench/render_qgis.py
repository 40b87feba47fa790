#!/usr/bin/env python3
"""Renders a Yukimichi project's road_segments layer with QGIS, styled like `ykm render`.

    render_qgis.py PROJECT --bbox XMIN,YMIN,XMAX,YMAX [--size 1920x1080] [--reps N]
                   [--job sequential|parallel] [--provider spatialite|ogr] [-o OUT.png]

The bbox is in the project CRS (metres; write --bbox=-1,... when it starts with a minus); QGIS
widens it to the picture's aspect ratio about its centre, as ykm does. Roads are coloured by snow
priority class (Okabe-Ito palette) with the same pixel widths as the ykm renderer, higher classes
drawn over lower ones, round caps and joins, antialiased, on the ykm map background. The layer
is read through QGIS's SpatiaLite provider (the faster of the two here; --provider ogr for
GDAL's). It is loaded once, then rendered REPS times; each render's seconds (start of the job
to the finished image) is printed as `render_s S`, then `median_render_s S`. With -o the last
picture is written as PNG (not timed).
Runs without a display (QT_QPA_PLATFORM=offscreen).
"""

import argparse
import os
import re
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402 (the platform must be set before Qt loads)
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsDataSourceUri,
    QgsLineSymbol,
    QgsMapRendererParallelJob,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsRectangle,
    QgsRendererCategory,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

# Colour and stroke width in pixels by priority class, as gis::priority_colour and
# gis::priority_line_width_px give them (read from gis/src/map_renderer.cpp when the script runs
# from the source tree, so that both sides draw the same); None stands for roads without a class.
PRIORITY_STYLE = {
    1: ("#D55E00", 5.0),
    2: ("#0072B2", 4.0),
    3: ("#009E73", 2.0),
    None: ("#999999", 1.0),
}
# gis::map_background
BACKGROUND = "#F7F9FB"
RENDERER_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gis", "src",
                               "map_renderer.cpp")
CLASS_NUMBERS = {"first": 1, "second": 2, "third": 3, "none": None}


def function_body(source, signature):
    start = source.find(signature)
    if start < 0:
        return None
    end = source.find("\n}\n", start)
    return source[start:end] if end > 0 else None


def read_renderer_style(path):
    """The colours and widths by class that the ykm renderer's source gives, or None."""
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
    except OSError:
        return None
    colours = function_body(source, "Rgb priority_colour(PriorityClass priority)")
    widths = function_body(source, "double priority_line_width_px(PriorityClass priority)")
    if colours is None or widths is None:
        return None
    rgb = r"\{0x([0-9A-Fa-f]{2}), 0x([0-9A-Fa-f]{2}), 0x([0-9A-Fa-f]{2})\}"
    style = {}
    for name, r, g, b in re.findall(r"case PriorityClass::(\w+):\s*return " + rgb, colours):
        style[CLASS_NUMBERS[name]] = [f"#{r}{g}{b}".upper(), None]
    fallback = re.findall(r"\n    return " + rgb + ";", colours)
    if fallback and None not in style:
        style[None] = ["#" + "".join(fallback[-1]).upper(), None]
    for name, width in re.findall(r"case PriorityClass::(\w+):\s*return ([0-9.]+);", widths):
        if CLASS_NUMBERS[name] in style:
            style[CLASS_NUMBERS[name]][1] = float(width)
    fallback = re.findall(r"\n    return ([0-9.]+);", widths)
    if fallback and None in style and style[None][1] is None:
        style[None][1] = float(fallback[-1])
    if set(style) != set(PRIORITY_STYLE) or any(w is None for _, w in style.values()):
        return None
    return {k: tuple(v) for k, v in style.items()}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project")
    parser.add_argument("--bbox", required=True, help="XMIN,YMIN,XMAX,YMAX in the project CRS")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--job", choices=("sequential", "parallel"), default="sequential")
    parser.add_argument("--provider", choices=("spatialite", "ogr"), default="spatialite")
    parser.add_argument("-o", "--output")
    args = parser.parse_args()
    try:
        args.bbox = [float(v) for v in args.bbox.split(",")]
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error("--bbox takes four numbers, --size WxH")
    if len(args.bbox) != 4:
        parser.error("--bbox takes four numbers")
    args.size = QSize(width, height)
    return args


def load_roads(project, provider):
    if provider == "ogr":
        layer = QgsVectorLayer(f"{project}|layername=road_segments", "roads", "ogr")
    else:
        uri = QgsDataSourceUri()
        uri.setDatabase(project)
        uri.setDataSource("", "road_segments", "geom")
        layer = QgsVectorLayer(uri.uri(), "roads", "spatialite")
    if not layer.isValid():
        sys.exit(f"render_qgis.py: {project}: cannot load road_segments ({provider})")
    return layer


def priority_renderer(style):
    categories = []
    # Highest class last in the list and highest rendering level: drawn on top.
    for level, priority in enumerate((None, 3, 2, 1)):
        colour, width_px = style[priority]
        symbol = QgsLineSymbol.createSimple(
            {"line_color": colour, "capstyle": "round", "joinstyle": "round"}
        )
        symbol.setWidth(width_px)
        symbol.setWidthUnit(QgsUnitTypes.RenderPixels)
        symbol.symbolLayer(0).setRenderingPass(level)
        # An empty value is the category of NULL and every other value.
        value = "" if priority is None else priority
        categories.append(QgsRendererCategory(value, symbol, str(priority or "none")))
    renderer = QgsCategorizedSymbolRenderer("priority", categories)
    renderer.setUsingSymbolLevels(True)
    return renderer


def main():
    args = parse_args()
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()

    layer = load_roads(args.project, args.provider)
    style = read_renderer_style(RENDERER_SOURCE) or PRIORITY_STYLE
    print("style " + ", ".join(f"{k or 'none'}:{c}/{w:g}px" for k, (c, w) in style.items()))
    layer.setRenderer(priority_renderer(style))

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(args.size)
    settings.setOutputDpi(96.0)
    settings.setBackgroundColor(QColor(BACKGROUND))
    settings.setExtent(QgsRectangle(*args.bbox))

    job_type = {
        "sequential": QgsMapRendererSequentialJob,
        "parallel": QgsMapRendererParallelJob,
    }[args.job]
    seconds = []
    image = None
    for _ in range(args.reps):
        job = job_type(settings)
        start = time.perf_counter()
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        seconds.append(time.perf_counter() - start)
        print(f"render_s {seconds[-1]:.4f}", flush=True)
    if seconds:
        print(f"median_render_s {statistics.median(seconds):.4f}")
    if args.output and image is not None:
        if not image.save(args.output, "PNG"):
            sys.exit(f"render_qgis.py: cannot write {args.output}")
    del layer
    app.exitQgis()


if __name__ == "__main__":
    main()

"""Maps as PNG: the result's GeoJSON layers drawn over the dong boundaries, offline (no tiles, no internet).

Why not a web map screenshot: the intranet has no tile server and a report must be produced by a background job
without a browser. The dong boundaries (a GeoJSON base layer the caller passes in) give enough orientation for a
parking team; analyses draw cells, sites and catchments on top.

Coordinates are WGS84 longitude/latitude drawn in an equirectangular view whose aspect is corrected by
``1 / cos(latitude)``, which at Korean latitudes distorts distances by well under 1 % across a city. A scale bar
in metres is drawn in the lower right.

Layer styling (``MapLayer.style``), shared with the web map:

``color``, ``stroke``, ``opacity``, ``radius``
    fill or marker colour, outline colour, fill opacity (0-1) and point marker radius in points;
``property`` + ``categories``
    colour by a class: ``{"property": "class", "categories": {"hot_99": "#b2182b", "hot_95": "#ef8a62"}}``,
    optional ``labels`` ``{"hot_99": "핫스팟 99%"}`` for the legend and ``other`` for classes not listed
    (default light grey, e.g. cells that are not significant);
``property`` (+ ``cmap``, ``vmin``, ``vmax``)
    colour by a number through a matplotlib colormap (default ``YlOrRd``), with a colour bar;
``overlay: true``
    draw this layer on the previous layer's map instead of a map of its own (e.g. chosen sites over demand);
``fit: true``
    zoom the map to this layer only (e.g. the chosen sites, not far-away existing facilities);

and per feature, the simplestyle properties ``fill``, ``stroke`` and ``marker-color`` override the layer's.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from mokmin.analyses.base import MapLayer
from mokmin.reports.content import LABELS, Figure
from mokmin.reports.render import PALETTE, drawing, new_figure, to_png

MAP_WIDTH = 8.0  # inches
BASE_FILL, BASE_EDGE = "#f1f1ee", "#9a9a9a"
OTHER_FILL = "#d9d9d9"  # features whose class is not in ``categories`` (e.g. not significant)
LABEL_KEYS = ("name", "adm_nm", "dong", "행정동", "동명")
MAX_BASE_LABELS = 80

Ring = list[tuple[float, float]]


def render_maps(layers: Sequence[MapLayer], *, base_layer: MapLayer | Mapping[str, Any] | None = None,
                language: str = "ko") -> list[Figure]:
    """One PNG :class:`Figure` per map: each layer gets a map unless its style says ``overlay``."""
    groups: list[list[MapLayer]] = []
    for layer in layers:
        if groups and layer.style.get("overlay"):
            groups[-1].append(layer)
        else:
            groups.append([layer])
    base = base_layer.geojson if isinstance(base_layer, MapLayer) else base_layer
    return [render_map(group, base=base, language=language) for group in groups]


def render_map(layers: Sequence[MapLayer], *, base: Mapping[str, Any] | None = None, language: str = "ko"
               ) -> Figure:
    """The layers, first at the bottom, over ``base`` (a FeatureCollection), zoomed to the layers' extent."""
    title = " · ".join(layer.title_en if language == "en" else layer.title_ko for layer in layers[:2])
    fit = [layer for layer in layers if layer.style.get("fit")]  # zoom to these (e.g. chosen sites), as on the page
    extent = (_extent([layer.geojson for layer in fit]) if fit else None) or _extent(
        [layer.geojson for layer in layers]) or (_extent([base]) if base else None)
    extent = _padded(extent or (126.9, 37.4, 127.1, 37.6), 0.15 if fit else 0.06)
    west, south, east, north = extent
    ratio = 1.0 / math.cos(math.radians((south + north) / 2))
    height = min(10.0, max(4.0, MAP_WIDTH * (north - south) * ratio / (east - west)))
    with drawing():
        figure = new_figure((MAP_WIDTH, height))
        axes = figure.add_subplot()
        if base:
            _draw_base(axes, base, extent)
        handles: list[Any] = []
        for number, layer in enumerate(layers):
            handles.extend(_draw_layer(figure, axes, layer, number, language))
        axes.set_xlim(west, east)
        axes.set_ylim(south, north)
        axes.set_aspect(ratio)
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():
            spine.set_visible(True)
            spine.set_color("#bbbbbb")
        if not any(_features(layer.geojson) for layer in layers):
            axes.text(0.5, 0.5, LABELS[language]["empty"], transform=axes.transAxes, ha="center", color="#666666",
                      bbox={"facecolor": "white", "edgecolor": "none"}, zorder=60)
        if handles:
            axes.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
        _scale_bar(axes, extent)
        axes.set_title(title, loc="left")
        png, width, pixels_high = to_png(figure)
    return Figure(kind="map", caption=title, png=png, width=width, height=pixels_high)


# ------------------------------------------------------------------------------------------------- geometry

def _features(geojson: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not geojson:
        return []
    if geojson.get("type") == "FeatureCollection":
        return [f for f in geojson.get("features") or [] if f and f.get("geometry")]
    if geojson.get("type") == "Feature":
        return [geojson] if geojson.get("geometry") else []
    return [{"type": "Feature", "geometry": geojson, "properties": {}}]


def _parts(geometry: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(``polygon`` | ``line`` | ``point``, coordinates) for each simple part of a geometry."""
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "GeometryCollection":
        for member in geometry.get("geometries") or []:
            yield from _parts(member)
    elif kind == "Polygon":
        yield "polygon", coords
    elif kind == "MultiPolygon":
        yield from (("polygon", polygon) for polygon in coords or [])
    elif kind == "LineString":
        yield "line", coords
    elif kind == "MultiLineString":
        yield from (("line", line) for line in coords or [])
    elif kind == "Point":
        yield "point", coords
    elif kind == "MultiPoint":
        yield from (("point", point) for point in coords or [])


def _positions(geojson: Mapping[str, Any] | None) -> Iterator[tuple[float, float]]:
    for feature in _features(geojson):
        for kind, coords in _parts(feature["geometry"]):
            if kind == "point":
                yield float(coords[0]), float(coords[1])
            else:
                for ring in coords if kind == "polygon" else [coords]:
                    yield from ((float(p[0]), float(p[1])) for p in ring)


def _extent(collections: Sequence[Mapping[str, Any] | None]) -> tuple[float, float, float, float] | None:
    points = [p for geojson in collections for p in _positions(geojson)]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _padded(extent: tuple[float, float, float, float], share: float = 0.06) -> tuple[float, float, float, float]:
    """The extent widened by ``share`` on each side, and at least ~500 m across so one point is not a blur."""
    west, south, east, north = extent
    pad_x = max((east - west) * share, 0.003)
    pad_y = max((north - south) * share, 0.0025)
    return west - pad_x, south - pad_y, east + pad_x, north + pad_y


def _polygon_path(rings: Sequence[Sequence[Sequence[float]]]) -> Any:
    """A compound path (outer ring and holes), so holes stay empty."""
    from matplotlib.path import Path

    return Path.make_compound_path(*(Path([(float(p[0]), float(p[1])) for p in ring], closed=False)
                                     for ring in rings if len(ring) >= 3))


# ------------------------------------------------------------------------------------------------- drawing

def _draw_base(axes: Any, base: Mapping[str, Any], extent: tuple[float, float, float, float]) -> None:
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.patheffects import withStroke

    features = _features(base)
    paths = [_polygon_path(c) for f in features for k, c in _parts(f["geometry"]) if k == "polygon"]
    lines = [c for f in features for k, c in _parts(f["geometry"]) if k == "line"]
    if paths:
        axes.add_collection(PathCollection(paths, sizes=None, facecolors=BASE_FILL, edgecolors=BASE_EDGE,
                                           linewidths=0.6, zorder=0))
    if lines:
        axes.add_collection(LineCollection(lines, colors=BASE_EDGE, linewidths=0.6, zorder=0))
    if len(features) > MAX_BASE_LABELS:
        return
    west, south, east, north = extent
    for feature in features:
        properties = feature.get("properties") or {}
        name = next((properties[k] for k in LABEL_KEYS if properties.get(k)), None)
        centre = _centre(feature["geometry"])
        if name and centre and west < centre[0] < east and south < centre[1] < north:
            axes.text(centre[0], centre[1], str(name), fontsize=7, color="#555555", ha="center", va="center",
                      zorder=40, clip_on=True, path_effects=[withStroke(linewidth=2, foreground="white")])


def _centre(geometry: Mapping[str, Any]) -> tuple[float, float] | None:
    """A label point inside the largest polygon part (shapely's representative point)."""
    from shapely.geometry import shape

    try:
        polygon = shape(geometry)
        if polygon.geom_type == "MultiPolygon":
            polygon = max(polygon.geoms, key=lambda g: g.area)
        point = polygon.representative_point()
    except (ValueError, TypeError, AttributeError):
        return None
    return float(point.x), float(point.y)


def _draw_layer(figure: Any, axes: Any, layer: MapLayer, number: int, language: str) -> list[Any]:
    """Draw one layer; returns its legend handles."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    style = layer.style
    features = _features(layer.geojson)
    default = str(style.get("color") or PALETTE[number % len(PALETTE)])
    other = str(style.get("other") or OTHER_FILL)
    key = style.get("property")
    categories: Mapping[Any, str] = style.get("categories") or {}
    labels: Mapping[Any, str] = style.get("labels") or {}
    norm = cmap = None
    if key and not categories:
        numbers = [v for f in features if _is_number(v := (f.get("properties") or {}).get(key))]
        if numbers:
            norm = Normalize(float(style.get("vmin", min(numbers))), float(style.get("vmax", max(numbers))))
            cmap = colormaps[str(style.get("cmap") or "YlOrRd")]

    def colour(properties: Mapping[str, Any], simple_key: str) -> Any:
        if properties.get(simple_key):
            return properties[simple_key]
        value = properties.get(key) if key else None
        if categories:
            return categories.get(value, categories.get(str(value), other))
        if norm is not None and cmap is not None and _is_number(value):
            return cmap(norm(float(value)))
        return default

    polygons: list[tuple[Any, Any]] = []
    lines: list[tuple[Any, Any]] = []
    points: list[tuple[tuple[float, float], Any]] = []
    for feature in features:
        properties = feature.get("properties") or {}
        for kind, coords in _parts(feature["geometry"]):
            if kind == "polygon":
                polygons.append((_polygon_path(coords), colour(properties, "fill")))
            elif kind == "line":
                lines.append((coords, colour(properties, "stroke")))
            elif kind == "point" and coords:
                points.append(((float(coords[0]), float(coords[1])), colour(properties, "marker-color")))
    opacity = float(style.get("opacity", 0.75))
    stroke = style.get("stroke", "white")
    zorder = 2 + number
    if polygons:
        axes.add_collection(PathCollection([p for p, _ in polygons], facecolors=[c for _, c in polygons],
                                           edgecolors=stroke, linewidths=0.3, alpha=opacity, zorder=zorder))
    if lines:
        axes.add_collection(LineCollection([c for c, _ in lines], colors=[c for _, c in lines], linewidths=1.6,
                                           zorder=zorder))
    if points:
        radius = float(style.get("radius", 5))
        axes.scatter([p[0] for p, _ in points], [p[1] for p, _ in points], s=radius ** 2,
                     c=[c for _, c in points], edgecolors=style.get("stroke", "#333333"), linewidths=0.6,
                     zorder=zorder + 10)
    title = layer.title_en if language == "en" else layer.title_ko
    if categories:
        present = {str((f.get("properties") or {}).get(key)) for f in features}
        return [Patch(facecolor=c, edgecolor="none", alpha=opacity, label=str(labels.get(v, v)))
                for v, c in categories.items() if str(v) in present]
    if norm is not None and cmap is not None:
        bar = figure.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.6, pad=0.01)
        bar.set_label(f"{title} ({key})", fontsize=8)
        return []
    if points and not polygons:
        return [Line2D([], [], marker="o", linestyle="", markerfacecolor=default, markeredgecolor="#333333",
                       label=title)]
    return [Patch(facecolor=default, alpha=opacity, label=title)] if features else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _scale_bar(axes: Any, extent: tuple[float, float, float, float]) -> None:
    """A bar of a round length (about a fifth of the map width) with its length in m or km."""
    west, south, east, north = extent
    metres_per_degree = 111_320 * math.cos(math.radians((south + north) / 2))
    target = (east - west) * metres_per_degree / 5
    length = next(n for n in (10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10) if n <= target or n == 10)
    span = length / metres_per_degree
    x1 = east - (east - west) * 0.04
    x0, y = x1 - span, south + (north - south) * 0.04
    axes.plot([x0, x1], [y, y], color="#222222", linewidth=2.5, solid_capstyle="butt", zorder=50)
    text = f"{length // 1000} km" if length >= 1000 else f"{length} m"
    axes.text((x0 + x1) / 2, y + (north - south) * 0.012, text, ha="center", va="bottom", fontsize=8, zorder=50)


__all__ = ["render_map", "render_maps"]

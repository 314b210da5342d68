"""Coordinate reference systems and square grids: the one place where mokmin talks to PROJ.

Why EPSG:5186 everywhere inside: every distance, buffer, area and grid cell in an analysis is plain arithmetic
on metres, which is only honest in a projected CRS. EPSG:5186 (Korea 2000 / Central Belt 2010, a transverse
Mercator centred on 127°E with false easting 200 000 m and false northing 600 000 m at 38°N) is the CRS most
Korean local-government GIS layers use. Data arrives in EPSG:4326 (GPS, web maps, open data) or EPSG:5179
(Korea 2000 / Unified CS, used by 도로명주소 and national statistics grids) and is converted once at ingest;
maps are drawn in EPSG:4326 because GeoJSON (RFC 7946) requires it.

Why pyproj and not DuckDB's spatial extension: the intranet has no internet, and ``INSTALL spatial``
downloads. pyproj ships ``proj.db`` inside its wheel, so every transformation here works offline.

Axis order: every transformer is built with ``always_xy=True``, so geographic coordinates are always
``(lon, lat)`` and projected ones ``(x = easting, y = northing)``, whatever the EPSG axis order says.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar, overload

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer

from mokmin.errors import ConfigError

__all__ = [
    "EPSG_5179",
    "EPSG_5186",
    "EPSG_WGS84",
    "SUPPORTED_EPSG",
    "square_cell",
    "square_cell_bounds",
    "to_4326",
    "to_5186",
    "transform_geometry",
    "transform_xy",
    "transformer",
]

EPSG_WGS84 = 4326
"""WGS 84 longitude/latitude: GPS, web maps, GeoJSON."""
EPSG_5186 = 5186
"""Korea 2000 / Central Belt 2010 (metres): mokmin's working CRS."""
EPSG_5179 = 5179
"""Korea 2000 / Unified CS (metres): 도로명주소, national statistics grids."""

SUPPORTED_EPSG: frozenset[int] = frozenset({EPSG_WGS84, EPSG_5186, EPSG_5179})
"""CRSs that mokmin promises to handle. Others may work through :func:`transformer` but are not tested."""

G = TypeVar("G", bound=shapely.Geometry)


def _epsg_code(epsg: int | str) -> int:
    """Accept ``5186``, ``"5186"`` or ``"EPSG:5186"``: settings and dataset schemas spell it each way."""
    text = str(epsg).strip().upper().removeprefix("EPSG:")
    if not text.isdigit():
        raise ConfigError("epsg", str(epsg), "알 수 없는 좌표계 코드입니다 / unknown coordinate system code")
    return int(text)


@lru_cache(maxsize=32)
def _cached_transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{src}", f"EPSG:{dst}", always_xy=True)


def transformer(src: int | str, dst: int | str) -> Transformer:
    """A cached ``(x, y)``-ordered :class:`pyproj.Transformer` from ``src`` to ``dst`` (EPSG codes).

    Why cached: building a transformer opens ``proj.db`` and costs about a millisecond, which dominates when a
    caller transforms many small geometries one by one. A Transformer is reusable and, for the pure functions
    used here, safe to share within a thread.
    """
    src_code, dst_code = _epsg_code(src), _epsg_code(dst)
    try:
        return _cached_transformer(src_code, dst_code)
    except Exception as exc:  # pyproj.exceptions.CRSError and friends: translate at the boundary
        raise ConfigError("epsg", f"EPSG:{src_code} -> EPSG:{dst_code}",
                          "좌표 변환을 만들 수 없습니다 / no transformation between these") from exc


@overload
def transform_xy(x: float, y: float, src: int | str, dst: int | str) -> tuple[float, float]: ...
@overload
def transform_xy(x: ArrayLike, y: ArrayLike, src: int | str,
                 dst: int | str) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def transform_xy(x, y, src, dst):  # type: ignore[no-untyped-def]
    """Transform coordinates from ``src`` to ``dst``; scalars give floats, sequences/arrays give arrays.

    When ``src == dst`` the input is returned unchanged (as float or float array) without calling PROJ.
    """
    scalar = np.ndim(x) == 0 and np.ndim(y) == 0
    if _epsg_code(src) == _epsg_code(dst):
        if scalar:
            return float(x), float(y)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if not scalar and xs.size == 1 and ys.size == 1:  # PROJ reads a 1-element array as a scalar (NumPy warns)
        tx, ty = transformer(src, dst).transform(float(xs.ravel()[0]), float(ys.ravel()[0]))
        return np.full(xs.shape, tx, dtype=float), np.full(ys.shape, ty, dtype=float)
    tx, ty = transformer(src, dst).transform(xs, ys)
    if scalar:
        return float(tx), float(ty)
    return np.asarray(tx, dtype=float), np.asarray(ty, dtype=float)


@overload
def to_5186(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def to_5186(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def to_5186(lon, lat):  # type: ignore[no-untyped-def]
    """WGS 84 ``(lon, lat)`` in degrees to EPSG:5186 ``(x, y)`` in metres."""
    return transform_xy(lon, lat, EPSG_WGS84, EPSG_5186)


@overload
def to_4326(x: float, y: float) -> tuple[float, float]: ...
@overload
def to_4326(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def to_4326(x, y):  # type: ignore[no-untyped-def]
    """EPSG:5186 ``(x, y)`` in metres to WGS 84 ``(lon, lat)`` in degrees."""
    return transform_xy(x, y, EPSG_5186, EPSG_WGS84)


def transform_geometry(geom: G, src_epsg: int | str, dst_epsg: int | str) -> G:
    """Transform every vertex of a shapely 2 geometry (or an array of them) from ``src_epsg`` to ``dst_epsg``.

    Why vertex-wise: straight edges stay straight in the target CRS. Between these CRSs that is off by
    millimetres for edges of a few hundred metres, and it is what every GIS does; densify first
    (``shapely.segmentize``) when edges are kilometres long and the difference matters.
    """
    if _epsg_code(src_epsg) == _epsg_code(dst_epsg):
        return geom
    proj = transformer(src_epsg, dst_epsg)

    Array = NDArray[np.float64]

    def _apply(x: Array, y: Array) -> tuple[Array, Array]:
        tx, ty = proj.transform(x, y)
        return np.asarray(tx, dtype=float), np.asarray(ty, dtype=float)

    return shapely.transform(geom, _apply, interleaved=False)


@overload
def square_cell(x: float, y: float, size: float) -> tuple[int, int]: ...
@overload
def square_cell(x: ArrayLike, y: ArrayLike, size: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]: ...
def square_cell(x, y, size):  # type: ignore[no-untyped-def]
    """Index ``(i, j)`` of the ``size``-metre square cell holding EPSG:5186 point ``(x, y)``.

    Cell ``(i, j)`` covers ``[i*size, (i+1)*size) × [j*size, (j+1)*size)``. Why floor division and not
    rounding or truncation: floor keeps every cell the same size and half-open on both sides, including for
    negative coordinates, so each point belongs to exactly one cell. Why not H3 or DuckDB's spatial grids:
    plain arithmetic runs unchanged as SQL in DuckDB and Spark (``floor(x / size)``) and needs no extension.
    """
    if not size > 0:
        raise ConfigError("size", str(size), "격자 크기는 양수여야 합니다 / the grid size must be positive")
    i = np.floor_divide(np.asarray(x, dtype=float), size).astype(np.int64)
    j = np.floor_divide(np.asarray(y, dtype=float), size).astype(np.int64)
    if i.ndim == 0 and j.ndim == 0:
        return int(i), int(j)
    return i, j


def square_cell_bounds(i: int, j: int, size: float) -> tuple[float, float, float, float]:
    """``(minx, miny, maxx, maxy)`` in EPSG:5186 of cell ``(i, j)``: the inverse of :func:`square_cell`."""
    return i * size, j * size, (i + 1) * size, (j + 1) * size

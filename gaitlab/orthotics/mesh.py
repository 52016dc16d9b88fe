"""A closed triangle mesh of the insole, with the suggested elements as relief, and its STL file.

The solid is the insole blank with its top surface raised or hollowed by the
suggested elements (:meth:`~gaitlab.orthotics.model.FootDesign.top_surface_mm`),
in the export frame (seen from above, x to the wearer's right, y from heel to
toes; a left foot mirrored), in mm:

- **bottom**: flat, z = 0, a fan of triangles from the outline's centroid;
- **top**: z = ``foot.top_surface_mm`` at every vertex (the blank's
  thickness plus the relief);
- **side wall**: vertical quads (two triangles each) along
  ``foot.insole_outline_mm``.

Construction: the outline is convex (a convex hull plus a margin), so it is
star-shaped from its centroid. Its vertices are kept and its edges divided so
that no rim segment is longer than ``perimeter / points``; the top surface is
``rings`` scaled copies of that rim around the centroid (ring ``k`` at
``k / rings`` of the way out), triangulated between consecutive rings, with a
fan around the centroid. With the defaults (rings at most 2 mm apart along
the longest ray, rim segments at most 1.5 mm) a 20 x 30 mm metatarsal pad is
covered by well over a hundred vertices.

The surface is exact at the vertices and linear between them, so the
summit of a dome between vertices is lowered: at the defaults by at most about
0.2 mm for a dome 20 mm wide and 5 mm high (less for wider domes), and a
recess's wall is a slope one sampling step wide. The x and y extents are
those of the insole outline exactly (its vertices are kept).

Triangles are ordered counter-clockwise seen from outside (outward normals,
right-hand rule); mirroring a left foot reverses the outline, which is put
back counter-clockwise first. Every edge is shared by exactly two triangles,
in opposite directions: the mesh is closed (watertight) and consistently
oriented, so slicers and CAM programs accept it without repair.

STL files are written with numpy-stl (``pip install 'gaitlab-toolkit[cad]'``),
binary by default, in mm, with unit normals and a fixed 80-byte header
(``gaitlab insole, <side> foot, mm, export frame``), so the same design gives
the same bytes.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gaitlab._validation import check_number
from gaitlab.errors import InvalidParameterError, MissingDependencyError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.orthotics.model import FootDesign
from gaitlab.orthotics.vector import ccw

__all__ = ["RIM_STEP_MM", "RING_STEP_MM", "insole_mesh", "stl_mesh", "write_stl"]

logger = logging.getLogger(__name__)

#: Default largest distance between two rings along the longest ray, mm.
RING_STEP_MM = 2.0
#: Default largest rim segment, mm.
RIM_STEP_MM = 1.5


def _densify(rim: NDArray[np.float64], step_mm: float) -> NDArray[np.float64]:
    """Return the closed polygon with every edge cut into pieces no longer than ``step_mm``."""
    nxt = np.roll(rim, -1, axis=0)
    lengths = np.hypot(*(nxt - rim).T)
    parts = np.maximum(1, np.ceil(lengths / step_mm - 1e-9).astype(np.int64))
    edge = np.repeat(np.arange(len(rim)), parts)
    start = np.repeat(np.cumsum(parts) - parts, parts)
    t = (np.arange(parts.sum()) - start) / parts[edge]
    out: NDArray[np.float64] = rim[edge] + t[:, None] * (nxt[edge] - rim[edge])
    return out


def _centroid(polygon: NDArray[np.float64]) -> NDArray[np.float64]:
    x, y = polygon.T
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = cross.sum() / 2.0
    return np.array([((x + xn) * cross).sum(), ((y + yn) * cross).sum()]) / (6.0 * area)


def insole_mesh(
    foot: FootDesign, *, rings: int | None = None, points: int | None = None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return a closed triangle mesh of a foot's insole with its relief, export frame, mm.

    Parameters
    ----------
    foot : FootDesign
        The foot.
    rings : int, optional
        Rings of the top surface between the centroid and the rim. Default:
        rings at most :data:`RING_STEP_MM` apart along the longest ray.
    points : int, optional
        Lower bound of the rim's vertex count: edges are cut into segments no
        longer than ``perimeter / points`` (the outline's vertices are kept).
        Default: segments at most :data:`RIM_STEP_MM`.

    Returns
    -------
    vertices : ndarray, shape (n_vertices, 3)
        x, y, z in mm (export frame; z = 0 at the flat bottom).
    faces : ndarray of int, shape (n_faces, 3)
        Vertex indices of each triangle, counter-clockwise seen from outside.

    Raises
    ------
    InvalidParameterError
        If ``rings`` or ``points`` is not a positive whole number, or the
        insole outline is not star-shaped from its centroid.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False).recording)["left"]
    >>> vertices, faces = insole_mesh(foot)
    >>> bool(vertices[:, 2].min() == 0.0), bool(vertices[:, 2].max() >= foot.base_thickness_mm)
    (True, True)
    """
    rim = ccw(foot.to_export(foot.insole_outline_mm))
    keep = np.hypot(*(np.roll(rim, -1, axis=0) - rim).T) > 1e-9  # repeated or closing vertices
    rim = rim[keep]
    if len(rim) < 3:
        raise InvalidParameterError(f"the {foot.side} insole outline has fewer than 3 vertices")
    perimeter = float(np.hypot(*(np.roll(rim, -1, axis=0) - rim).T).sum())
    if points is None:
        step = RIM_STEP_MM
    else:
        step = perimeter / check_number("points", points, lo=3, integer=True)
    rim = _densify(rim, step)
    centre = _centroid(rim)
    angle = np.unwrap(np.arctan2(rim[:, 1] - centre[1], rim[:, 0] - centre[0]))
    turns = np.diff(np.append(angle, angle[0] + 2 * np.pi))
    if not (turns > 0).all():
        raise InvalidParameterError(
            f"the {foot.side} insole outline is not star-shaped from its centroid "
            f"({centre.round(1).tolist()} mm): it cannot be meshed by rings"
        )
    radius = float(np.hypot(*(rim - centre).T).max())
    if rings is None:
        n_rings = max(1, math.ceil(radius / RING_STEP_MM))
    else:
        n_rings = int(check_number("rings", rings, lo=1, integer=True))

    n = len(rim)
    scale = np.arange(1, n_rings + 1) / n_rings
    ring_xy = centre + scale[:, None, None] * (rim - centre)  # (rings, n, 2)
    top_xy = np.concatenate([centre[None, :], ring_xy.reshape(-1, 2)])
    top_z = foot.top_surface_mm(foot.to_export(top_xy))  # the mirror is its own inverse
    bottom_xy = np.concatenate([centre[None, :], rim])
    vertices = np.concatenate(
        [
            np.column_stack([top_xy, top_z]),
            np.column_stack([bottom_xy, np.zeros(len(bottom_xy))]),
        ]
    )

    j = np.arange(n)
    j1 = (j + 1) % n

    def ring(k: int) -> NDArray[np.int64]:  # vertex indices of top ring k (1-based)
        return 1 + (k - 1) * n + j

    faces = [np.column_stack([np.zeros(n, dtype=np.int64), ring(1), ring(1)[j1]])]
    for k in range(1, n_rings):
        inner, outer = ring(k), ring(k + 1)
        faces.append(np.column_stack([inner, outer, outer[j1]]))
        faces.append(np.column_stack([inner, outer[j1], inner[j1]]))
    bottom_centre = 1 + n_rings * n
    bottom = bottom_centre + 1 + j
    faces.append(np.column_stack([np.full(n, bottom_centre), bottom[j1], bottom]))
    top = ring(n_rings)
    faces.append(np.column_stack([bottom, bottom[j1], top[j1]]))
    faces.append(np.column_stack([bottom, top[j1], top]))
    return vertices, np.concatenate(faces).astype(np.int64)


def _stl() -> Any:
    try:
        from stl import mesh as stl_mesh
        from stl import stl as stl_format
    except ImportError as err:
        raise MissingDependencyError(
            "writing STL files needs the optional dependency numpy-stl: "
            "pip install 'gaitlab-toolkit[cad]'"
        ) from err
    return stl_mesh, stl_format


def stl_mesh(foot: FootDesign) -> Any:
    """Return a foot's insole as a numpy-stl mesh (see :func:`insole_mesh`), with unit normals.

    Parameters
    ----------
    foot : FootDesign
        The foot.

    Returns
    -------
    stl.mesh.Mesh
        One triangle per face of :func:`insole_mesh` (float32, mm).

    Raises
    ------
    MissingDependencyError
        If numpy-stl is not installed (``pip install 'gaitlab-toolkit[cad]'``).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False).recording)["right"]
    >>> solid = stl_mesh(foot)
    >>> solid.vectors.shape[1:], float(solid.z.min())
    ((3, 3), 0.0)
    """
    module, _ = _stl()
    header = f"gaitlab insole, {foot.side} foot, mm, export frame"

    class _Mesh(module.Mesh):  # type: ignore[misc, name-defined]
        def get_header(self, name: Any) -> str:  # a fixed header: same design, same bytes
            return header[:80].ljust(80)

    vertices, faces = insole_mesh(foot)
    data = np.zeros(len(faces), dtype=module.Mesh.dtype)
    data["vectors"] = vertices[faces]
    solid = _Mesh(data, calculate_normals=False, name=f"gaitlab_insole_{foot.side}")
    a, b, c = (vertices[faces[:, i]] for i in range(3))
    normals = np.cross(b - a, c - a)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    solid.normals[:] = normals
    return solid


def write_stl(
    path: str | os.PathLike[str], foot: FootDesign, *, binary: bool = True, overwrite: bool = False
) -> Path:
    """Write a foot's insole, with its relief, as an STL solid (mm, export frame).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (``.stl``).
    foot : FootDesign
        The foot (one file per foot).
    binary : bool
        Binary STL (compact, the default) or ASCII STL.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.
    MissingDependencyError
        If numpy-stl is not installed (``pip install 'gaitlab-toolkit[cad]'``).

    Examples
    --------
    >>> import tempfile
    >>> from stl import mesh
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False).recording)["left"]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_stl(Path(folder) / "left.stl", foot)
    ...     solid = mesh.Mesh.from_file(str(path))
    >>> len(solid.vectors) == len(insole_mesh(foot)[1])
    True
    """
    path = check_output(path, overwrite)
    solid = stl_mesh(foot)
    with atomic_output(path, overwrite) as tmp:
        _write_stl_to(tmp, solid, binary=binary)
    logger.info("wrote %s", path)
    return path


def _write_stl_to(tmp: Path, solid: Any, *, binary: bool) -> None:
    _, stl_format = _stl()
    mode = stl_format.Mode.BINARY if binary else stl_format.Mode.ASCII
    with open(tmp, "xb") as f:
        solid.save(tmp.name, fh=f, mode=mode, update_normals=False)

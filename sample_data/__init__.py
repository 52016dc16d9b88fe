"""Small example recordings that ship with gaitlab (``gaitlab.sample_data``).

The files live in the repository's top-level ``sample_data/`` folder and are
installed as this package, so they are there without network access. Each
has an entry in :data:`REGISTRY` with its SHA-256, a description and, for the
synthetic files, the recipe that rebuilds it (``python -m
gaitlab.sample_data --regenerate``). Provenance and licences: ``README.md``
beside this file.

Examples
--------
>>> from gaitlab import sample_data
>>> "walkway.h5" in sample_data.names()
True
>>> sample_data.path("walkway.h5").name
'walkway.h5'
"""

from __future__ import annotations

import hashlib
import logging
from importlib import resources
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["REGISTRY", "names", "path", "sha256"]

#: name -> {"sha256", "description", "recipe" (synthetic only)}
REGISTRY: dict[str, dict[str, Any]] = {
    "static_eyes_open.h5": {
        "sha256": "9bec45e800f589a0059487f4df7d9317709d11330e6bd4e8eb12cad602cbf400",
        "description": "synthetic quiet standing, both feet on a 0.5 m plate, eyes open, 10 s",
        "recipe": {"scenario": "static", "seed": 1, "eyes": "open", "duration_s": 10.0},
    },
    "walkway.h5": {
        "sha256": "a6166db521b284f27f4d65a8f527fae4fd478a36475f78c4b9b051cf98f2c538",
        "description": "synthetic walk over a 2 m x 0.5 m mat, 5 mm pitch, 100 Hz",
        "recipe": {"scenario": "walk", "seed": 1},
    },
    "insoles_grid.h5": {
        "sha256": "41afba2738abebcad97324b4c1b3d036ef5466bf35490018466b00da1d5d0753",
        "description": "synthetic pair of grid insoles (60 x 21 cells each), 100 Hz",
        "recipe": {"scenario": "insoles", "seed": 1, "layout": "grid", "duration_s": 6.0},
    },
    "insoles_sparse.h5": {
        "sha256": "c185361a23f8633c237bc6ca0507277730ccc20129a2a8c7e2d460b3b6273507",
        "description": "synthetic pair of 16-sensor insoles, 100 Hz",
        "recipe": {"scenario": "insoles", "seed": 1, "layout": "sparse", "duration_s": 6.0},
    },
    "vendor/tekscan_asf/FrasP01L.asf": {
        "sha256": "5c4b6c0a70a5e835aa71b1ebf6b64cce9c002cfb50bde86f10ea20ce69a2e2bd",
        "description": "Tekscan F-Scan ASCII export, left insole, 205 frames of 60 x 21 (MIT)",
    },
    "vendor/novel_pedar_asc/pressure_example.asc": {
        "sha256": "db7b77f6269928cb337ada4721c7263b588a1a6c616e28f2120f4b7af5c35365",
        "description": "novel pedar ASCII export, 99 + 99 sensors, 50 Hz (MIT)",
    },
    "vendor/moticon_opengo_txt/230927_102231.txt": {
        "sha256": "24443f2d3b21fd3a635abe1cae36d98084fa101685c5fdcd5ee4b922cdd4cf87",
        "description": "Moticon OpenGo text export, 16 + 16 sensors, 100 Hz (Apache-2.0)",
    },
    "vendor/moticon_opengo_txt/walk_data_with_events_text_export.txt": {
        "sha256": "37635888aa612f9010593a4302ce3195fc94cb1720e6fdbef5e794ca2f0e7236",
        "description": "Moticon OpenGo text export, newer header, with events (Apache-2.0)",
    },
}


def names() -> list[str]:
    """Return the names of the bundled files, synthetic ones first."""
    return list(REGISTRY)


def path(name: str) -> Path:
    """Return the path of a bundled file.

    Parameters
    ----------
    name : str
        One of :func:`names`.

    Raises
    ------
    KeyError
        For an unknown name (the message lists the known ones).
    FileNotFoundError
        If the installation lacks the file.
    """
    if name not in REGISTRY:
        raise KeyError(f"no sample file {name!r}; known: {', '.join(REGISTRY)}")
    with resources.as_file(resources.files(__name__).joinpath(name)) as found:
        found = Path(found)
    if not found.is_file():
        raise FileNotFoundError(f"sample file {name} is missing from this installation: {found}")
    return found


def sha256(file: Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(file, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build(name: str) -> Any:
    """Rebuild a synthetic sample file's trial from its recipe (a :class:`SyntheticTrial`)."""
    from gaitlab import synth

    recipe = dict(REGISTRY[name]["recipe"])
    scenario = recipe.pop("scenario")
    make = {"static": synth.static_standing, "walk": synth.walkway, "insoles": synth.insoles}
    return make[scenario](**recipe)


def regenerate(folder: Path) -> dict[str, str]:
    """Write the synthetic sample files into ``folder``; return their new SHA-256 digests.

    A maintenance tool (``python -m gaitlab.sample_data FOLDER``): after a
    deliberate change to :mod:`gaitlab.synth`, rebuild the files and paste
    the digests into :data:`REGISTRY`.
    """
    from gaitlab.io import write_recording

    digests = {}
    for name, entry in REGISTRY.items():
        if "recipe" in entry:
            target = Path(folder) / name
            write_recording(target, build(name).recording, overwrite=True, compression="gzip")
            digests[name] = sha256(target)
    return digests

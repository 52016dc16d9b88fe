"""Packaging: every sub-package ships, the sample data install with the package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gaitlab

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11; the check is the same on 3.10

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "gaitlab").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages"
    assert "gaitlab.sample_data" in listed


def test_public_api_is_exported():
    for name in gaitlab.__all__:
        assert hasattr(gaitlab, name), name
    assert gaitlab.__version__ != "0+unknown", "tests must run against an installed gaitlab"


def test_library_never_prints():
    # The library logs; only the command line prints (ruff T20 enforces this too).
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "gaitlab").rglob("*.py")
        if p.name != "cli.py" and re.search(r"(?<![\w.])print\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []

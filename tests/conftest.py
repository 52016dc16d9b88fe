"""Shared fixtures: a seeded generator, headless matplotlib, and small hand-made recordings."""

from __future__ import annotations

import os

import matplotlib
import numpy as np
import pytest
from hypothesis import settings

# CI runs the property and fuzz tests with a fixed seed, so a green run stays green on the same
# code; local runs keep drawing new examples, which is how they find new bugs.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

matplotlib.use("Agg")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")

"""The bundled sample files: present, intact, small, and reproducible from their recipe."""

from __future__ import annotations

import pytest

from gaitlab import read_recording, sample_data


@pytest.mark.parametrize("name", sample_data.names())
def test_sample_file_is_intact(name):
    path = sample_data.path(name)
    assert sample_data.sha256(path) == sample_data.REGISTRY[name]["sha256"]


def test_sample_data_stay_small():
    total = sum(sample_data.path(n).stat().st_size for n in sample_data.names())
    assert total < 10e6, f"sample data weigh {total / 1e6:.1f} MB; the budget is 10 MB"


def test_licences_ship_with_vendor_files():
    folders = {sample_data.path(n).parent for n in sample_data.names() if n.startswith("vendor/")}
    for folder in folders:
        assert list(folder.glob("LICENSE*")), f"{folder} has no licence file"


@pytest.mark.parametrize("name", [n for n, e in sample_data.REGISTRY.items() if "recipe" in e])
def test_synthetic_sample_is_reproducible(name):
    stored = read_recording(sample_data.path(name))
    assert stored == sample_data.build(name).recording


def test_unknown_name_lists_known_ones():
    with pytest.raises(KeyError, match=r"walkway\.h5"):
        sample_data.path("nope.h5")

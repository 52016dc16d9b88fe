"""Documentation is part of the API: every public function and class has a numpydoc docstring
with a runnable Examples section, and documents exactly the parameters it takes."""

from __future__ import annotations

import importlib
import inspect

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc

MODULES = [
    "gaitlab.recording",
    "gaitlab.synth",
    "gaitlab.corpus",
    "gaitlab.batch",
    "gaitlab.io",
    "gaitlab.io.native",
    "gaitlab.io.tekscan",
    "gaitlab.io.generic",
    "gaitlab.io.pedar",
    "gaitlab.io.moticon",
    "gaitlab.io.gaitpdb",
    "gaitlab.io.forceplate",
    "gaitlab.io.c3d",
    "gaitlab.io.tables",
    "gaitlab.io.matlab",
    "gaitlab.io.parquet",
    "gaitlab.testing",
    "gaitlab.reports.figures",
    "gaitlab.reports.document",
    "gaitlab.reports.render_pdf",
    "gaitlab.reports.render_html",
    "gaitlab.reports.norms",
    "gaitlab.reports.i18n",
    "gaitlab.reports.exam_report",
    "gaitlab.reports.batch_summary",
    "gaitlab.analysis",
    "gaitlab.analysis.basics",
    "gaitlab.analysis.footprints",
    "gaitlab.analysis.regions",
    "gaitlab.analysis.steps",
    "gaitlab.analysis.spatiotemporal",
    "gaitlab.analysis.dynamic",
    "gaitlab.analysis.sway",
    "gaitlab.analysis.static",
    "gaitlab.analysis.events",
    "gaitlab.analysis.timing",
    "gaitlab.analysis.exam",
    "gaitlab.analysis.indices",
    "gaitlab.analysis.symmetry",
    "gaitlab.analysis.registration",
    "gaitlab.compare",
    "gaitlab.orthotics",
    "gaitlab.orthotics.model",
    "gaitlab.orthotics.rules",
    "gaitlab.orthotics.design",
    "gaitlab.orthotics.literature",
    "gaitlab.orthotics.apd",
    "gaitlab.orthotics.vector",
    "gaitlab.orthotics.mesh",
    "gaitlab.orthotics.export",
    "gaitlab.orthotics.before_after",
    "gaitlab.reports.insole_report",
    "gaitlab.drivers",
    "gaitlab.drivers.base",
    "gaitlab.drivers.profile",
    "gaitlab.drivers.decoder",
    "gaitlab.drivers.ports",
    "gaitlab.drivers.live",
    "gaitlab.drivers.transport",
    "gaitlab.drivers.device",
    "gaitlab.drivers.journal",
    "gaitlab.drivers.recorder",
    "gaitlab.drivers.simulator",
    "gaitlab.drivers.protocols.gaitlab_binary",
    "gaitlab.drivers.protocols.ascii_matrix",
    "gaitlab.drivers.protocols.fixed_sync",
    "gaitlab.drivers.protocols.request_response",
    "gaitlab.drivers.protocols.zero_rle",
    "gaitlab.drivers.protocols.moticon_udp",
    "gaitlab.video",
    "gaitlab.video.reader",
    "gaitlab.video.sync",
    "gaitlab.video.synthetic",
    "gaitlab.video.markers",
    "gaitlab.video.angles",
    "gaitlab.video.heel_events",
    "gaitlab.video.export",
    "gaitlab.video.analysis",
]
# Result containers whose fields are documented under Attributes, not Parameters.
EXAMPLES_OPTIONAL = {
    "Gap",
    "StepTruth",
    "StanceTruth",
    "StaticTruth",
    "WalkwayTruth",
    "InsoleTruth",
    "SensorLayout",
}


def public_objects():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield pytest.param(obj, id=f"{module_name}.{name}")


def documented_parameters(doc) -> set[str]:
    names = set()
    for param in doc["Parameters"]:
        for name in param.name.split(","):
            names.add(name.strip().lstrip("*"))
    return names


@pytest.mark.parametrize("obj", list(public_objects()))
def test_public_object_is_documented(obj):
    assert inspect.getdoc(obj), f"{obj.__qualname__} has no docstring"
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return
    doc = ClassDoc(obj) if inspect.isclass(obj) else FunctionDoc(obj)
    if obj.__name__ not in EXAMPLES_OPTIONAL and not (
        inspect.isclass(obj) and obj.__module__.endswith("synth") and obj.__name__.endswith("Truth")
    ):
        assert doc["Examples"], f"{obj.__qualname__} has no Examples section"
    if inspect.isfunction(obj):
        signature = inspect.signature(obj)
        actual = {name for name, p in signature.parameters.items() if name not in ("self", "cls")}
        documented = documented_parameters(doc)
        assert documented == actual, (
            f"{obj.__qualname__}: documented {sorted(documented)} but takes {sorted(actual)}"
        )

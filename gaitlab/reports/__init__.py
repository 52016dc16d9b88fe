"""Figures and podiatry reports (PDF/HTML, English and French).

Figures use matplotlib's object-oriented API (``matplotlib.figure.Figure``),
never pyplot state, so they work headless, in threads and in batch runs.
"""

from gaitlab.reports.figures import plot_pressure_map

__all__ = ["plot_pressure_map"]

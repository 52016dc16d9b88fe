"""Parquet export: the long (tidy) table, for pandas, R's arrow, DuckDB, Spark and polars.

A pressure recording becomes the table of the long CSV shape (see
:mod:`gaitlab.io.tables`): one row per frame and active sensor, columns
``frame`` (int64), ``time_s`` (double), ``sensor`` and ``side``
(dictionary-encoded strings: categoricals in pandas, factors in R),
``x_mm``, ``y_mm``, ``area_mm2`` (double) and ``pressure_kpa`` (float, the
recording's float32 values as they are). A force recording becomes one row
per frame: ``frame, time_s, force_n, cop_x_mm, cop_y_mm`` and its channels.

Everything else (device, side, start time, metadata, the whole sensor
layout, the columns' units) is stored as JSON under the key ``gaitlab`` of
the file's schema metadata, the same document as the CSV sidecar; each
column's unit is also in its field metadata (key ``unit``).

Parquet support needs the optional dependency pyarrow
(``pip install 'gaitlab-toolkit[parquet]'``), imported only when writing.
Rows are written in row groups of about a million rows, so memory stays
bounded for recordings of any length.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from gaitlab.errors import MissingDependencyError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.io.tables import (
    _CHUNK_VALUES,
    _COLUMN_INFO,
    FORCE_COLUMNS,
    LONG_COLUMNS,
    _channel_columns,
    _check_recording,
    _sensor_names,
    _sensor_sides,
    _table_description,
)
from gaitlab.recording import ForceRecording, PressureRecording

__all__ = ["METADATA_KEY", "SUFFIXES", "write_parquet"]

logger = logging.getLogger(__name__)

#: File name suffixes of the Parquet writer.
SUFFIXES = (".parquet", ".pq")
#: Key of the schema metadata that holds gaitlab's JSON description.
METADATA_KEY = "gaitlab"

_INSTALL_HINT = "pip install 'gaitlab-toolkit[parquet]'"


def _import_pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as err:
        raise MissingDependencyError(
            f"writing Parquet files needs the optional dependency pyarrow: {_INSTALL_HINT}"
        ) from err
    return pyarrow, pyarrow.parquet


def _field(pa: Any, name: str, type_: Any) -> Any:
    unit = _COLUMN_INFO.get(name, (None, ""))[0]
    return pa.field(name, type_, metadata=None if unit is None else {"unit": unit})


def _write_long(
    pa: Any,
    pq: Any,
    handle: Any,
    recording: PressureRecording,
    *,
    metadata: str,
    nonzero_only: bool,
) -> None:
    layout = recording.layout
    active = np.flatnonzero(layout.active_mask)
    names = np.asarray(_sensor_names(layout), dtype=object)[active]
    sides = np.asarray(_sensor_sides(recording), dtype=object)[active]
    side_values, side_codes = np.unique(sides.astype(str), return_inverse=True)
    sensor_dictionary = pa.array(names.tolist(), type=pa.string())
    side_dictionary = pa.array(side_values.tolist(), type=pa.string())
    x = layout.centres_mm[active, 0]
    y = layout.centres_mm[active, 1]
    area = layout.areas_mm2[active]
    types = {
        "frame": pa.int64(),
        "time_s": pa.float64(),
        "sensor": pa.dictionary(pa.int32(), pa.string()),
        "side": pa.dictionary(pa.int8(), pa.string()),
        "x_mm": pa.float64(),
        "y_mm": pa.float64(),
        "area_mm2": pa.float64(),
        "pressure_kpa": pa.float32(),
    }
    schema = pa.schema([_field(pa, name, types[name]) for name in LONG_COLUMNS])
    schema = schema.with_metadata({METADATA_KEY: metadata})
    n = active.size
    step = max(1, _CHUNK_VALUES // max(n, 1))
    with pq.ParquetWriter(handle, schema) as writer:
        for start in range(0, recording.n_frames, step):
            stop = min(start + step, recording.n_frames)
            block = recording.pressure_kpa[start:stop, active]
            if nonzero_only:
                frames, sensors = np.nonzero(block)
                values = block[frames, sensors]
            else:
                frames = np.repeat(np.arange(stop - start), n)
                sensors = np.tile(np.arange(n), stop - start)
                values = block.reshape(-1)
            frames = frames + start
            sensor_index = pa.array(sensors.astype(np.int32))
            columns = [
                pa.array(frames.astype(np.int64)),
                pa.array(recording.timestamps_s[frames]),
                pa.DictionaryArray.from_arrays(sensor_index, sensor_dictionary),
                pa.DictionaryArray.from_arrays(
                    pa.array(side_codes[sensors].astype(np.int8)), side_dictionary
                ),
                pa.array(x[sensors]),
                pa.array(y[sensors]),
                pa.array(area[sensors]),
                pa.array(values.astype(np.float32, copy=False)),
            ]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))


def _frame_columns(pa: Any, recording: ForceRecording) -> tuple[dict[str, Any], list[Any]]:
    """Return the per-frame columns of a force recording and their fields (with units)."""
    cop = recording.cop_mm
    columns: dict[str, Any] = {
        "frame": np.arange(recording.n_frames, dtype=np.int64),
        "time_s": recording.timestamps_s,
        "force_n": recording.force_n,
        "cop_x_mm": cop[:, 0],
        "cop_y_mm": cop[:, 1],
    }
    units = {name: _COLUMN_INFO[name][0] for name in FORCE_COLUMNS}
    for name, names, values in _channel_columns(recording):
        for column, data in zip(names, values, strict=True):
            columns[column] = data
            units[column] = recording.channel_units.get(name) or None
    fields = [
        pa.field(
            name,
            pa.int64() if name == "frame" else pa.float64(),
            metadata=None if units[name] is None else {"unit": units[name]},
        )
        for name in columns
    ]
    return columns, fields


def write_parquet(
    path: str | os.PathLike[str],
    recording: PressureRecording | ForceRecording,
    *,
    nonzero_only: bool = False,
    overwrite: bool = False,
) -> Path:
    """Write a recording as a Parquet table (the long shape of the CSV export).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write, usually ending in ``.parquet``.
    recording : PressureRecording or ForceRecording
        The recording to export. Pressures are stored as float32, so the
        values read back are exactly the recording's; channels of a pressure
        recording are not in the long table (they belong to frames: use the
        wide CSV, the MAT-file or the native format for them).
    nonzero_only : bool
        Leave out the rows whose pressure is 0 (as in
        :func:`~gaitlab.io.tables.write_csv`). Ignored for force recordings.
    overwrite : bool
        Replace ``path`` if it exists. By default an existing file is kept
        and :class:`~gaitlab.errors.OutputExistsError` is raised.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    MissingDependencyError
        If pyarrow is not installed (an ``ImportError``); the message says
        ``pip install 'gaitlab-toolkit[parquet]'``.
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.
    FileNotFoundError, IsADirectoryError
        If the folder does not exist, or ``path`` is a folder.
    TypeError
        If ``recording`` is not a recording.

    Examples
    --------
    >>> import json
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> import pyarrow.parquet as pq
    >>> from gaitlab import PressureRecording
    >>> rec = PressureRecording.from_grid(
    ...     [[[0.0, 120.5], [0.0, 0.0]]], row_pitch_mm=5.0, sampling_rate_hz=100.0
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_parquet(Path(folder) / "step.parquet", rec)
    ...     table = pd.read_parquet(path)
    ...     info = json.loads(pq.read_schema(path).metadata[b"gaitlab"])
    >>> table[["sensor", "pressure_kpa"]].to_numpy().tolist()
    [['r0_c0', 0.0], ['r0_c1', 120.5], ['r1_c0', 0.0], ['r1_c1', 0.0]]
    >>> info["recording"]["layout"]["n_rows"]
    2
    """
    pa, pq = _import_pyarrow()
    _check_recording(recording)
    path = check_output(path, overwrite)
    pressure = isinstance(recording, PressureRecording)
    nonzero_only = nonzero_only and pressure

    def describe(columns: list[str], n_rows: int) -> str:
        description = _table_description(
            recording,
            table="long" if pressure else "frames",
            nonzero_only=nonzero_only,
            columns=columns,
            n_rows=n_rows,
            with_channels=not pressure,
            file=path.name,
        )
        return json.dumps(description, ensure_ascii=False, allow_nan=False)

    with atomic_output(path, overwrite) as tmp, open(tmp, "xb") as handle:
        if isinstance(recording, PressureRecording):
            active = recording.layout.active_mask
            n_rows = (
                int(np.count_nonzero(recording.pressure_kpa[:, active]))
                if nonzero_only
                else recording.n_frames * int(active.sum())
            )
            metadata = describe(list(LONG_COLUMNS), n_rows)
            _write_long(pa, pq, handle, recording, metadata=metadata, nonzero_only=nonzero_only)
        else:
            columns, fields = _frame_columns(pa, recording)
            n_rows = recording.n_frames
            schema = pa.schema(fields, metadata={METADATA_KEY: describe(list(columns), n_rows)})
            arrays = [pa.array(values) for values in columns.values()]
            pq.write_table(pa.Table.from_arrays(arrays, schema=schema), handle)
    logger.debug("wrote %s: %d rows, %s", path, n_rows, recording)
    return path

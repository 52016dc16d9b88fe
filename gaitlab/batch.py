"""Batch processing: many recordings to tidy tables, on local processes or a Dask cluster.

:func:`run_batch` finds every recording gaitlab can read under its inputs
(:func:`find_recordings`), runs the exam that suits each one
(:func:`gaitlab.analysis.exam.analyze`, through :func:`process_file`) and
writes tidy tables to an output folder: one row per trial, per step, per
region of a step and per sway measure, each row starting with the file and
the columns of an optional design table (:func:`read_design`: subject,
group, condition...), plus a table of what happened to every file. See
``docs/batch.md`` for the columns.

- **Same results everywhere.** :func:`process_file` is the only per-file
  code. It runs in-process (``jobs=1``), in a
  :class:`concurrent.futures.ProcessPoolExecutor` (``jobs > 1``) or on Dask
  workers (``engine='dask'``); workers get a path and read the file
  themselves. Its rows are plain JSON values, and the tables are assembled
  in file order after everything has run, so the output does not depend on
  the engine, the number of jobs or the order in which files finish.
- **Keep going.** A file that fails is reported in ``errors.csv`` with a
  one-line message; the others are processed.
- **Resume.** The rows of every file are kept in ``OUTDIR/.gaitlab-cache/``
  as one JSON per file, under a key made of the SHA-256 of the file's
  content, :meth:`BatchOptions.key` and the gaitlab version. A rerun into
  the same folder takes unchanged files from there (status ``'cached'``) and
  computes the others; failed files are tried again on every run.
- **Nothing overwritten by surprise.** An output folder that holds files
  that are not a batch's outputs is refused unless ``force=True``.

Why hand-written: Dask bags or dataframes could run the files, but the
runner also needs the local engines without Dask, the resume cache and a
deterministic table layout; what is left is a loop over futures.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import dataclasses
import errno
import hashlib
import importlib.util
import json
import logging
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from gaitlab._validation import check_number, check_option
from gaitlab._version import __version__
from gaitlab.analysis._results import AnalysisResult, plain
from gaitlab.analysis.exam import EXAMS, analyze
from gaitlab.errors import (
    DataFormatError,
    InvalidParameterError,
    MissingDependencyError,
    OutputExistsError,
)
from gaitlab.io import read_recording, readable_suffixes
from gaitlab.io._files import atomic_output

__all__ = [
    "ENGINES",
    "TABLES",
    "CACHE_FOLDER",
    "BatchOptions",
    "BatchResult",
    "find_recordings",
    "read_design",
    "process_file",
    "run_batch",
]

logger = logging.getLogger(__name__)

#: Values of ``engine``.
ENGINES = ("local", "dask")
#: The tidy tables, in the order they are written (``<name>.csv`` each).
TABLES = ("trials", "steps", "regions", "sway")
#: Folder of the resume cache inside the output folder.
CACHE_FOLDER = ".gaitlab-cache"

# Every table starts with these columns (after ``file`` and the design columns).
_BASE_COLUMNS: dict[str, tuple[str, ...]] = {
    "trials": ("exam", "method", "reason", "n_frames", "duration_s", "sampling_rate_hz"),
    "steps": ("step",),
    "regions": ("step", "side", "region"),
    "sway": ("measure", "value", "unit", "note"),
}
_ERROR_COLUMNS = ("file", "status", "message", "seconds")
# Names in the output folder that a batch writes (or that the summary page and per-file reports,
# written next to the tables by ``gaitlab batch --reports``, use): anything else is foreign.
_OWN_NAMES = frozenset(
    [f"{name}.csv" for name in (*TABLES, "errors")]
    + [f"{name}.parquet" for name in (*TABLES, "errors")]
    + [CACHE_FOLDER, "summary.html", "reports"]
)
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{16}\.tmp$")  # atomic_output's names
# Sway-result fields that are settings, not measures (they are in the trials table).
_SWAY_SETTINGS = frozenset(
    {"preset", "ellipse_method", "ellipse_probability", "frequency_method", "welch"}
)
_UNITS = (
    ("_mm2_s", "mm²/s"),
    ("_mm_s", "mm/s"),
    ("_mm2", "mm²"),
    ("_mm", "mm"),
    ("_hz", "Hz"),
    ("_deg", "deg"),
    ("_pct", "%"),
    ("_kpa", "kPa"),
    ("_s", "s"),
    ("_n", "N"),
)
_CACHE_FORMAT = 1
_INSTALL_DASK = "pip install 'gaitlab-toolkit[dask]'"
_LEADING_ZERO = re.compile(r"^[+-]?0\d")
_INTEGER = re.compile(r"[+-]?\d+")


# -- options and results ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BatchOptions:
    """The analysis options applied to every file of a batch.

    They are those of :func:`gaitlab.analysis.exam.analyze` (``gaitlab
    analyze``); :meth:`key` is part of the resume key, so changing an option
    recomputes every file.

    Parameters
    ----------
    exam : {'auto', 'static', 'dynamic'}
        Which exam; ``'auto'`` decides per file from its metadata or its data.
    body_weight_n : float, optional
        Body weight, N, for the ``_pct_bw`` measures of dynamic exams (one
        value for the whole batch; leave it out when subjects differ).
    threshold_kpa : float
        Contact threshold of pressure recordings, kPa.
    preset : str, optional
        Static exam protocol preset (``'afp'``, ``'ispgr'``) or gait event
        preset for insoles and force plates.

    Raises
    ------
    InvalidParameterError
        If ``exam`` is not an allowed value, ``body_weight_n`` is not > 0 or
        ``threshold_kpa`` is negative.

    Examples
    --------
    >>> BatchOptions(exam="static").key() == BatchOptions(exam="static").key()
    True
    >>> BatchOptions(threshold_kpa=5).key() == BatchOptions().key()
    False
    """

    exam: str = "auto"
    body_weight_n: float | None = None
    threshold_kpa: float = 0.0
    preset: str | None = None

    def __post_init__(self) -> None:
        check_option("exam", self.exam, EXAMS)
        if self.body_weight_n is not None:
            weight = check_number("body_weight_n", self.body_weight_n, lo=0.0, lo_open=True)
            object.__setattr__(self, "body_weight_n", weight)
        threshold = check_number("threshold_kpa", self.threshold_kpa, lo=0.0)
        object.__setattr__(self, "threshold_kpa", threshold)
        if self.preset is not None and not isinstance(self.preset, str):
            raise InvalidParameterError(f"preset must be a name or None, got {self.preset!r}")

    def key(self) -> str:
        """Return a stable hash of the options (hex SHA-256 of their sorted JSON).

        Returns
        -------
        str
            64 hexadecimal digits, the same in every process and session.

        Examples
        --------
        >>> len(BatchOptions().key())
        64
        """
        text = json.dumps(dataclasses.asdict(self), sort_keys=True, allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True, eq=False)
class BatchResult:
    """What :func:`run_batch` did.

    Attributes
    ----------
    outdir : pathlib.Path
        The output folder.
    n_files : int
        Files in the batch: ``n_ok + n_failed + n_skipped``.
    n_ok : int
        Files analysed in this run.
    n_failed : int
        Files that could not be analysed, and design files that were not
        found (see :attr:`errors`).
    n_skipped : int
        Files taken from the resume cache (unchanged content and options).
    tables : mapping of str to pathlib.Path
        Table name (``'trials'``, ``'steps'``, ``'regions'``, ``'sway'``,
        ``'errors'``) to the CSV written.
    errors : pandas.DataFrame
        The content of ``errors.csv``: ``file, status, message, seconds``,
        one row per file.
    parquet : mapping of str to pathlib.Path
        Table name to the Parquet copy (empty when pyarrow is not installed).
    paths : mapping of str to pathlib.Path
        The ``file`` value of the tables to the file it names.

    Examples
    --------
    >>> import pandas as pd
    >>> result = BatchResult(Path("out"), 2, 1, 1, 0, {}, pd.DataFrame())
    >>> result.n_failed > 0
    True
    """

    outdir: Path
    n_files: int
    n_ok: int
    n_failed: int
    n_skipped: int
    tables: Mapping[str, Path]
    errors: pd.DataFrame
    parquet: Mapping[str, Path] = dataclasses.field(default_factory=dict)
    paths: Mapping[str, Path] = dataclasses.field(default_factory=dict)


# -- finding the files --------------------------------------------------------------------------


def _absolute(path: str | os.PathLike[str]) -> Path:
    """Absolute and normalised, symbolic links kept (so names stay those the user sees)."""
    return Path(os.path.abspath(os.fspath(path)))


def _is_batch_output(folder: Path) -> bool:
    return (folder / CACHE_FOLDER).is_dir()


def find_recordings(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    exclude: Collection[str | os.PathLike[str]] = (),
) -> list[Path]:
    """Return the recordings to process: the files given and the readable files under the folders.

    Parameters
    ----------
    inputs : sequence of str or os.PathLike
        Files (taken whatever their suffix) and folders (searched
        recursively for files with a suffix that
        :func:`gaitlab.io.read_recording` knows, see
        :func:`gaitlab.io.readable_suffixes`).
    exclude : collection of str or os.PathLike
        Folders not to search and files not to take (the batch's own output
        folder, its design table). Sub-folders holding a ``.gaitlab-cache``
        folder (earlier batch outputs) and hidden files and folders (name
        starting with ``.``) are skipped too.

    Returns
    -------
    list of pathlib.Path
        Absolute paths, sorted, each once.

    Raises
    ------
    FileNotFoundError
        If an input does not exist.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     for name in ("b/walk.h5", "a/static.h5", "a/notes.docx"):
    ...         path = Path(folder, name)
    ...         path.parent.mkdir(exist_ok=True)
    ...         _ = path.write_bytes(b"")
    ...     [p.relative_to(folder).as_posix() for p in find_recordings([folder])]
    ['a/static.h5', 'b/walk.h5']
    """
    if isinstance(inputs, str | os.PathLike):  # one path, not a sequence of characters
        inputs = [inputs]
    suffixes = readable_suffixes()
    excluded = {_absolute(p) for p in exclude}
    found: set[Path] = set()
    for item in inputs:
        path = _absolute(item)
        if path.is_dir():
            if path in excluded:
                logger.warning("%s is the output folder: not searched", path)
                continue
            for folder, subfolders, names in os.walk(path):
                here = Path(folder)
                subfolders[:] = sorted(
                    name
                    for name in subfolders
                    if not name.startswith(".")
                    and here / name not in excluded
                    and not _is_batch_output(here / name)
                )
                found.update(
                    here / name
                    for name in names
                    if not name.startswith(".")
                    and name.lower().endswith(suffixes)
                    and here / name not in excluded
                )
        elif path.exists():
            found.add(path)
        else:
            raise FileNotFoundError(errno.ENOENT, "no such file or folder", os.fspath(item))
    return sorted(found)


# -- the design table ---------------------------------------------------------------------------


def _delimiter(header: str) -> str:
    """Return the design's separator: comma, or semicolon / tab when the header uses only that."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _typed(column: pd.Series) -> pd.Series:
    """Numbers when every value is one (but ``007``-like identifiers stay text)."""
    values = column.dropna().str.strip()
    if values.empty or values.str.match(_LEADING_ZERO).any():
        return column
    try:
        numbers = pd.to_numeric(column)
    except (TypeError, ValueError):
        return column
    return numbers.astype("Int64") if values.str.fullmatch(_INTEGER).all() else numbers


def read_design(path: str | os.PathLike[str], *, check_exists: bool = True) -> pd.DataFrame:
    r"""Read a design table: which file belongs to which subject, group, condition...

    The design is a CSV file (UTF-8, a BOM allowed; comma, or semicolon or
    tab when the header line uses only that) with a ``file`` column and any
    other columns. ``file`` is relative to the design file's folder, or
    absolute. Columns whose values are all numbers become numbers, unless a
    value has a leading zero (an identifier such as ``007`` stays text);
    empty cells are missing values.

    Parameters
    ----------
    path : str or os.PathLike
        The design CSV file.
    check_exists : bool
        Raise if a listed file does not exist. :func:`run_batch` passes
        False and reports such files in ``errors.csv`` instead.

    Returns
    -------
    pandas.DataFrame
        One row per listed file, indexed by its line number in the design
        file (index name ``'line'``); ``file`` holds absolute paths, the other
        columns are as in the file. ``attrs['path']`` is the design file.

    Raises
    ------
    FileNotFoundError
        If the design file does not exist.
    DataFormatError
        If there is no ``file`` column, a ``file`` cell is empty, a file is
        listed twice, or (with ``check_exists``) a listed file does not
        exist; the message names the design file and the line.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = Path(folder, "s1.h5").write_bytes(b"")
    ...     _ = Path(folder, "design.csv").write_text("file,subject,group\ns1.h5,007,control\n")
    ...     design = read_design(Path(folder, "design.csv"))
    >>> design[["subject", "group"]]
         subject    group
    line
    2        007  control
    """
    path = Path(os.fspath(path))
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines, delimiter=_delimiter(lines[0] if lines else ""))
    header = [cell.strip() for cell in next(reader, [])]
    if "file" not in header:
        raise DataFormatError(
            f"the design table has no 'file' column (columns: {', '.join(header) or 'none'})",
            path=path,
            line=1,
        )
    named = [name for name in header if name]
    if len(set(named)) < len(named):
        raise DataFormatError("the design table has duplicated column names", path=path, line=1)
    records, numbers = [], []
    end = reader.line_num
    for record in reader:
        line, end = end + 1, reader.line_num  # a quoted cell may span lines: its first line
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(header):
            raise DataFormatError(
                f"expected {len(header)} fields as in the header, found {len(record)}",
                path=path,
                line=line,
            )
        records.append([cell if cell.strip() else None for cell in record])
        numbers.append(line)
    table = pd.DataFrame(records, index=pd.Index(numbers, name="line"), dtype=str)
    for position, name in enumerate(header):
        if not name and table[position].notna().any():  # trailing separators are fine
            raise DataFormatError(
                f"column {position + 1} has values but no name", path=path, line=1
            )
    table = table[[i for i, name in enumerate(header) if name]]
    table.columns = pd.Index(named)
    folder = _absolute(path).parent
    files: list[str] = []
    seen: dict[Path, int] = {}
    for line, cell in zip(table.index, table["file"], strict=True):
        if not isinstance(cell, str) or not cell.strip():
            raise DataFormatError("empty 'file' cell", path=path, line=int(line))
        file = _absolute(folder / cell.strip())
        if file in seen:
            raise DataFormatError(
                f"{cell.strip()} is listed twice (lines {seen[file]} and {line})",
                path=path,
                line=int(line),
            )
        seen[file] = int(line)
        if check_exists and not file.exists():
            raise DataFormatError(
                f"listed file {cell.strip()} not found", path=path, line=int(line)
            )
        files.append(os.fspath(file))
    table["file"] = files
    for column in table.columns:
        if column != "file":
            table[column] = _typed(table[column])
    table.attrs["path"] = os.fspath(path)
    return table


# -- one file ---------------------------------------------------------------------------------


def _unit(name: str) -> str:
    for ending, unit in _UNITS:
        if name.endswith(ending):
            return unit
    return ""


def _notes(*parts: tuple[str, Mapping[str, str]]) -> str | None:
    text = "; ".join(f"{prefix}{k}: {v}" for prefix, reasons in parts for k, v in reasons.items())
    return text or None


def _row(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the row as plain JSON values: numbers, text, flags, None (for NaN too)."""
    return {str(k): plain(v) for k, v in values.items()}


def process_file(path: str, options: BatchOptions) -> dict[str, list[dict[str, Any]]]:
    """Read and analyse one recording; return its rows of the batch tables.

    This is the task that runs on a worker: it gets a path, reads the file
    itself and returns plain values (numbers, text, flags and None for
    missing values), so the rows survive pickling and JSON unchanged.
    Errors are raised, not caught: the runner records them.

    Parameters
    ----------
    path : str
        The recording (any format :func:`gaitlab.io.read_recording` reads).
    options : BatchOptions
        The analysis options.

    Returns
    -------
    dict of str to list of dict
        Rows of each table, in their natural order:

        - ``'trials'``: one row: ``file`` (``path`` as given), ``exam``,
          ``method`` and ``reason`` (the exam that ran and why),
          ``n_frames``, ``duration_s``, ``sampling_rate_hz`` of the
          recording, then the result's scalar values
          (:meth:`~gaitlab.analysis.static.StaticExam.scalars` and the like;
          for gait events also each foot's summary, prefixed ``left_`` /
          ``right_``) and ``notes`` (the reasons of the missing values);
        - ``'steps'``: one row per print (dynamic exam on a mat, the columns
          of :meth:`~gaitlab.analysis.dynamic.DynamicExam.to_dataframe`) or
          per contact (gait events), after ``step``, its position in time
          order;
        - ``'regions'``: one row per step, side and region with the
          regional measures of complete prints;
        - ``'sway'``: static exams: one row per sway measure: ``measure``,
          ``value``, ``unit``, ``note`` (why a value is missing).

    Raises
    ------
    Exception
        Whatever reading or analysing the file raises.

    Examples
    --------
    >>> import tempfile
    >>> from gaitlab.io import write_recording
    >>> from gaitlab.synth import static_standing
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = write_recording(Path(folder, "s.h5"), static_standing(duration_s=2.0).recording)
    ...     rows = process_file(str(file), BatchOptions())
    >>> rows["trials"][0]["method"], round(rows["trials"][0]["left_load_pct"])
    ('static_exam', 50)
    >>> [(r["measure"], r["unit"]) for r in rows["sway"][:2]]
    [('n_samples', ''), ('n_dropped', '')]
    """
    from gaitlab.analysis.dynamic import DynamicExam
    from gaitlab.analysis.static import StaticExam
    from gaitlab.analysis.timing import GaitEvents

    recording = read_recording(path)
    choice, result = analyze(
        recording,
        exam=options.exam,
        body_weight_n=options.body_weight_n,
        threshold_kpa=options.threshold_kpa,
        preset=options.preset,
    )
    trial: dict[str, Any] = {
        "file": str(path),
        "exam": choice.exam,
        "method": choice.method,
        "reason": choice.reason,
        "n_frames": recording.n_frames,
        "duration_s": recording.duration_s,
        "sampling_rate_hz": recording.sampling_rate_hz,
    }
    # The recording's own values win over same-named result values (a static exam's sway
    # duration and rate, which are in the sway table).
    for name, value in result.scalars().items():
        trial.setdefault(name, value)
    reasons: list[tuple[str, Mapping[str, str]]] = [("", result.unavailable)]
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    if isinstance(result, StaticExam):
        reasons.append(("sway.", result.sway.unavailable))
        tables["sway"] = _sway_rows(result.sway)
    elif isinstance(result, DynamicExam):
        for position, (step, row) in enumerate(
            zip(result.steps, result.to_dataframe().to_dict(orient="records"), strict=True)
        ):
            tables["steps"].append(_row({"step": position, **row}))
            if step.regions is None:
                continue
            for region in step.regions.regions:
                tables["regions"].append(
                    _row(
                        {
                            "step": position,
                            "side": step.gait.side,
                            **region.scalars(),
                            "notes": _notes(("", region.unavailable)),
                        }
                    )
                )
    elif isinstance(result, GaitEvents):
        for side, foot in result.feet.items():
            for name, value in foot.scalars().items():
                if name != "side":
                    trial[f"{side}_{name}"] = value
            reasons.append((f"{side}.", foot.unavailable))
        rows = result.to_dataframe().to_dict(orient="records")
        for position, (contact, row) in enumerate(zip(result.steps, rows, strict=True)):
            tables["steps"].append(
                _row({"step": position, **row, "notes": _notes(("", contact.unavailable))})
            )
    trial["notes"] = _notes(*reasons)
    tables["trials"] = [_row(trial)]
    return tables


def _sway_rows(sway: AnalysisResult) -> list[dict[str, Any]]:
    rows = []
    for name, value in sway.scalars().items():
        if name in _SWAY_SETTINGS or isinstance(value, bool | str) or value is None:
            continue
        rows.append(
            _row(
                {
                    "measure": name,
                    "value": value,
                    "unit": _unit(name),
                    "note": sway.unavailable.get(name),
                }
            )
        )
    return rows


def _one_line(err: BaseException) -> str:
    """Return the exception as one line: its type and message (not the file it names)."""
    text = err.detail if isinstance(err, DataFormatError) else str(err)
    text = "; ".join(part.strip() for part in text.splitlines() if part.strip())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to one thread (threadpoolctl) while a file is processed.

    The parallelism of a batch is across files, so more BLAS threads would
    only compete with the other workers (Dask sets ``OMP_NUM_THREADS=1`` and
    friends in its workers for that reason). It also makes the results the
    same on every engine: a multi-threaded BLAS splits sums differently, which
    changes the last digit of some values.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # results may then differ in the last digit between engines
        logger.debug("threadpoolctl is not installed: BLAS threads not limited")
        return contextlib.nullcontext()
    import scipy.linalg  # noqa: F401  (load scipy's own BLAS, so that it is limited too)

    return threadpool_limits(limits=1)


def _run_one(path: str, options: BatchOptions) -> dict[str, Any]:
    """Run :func:`process_file` on a worker: never raise, return plain values and the time."""
    start = time.perf_counter()
    try:
        with _one_blas_thread():
            tables = process_file(path, options)
    except Exception as err:  # a failing file is reported, the batch goes on
        return {"error": _one_line(err), "seconds": time.perf_counter() - start}
    return {"tables": tables, "seconds": time.perf_counter() - start}


# -- engines ----------------------------------------------------------------------------------


def _mp_context() -> multiprocessing.context.BaseContext:
    """Forkserver where there is one (POSIX), else spawn: no fork of a threaded parent.

    The fork server imports gaitlab's analysis once and every worker is a
    fork of it: a worker starts in milliseconds instead of importing numpy,
    scipy and gaitlab again (about a second each on the benchmark machine).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["gaitlab.batch", "gaitlab.analysis.exam", "gaitlab.io.native"])
    return context


def _run_local(
    paths: Sequence[str], options: BatchOptions, jobs: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    if jobs == 1 or len(paths) == 1:
        for index, path in enumerate(paths):
            yield index, _run_one(path, options)
        return
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=min(jobs, len(paths)), mp_context=_mp_context()
    )
    try:
        futures = {pool.submit(_run_one, path, options): i for i, path in enumerate(paths)}
        for future in concurrent.futures.as_completed(futures):
            try:
                outcome = future.result()
            except Exception as err:  # the worker process died (BrokenProcessPool)
                outcome = {"error": f"worker failed: {_one_line(err)}", "seconds": float("nan")}
            yield futures[future], outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(
    paths: Sequence[str], options: BatchOptions, jobs: int, scheduler: str | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as err:
        raise MissingDependencyError(
            f"the Dask engine needs dask and distributed ({err}): {_INSTALL_DASK}"
        ) from err
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            try:
                client = stack.enter_context(Client(scheduler))
            except OSError as err:
                raise OSError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
            logger.info("Dask: connected to %s", scheduler)
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
                )
            )
            client = stack.enter_context(Client(cluster))
            logger.info("Dask: local cluster of %d worker process(es)", jobs)
        futures = client.map(_run_one, list(paths), options=options, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        try:
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as err:  # a worker died (KilledWorker) or was lost
                    outcome = {"error": f"worker failed: {_one_line(err)}", "seconds": float("nan")}
                yield index[future.key], outcome
        finally:  # interrupted: do not leave work queued on a shared cluster
            pending = [future for future in futures if not future.done()]
            if pending:
                client.cancel(pending)


# -- the output folder ------------------------------------------------------------------------


def _check_outdir(outdir: Path, force: bool) -> None:
    """Refuse an output folder holding foreign files (ours: tables, cache) unless ``force``."""
    if outdir.exists() and not outdir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", os.fspath(outdir))
    if not outdir.is_dir() or force:
        return
    foreign = []
    for entry in sorted(outdir.iterdir()):
        temporary = _TEMPORARY.match(entry.name)
        if entry.name in _OWN_NAMES or (temporary and temporary["name"] in _OWN_NAMES):
            continue
        foreign.append(entry.name)
    if foreign:
        shown = ", ".join(foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        raise OutputExistsError(
            f"{outdir} holds files that are not batch outputs ({shown}); choose an empty or new "
            "folder, or pass force=True (--force on the command line) to write there anyway"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _reader_suffix(name: str) -> str:
    """Return the longest readable suffix ``name`` ends with ('' if none)."""
    lower = name.lower()
    return max((s for s in readable_suffixes() if lower.endswith(s)), key=len, default="")


class _Cache:
    """One JSON per computed file in ``OUTDIR/.gaitlab-cache``, named by its resume key."""

    def __init__(self, folder: Path, options: BatchOptions) -> None:
        self.folder = folder
        self.options = options

    def key(self, path: Path) -> str:
        parts = (_sha256(path), self.options.key(), __version__, _reader_suffix(path.name))
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def load(self, key: str) -> dict[str, list[dict[str, Any]]] | None:
        entry = self.folder / f"{key}.json"
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            logger.warning("%s: unreadable cache entry, recomputing (%s)", entry, err)
            return None
        if data.get("format") != _CACHE_FORMAT or data.get("key") != key:
            return None
        tables = data.get("tables")
        return tables if isinstance(tables, dict) else None

    def store(self, key: str, name: str, tables: Mapping[str, Any], seconds: float) -> None:
        self.folder.mkdir(exist_ok=True)
        data = {
            "format": _CACHE_FORMAT,
            "key": key,
            "file": name,
            "options": dataclasses.asdict(self.options),
            "gaitlab_version": __version__,
            "seconds": round(seconds, 6),
            "tables": tables,
        }
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        with atomic_output(self.folder / f"{key}.json", overwrite=True) as tmp:
            tmp.write_text(text + "\n", encoding="utf-8")


# -- assembling and writing the tables --------------------------------------------------------


@dataclasses.dataclass
class _Item:
    """One file of the batch and what became of it."""

    name: str  # as shown in the tables
    path: str  # absolute
    status: str = "pending"
    message: str | None = None
    seconds: float = 0.0
    key: str | None = None
    tables: Mapping[str, list[dict[str, Any]]] | None = None


def _common_root(paths: Sequence[Path]) -> Path | None:
    try:
        return Path(os.path.commonpath([os.fspath(p) for p in paths])) if paths else None
    except ValueError:  # different drives
        return None


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        with contextlib.suppress(ValueError):
            return path.relative_to(root).as_posix()
    return os.fspath(path)


def _design_columns(
    design: pd.DataFrame | None, items: Sequence[_Item]
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Return the design's column names in the tables and each file's design values."""
    if design is None:
        return [], {}
    own = {"file"} | {c for columns in _BASE_COLUMNS.values() for c in columns}
    for item in items:
        for rows in (item.tables or {}).values():
            for row in rows:
                own.update(row)
    names = {}
    for column in design.columns:
        if column == "file":
            continue
        names[column] = f"design_{column}" if column in own else str(column)
        if column in own:
            logger.info(
                "design column %r is also a result column: it is called %r in the tables",
                column,
                names[column],
            )
    values = {
        str(row["file"]): {names[c]: None if pd.isna(row[c]) else plain(row[c]) for c in names}
        for row in design.to_dict(orient="records")
    }
    return list(names.values()), values


def _column(values: list[Any]) -> Any:
    """Return a table column of plain values: integers stay integers, flags flags, with gaps."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {int}:
        return pd.array(values, dtype="Int64")
    if kinds == {bool}:
        return pd.array(values, dtype="boolean")
    if kinds and kinds <= {int, float}:
        return pd.array([float("nan") if v is None else float(v) for v in values], dtype=float)
    return values


def _assemble(
    items: Sequence[_Item], design_names: Sequence[str], design_values: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    empty = dict.fromkeys(design_names)
    frames = {}
    for table in TABLES:
        columns = ["file", *design_names, *_BASE_COLUMNS[table]]
        known = set(columns)
        rows = []
        for item in items:
            if item.tables is None:
                continue
            lead = {"file": item.name, **design_values.get(item.path, empty)}
            for row in item.tables.get(table, []):
                rows.append({**lead, **{k: v for k, v in row.items() if k != "file"}})
                for name in row:
                    if name not in known:
                        known.add(name)
                        columns.append(name)
        frames[table] = pd.DataFrame(
            {name: _column([row.get(name) for row in rows]) for name in columns}, columns=columns
        )
    frames["errors"] = pd.DataFrame.from_records(
        [
            (item.name, item.status, item.message, round(item.seconds, 3))
            for item in sorted(items, key=lambda i: i.name)
        ],
        columns=list(_ERROR_COLUMNS),
    )
    return frames


def _write_tables(
    outdir: Path, frames: Mapping[str, pd.DataFrame]
) -> tuple[dict[str, Path], dict[str, Path]]:
    csv_paths: dict[str, Path] = {}
    parquet_paths: dict[str, Path] = {}
    has_arrow = importlib.util.find_spec("pyarrow") is not None
    for name, frame in frames.items():
        target = outdir / f"{name}.csv"
        with atomic_output(target, overwrite=True) as tmp, open(tmp, "x", encoding="utf-8") as f:
            frame.to_csv(f, index=False, lineterminator="\n")
        csv_paths[name] = target
        parquet = outdir / f"{name}.parquet"
        if not has_arrow:
            if parquet.exists():
                logger.warning("%s is from an earlier run and pyarrow is missing: removed", parquet)
                parquet.unlink()
            continue
        try:
            with atomic_output(parquet, overwrite=True) as tmp:
                frame.to_parquet(tmp, index=False, engine="pyarrow")
        # pyarrow's errors derive from these builtins (ArrowInvalid is a ValueError...)
        except (TypeError, ValueError, NotImplementedError) as err:
            logger.warning("%s not written: %s", parquet, err)
            parquet.unlink(missing_ok=True)
            continue
        parquet_paths[name] = parquet
    return csv_paths, parquet_paths


# -- the runner -------------------------------------------------------------------------------


def run_batch(
    inputs: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    design: str | os.PathLike[str] | pd.DataFrame | None = None,
    options: BatchOptions = BatchOptions(),  # frozen: safe as a default
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    progress: bool | None = None,
    force: bool = False,
) -> BatchResult:
    """Analyse every recording under ``inputs`` and write the tidy tables to ``outdir``.

    Parameters
    ----------
    inputs : sequence of str or os.PathLike
        Recordings and folders (see :func:`find_recordings`).
    outdir : str or os.PathLike
        Output folder, created if needed. It may already hold the outputs of
        an earlier batch (that is how a run resumes); anything else there is
        refused unless ``force``.
    design : str, os.PathLike or pandas.DataFrame, optional
        Design CSV (see :func:`read_design`) or a table read by it. Its
        columns are joined to every row by file; its files are part of the
        batch even when they are not under ``inputs``, and those that do not
        exist are reported as failed.
    options : BatchOptions
        Analysis options.
    jobs : int
        Worker processes (``engine='local'``: 1 runs in this process; Dask
        without ``scheduler``: workers of the local cluster).
    engine : {'local', 'dask'}
        Where the files are processed.
    scheduler : str, optional
        Address of a running Dask scheduler (``'tcp://host:8786'``);
        ``engine='dask'`` only. The workers need gaitlab installed and the
        files at the same paths.
    progress : bool, optional
        Show a progress bar on stderr; None shows it only when stderr is a
        terminal.
    force : bool
        Write into ``outdir`` even though it holds other files (they are
        left alone). The resume cache is kept either way.

    Returns
    -------
    BatchResult
        Counts, the tables written and the errors table. ``n_failed > 0``
        means some files failed (the command exits non-zero).

    Raises
    ------
    InvalidParameterError
        For a bad ``engine``, ``jobs`` or ``scheduler``, or when no
        recording is found.
    FileNotFoundError
        If an input or the design file does not exist.
    DataFormatError
        If the design table is malformed.
    OutputExistsError
        If ``outdir`` holds other files and ``force`` is False.
    MissingDependencyError
        If ``engine='dask'`` and dask or distributed is not installed.

    Examples
    --------
    >>> import tempfile
    >>> from gaitlab.io import write_recording
    >>> from gaitlab.synth import static_standing
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     data = Path(folder, "data")
    ...     data.mkdir()
    ...     trial = static_standing(duration_s=2.0, rows=70, cols=60).recording
    ...     _ = write_recording(data / "s1.h5", trial)
    ...     _ = Path(data, "s2.h5").write_bytes(b"not a recording")
    ...     result = run_batch([data], Path(folder, "out"))
    ...     again = run_batch([data], Path(folder, "out"))
    >>> result.n_ok, result.n_failed, again.n_skipped
    (1, 1, 1)
    >>> result.errors[["file", "status"]].values.tolist()
    [['s1.h5', 'ok'], ['s2.h5', 'failed']]
    """
    check_option("engine", engine, ENGINES)
    jobs = int(check_number("jobs", jobs, lo=1, integer=True))
    if scheduler is not None and engine != "dask":
        raise InvalidParameterError(f"a scheduler address needs engine='dask', got {engine!r}")
    if scheduler is not None and jobs != 1:
        logger.info("jobs=%d ignored: the cluster at %s has the workers it has", jobs, scheduler)
    if isinstance(inputs, str | os.PathLike):  # one path, not a sequence of characters
        inputs = [inputs]
    out = _absolute(outdir)
    _check_outdir(out, force)
    exclude = [out]
    if isinstance(design, pd.DataFrame):
        if "file" not in design.columns:
            raise InvalidParameterError("the design table has no 'file' column")
        design_table: pd.DataFrame | None = design.assign(
            file=[os.fspath(_absolute(f)) for f in design["file"]]
        )
    elif design is not None:
        design_table = read_design(design, check_exists=False)
        exclude.append(_absolute(design))
    else:
        design_table = None

    files = find_recordings(inputs, exclude=exclude)
    listed = [] if design_table is None else [_absolute(f) for f in design_table["file"]]
    everything = sorted(set(files) | set(listed))
    if not everything:
        raise InvalidParameterError(
            f"no recording found under {', '.join(os.fspath(i) for i in inputs)} (known "
            f"suffixes: {', '.join(readable_suffixes())})"
        )
    roots = [p if p.is_dir() else p.parent for p in map(_absolute, inputs)]
    root = _common_root(roots + [p.parent for p in listed])
    items = sorted(
        (_Item(name=_display(p, root), path=os.fspath(p)) for p in everything),
        key=lambda item: item.name,
    )
    design_lines = {}
    if design_table is not None:
        design_lines = dict(zip(design_table["file"], design_table.index, strict=True))
    out.mkdir(parents=True, exist_ok=True)
    cache = _Cache(out / CACHE_FOLDER, options)

    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=len(items), desc="gaitlab batch", unit="file", disable=not show) as bar:
        todo: list[_Item] = []
        for item in items:
            start = time.perf_counter()
            if not Path(item.path).is_file():
                item.status, item.message = "failed", "not found"
                if item.path in design_lines:
                    assert design_table is not None
                    where = design_table.attrs.get("path")
                    item.message += (
                        f" (listed in {Path(where).name} line {design_lines[item.path]})"
                        if where
                        else " (listed in the design table)"
                    )
                bar.update()
                continue
            try:
                item.key = cache.key(Path(item.path))
            except OSError as err:  # unreadable (permissions, a vanished network mount...)
                item.status, item.message = "failed", _one_line(err)
                bar.update()
                continue
            cached = cache.load(item.key)
            if cached is not None:
                item.status, item.tables = "cached", cached
                item.seconds = time.perf_counter() - start
                bar.update()
            else:
                todo.append(item)
        logger.info(
            "%d file(s): %d to compute, %d from the cache",
            len(items),
            len(todo),
            sum(i.status == "cached" for i in items),
        )
        if todo:
            paths = [item.path for item in todo]
            run = (
                _run_dask(paths, options, jobs, scheduler)
                if engine == "dask"
                else _run_local(paths, options, jobs)
            )
            for index, outcome in run:
                item = todo[index]
                item.seconds = float(outcome["seconds"])
                if "error" in outcome:
                    item.status, item.message = "failed", str(outcome["error"])
                    logger.warning("%s: %s", item.name, item.message)
                else:
                    item.status, item.tables = "ok", outcome["tables"]
                    assert item.key is not None
                    try:
                        cache.store(item.key, item.name, outcome["tables"], item.seconds)
                    except (OSError, TypeError, ValueError) as err:  # the rows are kept anyway
                        logger.warning("%s: not cached (%s)", item.name, err)
                bar.update()

    design_names, design_values = _design_columns(design_table, items)
    frames = _assemble(items, design_names, design_values)
    tables, parquet = _write_tables(out, frames)
    counts = {
        status: sum(i.status == status for i in items) for status in ("ok", "failed", "cached")
    }
    logger.info(
        "batch: %d ok, %d failed, %d from the cache; tables in %s",
        counts["ok"],
        counts["failed"],
        counts["cached"],
        out,
    )
    return BatchResult(
        outdir=out,
        n_files=len(items),
        n_ok=counts["ok"],
        n_failed=counts["failed"],
        n_skipped=counts["cached"],
        tables=tables,
        errors=frames["errors"],
        parquet=parquet,
        paths={item.name: Path(item.path) for item in items},
    )

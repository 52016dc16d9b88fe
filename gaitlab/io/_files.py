"""Writing output files safely: never overwrite without permission, never leave half a file.

Every writer goes through :func:`check_output` (refuse an existing file unless
``overwrite``; clear errors for a missing folder or a folder given as a file
name) and :func:`atomic_output` (write a temporary file in the destination
folder and rename it over the final name only once it is complete, so an
interrupted write leaves the old file, or nothing, under that name).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from gaitlab.errors import OutputExistsError

__all__ = ["atomic_output", "check_output", "output_exists"]


def output_exists(path: Path) -> OutputExistsError:
    """Return the error for an existing output that may not be overwritten."""
    return OutputExistsError(
        f"{path} exists already; pass overwrite=True (--force on the command line) to replace it"
    )


def check_output(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """Return ``path`` as a Path if a file may be written there, else raise.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.
    IsADirectoryError
        If ``path`` is a folder.
    FileNotFoundError
        If the folder that should hold ``path`` does not exist.
    """
    path = Path(os.fspath(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file name", str(path))
    if not overwrite and (path.exists() or path.is_symlink()):
        raise output_exists(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "folder does not exist", str(path.parent))
    return path


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], overwrite: bool) -> Iterator[Path]:
    """Yield a fresh temporary path next to ``path``; rename it to ``path`` on success.

    The caller creates the file at the yielded path exclusively (mode ``"x"``:
    ``open(tmp, "xb")``, ``h5py.File(tmp, "x")``). The temporary name
    ``.<name>.<random>.tmp`` is in the destination folder, so :func:`os.replace`
    is a rename within one file system. If the block raises or is interrupted,
    the temporary file is removed and ``path`` is untouched; without
    ``overwrite``, a ``path`` that appeared meanwhile is not replaced either.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "out.txt"
    ...     with atomic_output(target, overwrite=False) as tmp:
    ...         _ = tmp.write_text("done")
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['out.txt']
    """
    path = check_output(path, overwrite)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        yield tmp
        if not overwrite and (path.exists() or path.is_symlink()):  # created meanwhile
            raise output_exists(path)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

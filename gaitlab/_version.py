"""The installed version of gaitlab (``gaitlab.__version__``), written into every file it saves."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gaitlab-toolkit")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

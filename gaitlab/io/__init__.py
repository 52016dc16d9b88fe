"""Reading and writing recordings: the native HDF5 format, vendor importers and exporters."""

"""Data sets for the notebooks; nothing is downloaded at run time."""

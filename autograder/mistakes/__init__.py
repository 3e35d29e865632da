"""Catalogue of known mistakes (one module per chapter); see ``base.py`` for the format."""

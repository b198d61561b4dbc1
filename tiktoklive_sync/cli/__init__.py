"""The ``tiktoklive-sync`` command (also ``python -m tiktoklive_sync``): see ``tiktoklive-sync --help``."""

from ._main import build_parser, main

__all__ = ["build_parser", "main"]

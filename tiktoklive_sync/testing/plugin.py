"""Kept for ``pytest_plugins = ["tiktoklive_sync.testing.plugin"]``; the plugin is ``tiktoklive_sync._pytest_plugin``.

The ``pytest11`` entry point names that module, which imports nothing the base install lacks; this
one (inside ``tiktoklive_sync.testing``) needs the ``[testing]`` extra.
"""

from .._pytest_plugin import fake_tiktok

__all__ = ["fake_tiktok"]

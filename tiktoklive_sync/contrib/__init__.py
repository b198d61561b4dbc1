"""Integrations with other frameworks, each behind its own extra.

- :mod:`tiktoklive_sync.contrib.celery` (extra ``[celery]``): watch many creators from a fleet of
  Celery workers, one owner per live through a Redis lease.
"""

"""``python -m tiktoklive_sync``: the same as the ``tiktoklive-sync`` command."""

import sys

from .cli import main

sys.exit(main())

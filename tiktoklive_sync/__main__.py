"""``python -m tiktoklive_sync``: the same as the ``tiktoklive-sync`` command."""

import sys

from .cli._main import main

sys.exit(main())

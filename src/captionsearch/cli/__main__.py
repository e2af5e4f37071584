"""``python -m captionsearch.cli``: the same as the ``captionsearch`` command."""

import sys

from . import main

sys.exit(main())

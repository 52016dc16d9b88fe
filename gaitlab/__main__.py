"""``python -m gaitlab`` runs the command line."""

import sys

from gaitlab.cli import main

sys.exit(main())

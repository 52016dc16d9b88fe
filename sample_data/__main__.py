"""``python -m gaitlab.sample_data FOLDER`` rebuilds the synthetic sample files there."""

import argparse
import json
from pathlib import Path

from gaitlab.sample_data import regenerate

parser = argparse.ArgumentParser(description="Rebuild the synthetic sample files.")
parser.add_argument("folder", type=Path)
digests = regenerate(parser.parse_args().folder)
print(json.dumps(digests, indent=2))  # noqa: T201 - a maintenance command's output

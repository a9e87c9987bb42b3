"""What the asyncio sides of fgbg's benchmarks share: checked command-line arguments."""

import os
import sys


def positive(arg, name):
    """arg as a positive integer; else exits naming the script and the argument."""
    try:
        value = int(arg.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        script = os.path.basename(sys.argv[0])
        sys.exit(f"{script}: {name} must be a positive integer, not {arg!r}")
    return value

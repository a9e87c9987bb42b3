"""What the asyncio sides of fgbg's benchmarks share.

Checked command-line arguments (positive integers, after an optional ``--loop asyncio|uvloop``),
running the main coroutine on the chosen loop, the peak resident set size, and printing a
median in the form the bin/bench-* scripts read (the loop's name, then the figure).
"""

import asyncio
import os
import statistics
import sys

LOOPS = ("asyncio", "uvloop")


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


def parse(names, defaults):
    """(loop, values) from sys.argv: ``[--loop asyncio|uvloop] [value ...]``, in names' order.

    Exits with a usage line for an unknown loop, a value that is not a positive integer, or too
    many values."""
    script = os.path.basename(sys.argv[0])
    usage = f"usage: {script} [--loop asyncio|uvloop] " + " ".join(f"[{n}]" for n in names)
    args = sys.argv[1:]
    loop = "asyncio"
    if args and args[0].startswith("--loop"):
        if args[0] == "--loop" and len(args) > 1:
            loop, args = args[1], args[2:]
        elif args[0].startswith("--loop="):
            loop, args = args[0][len("--loop="):], args[1:]
        else:
            sys.exit(usage)
    if loop not in LOOPS or len(args) > len(names):
        sys.exit(usage + f"   (defaults {' '.join(str(d) for d in defaults)})")
    values = list(defaults)
    for i, arg in enumerate(args):
        values[i] = positive(arg, names[i])
    return loop, values


def run(main, loop):
    """asyncio.run(main) on CPython's own loop, or on uvloop's with loop "uvloop"."""
    if loop == "uvloop":
        try:
            import uvloop  # Debian's python3-uvloop, for /usr/bin/python3
        except ImportError:
            main.close()
            sys.exit(f"{os.path.basename(sys.argv[0])}: no uvloop for {sys.executable} "
                     "(apt-get install python3-uvloop, then run /usr/bin/python3)")
        uvloop.install()
    return asyncio.run(main)


def peak_rss_kib():
    """The process's peak resident set size so far (VmHWM of /proc/self/status), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def report(key, values):
    """Prints ``key median`` for the scripts, then every value as a comment."""
    print(f"{key} {statistics.median(values):.1f}")
    print(f"# {key} rounds " + " ".join(f"{v:.1f}" for v in values))

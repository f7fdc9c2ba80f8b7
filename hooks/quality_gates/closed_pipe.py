"""A reader that stops early (``quality-gates ... | head``): stop writing, quietly.

Python ignores SIGPIPE, so a write to a pipe nobody reads any more raises
BrokenPipeError, and what is still buffered raises it again at exit.  The
idiom of Python's own documentation (the ``signal`` module's note on
SIGPIPE): point the stream at ``/dev/null`` and stop, without a traceback.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO


def silence(*streams: TextIO) -> None:
    """Send what ``streams`` still hold, and any later write, to ``/dev/null``."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for stream in streams:
            try:
                os.dup2(devnull, stream.fileno())
            except (OSError, ValueError, io.UnsupportedOperation):
                pass  # not a file descriptor (a test's capture): nothing buffered
    finally:
        os.close(devnull)


def closed() -> None:
    """Silence standard output and error after a write failed on a closed pipe."""
    silence(sys.stdout, sys.stderr)

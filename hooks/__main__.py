"""Run the suite from a checkout, uninstalled: ``python hooks SUBCOMMAND ...``.

The matrix-test action runs ``ci pytest`` this way, from the action's own
checkout: that path needs the standard library only, so a test cell makes no
environment and builds no wheel.  Running the folder puts it first on this
process's ``sys.path`` alone; the tested project's processes do not inherit it
(``PYTHONPATH`` would).  Not part of the installed package.
"""

from __future__ import annotations

from quality_gates.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

"""Environment markers, evaluated for the Python whose dependencies are audited.

``foo==1.0; python_version < "3.8"`` is a dependency of the project on 3.7
only.  The audit is of one environment: the project's ``.venv`` or
``python-executable`` when there is one (it may run an older Python than the
suite), else the interpreter quality-gates runs on.  Its markers are read from
that interpreter itself, as pip would evaluate them there, and only when a
requirement has a marker.
"""

from __future__ import annotations

import functools

from packaging.markers import UndefinedEnvironmentName, default_environment
from packaging.requirements import Requirement
from quality_gates.errors import GateError
from quality_gates.security import python_query

# packaging's default_environment(), written out: the other interpreter may
# not have packaging installed
_SCRIPT = """\
import json, os, platform, sys
info = sys.implementation.version
version = "{0.major}.{0.minor}.{0.micro}".format(info)
if info.releaselevel != "final":
    version += info.releaselevel[0] + str(info.serial)
print(json.dumps({
    "implementation_name": sys.implementation.name,
    "implementation_version": version,
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "platform_python_implementation": platform.python_implementation(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}))
"""


class Markers:
    """The marker environment of one interpreter (None: the one running here)."""

    def __init__(self, python: str | None = None) -> None:
        """Read ``python``'s environment the first time a marker needs it."""
        self.python = python

    @functools.cached_property
    def environment(self) -> dict[str, str]:
        """Return the values markers are evaluated with."""
        if self.python is None:
            return {str(k): str(v) for k, v in default_environment().items()}
        return _other_interpreter(self.python)

    @property
    def version(self) -> str:
        """Return the Python version the markers are evaluated for (``3.11.7``)."""
        return self.environment["python_full_version"]

    def applies(self, req: Requirement) -> bool:
        """Tell whether the requirement's marker holds here (no marker: it does)."""
        if req.marker is None:
            return True
        try:
            return bool(req.marker.evaluate({**self.environment, "extra": ""}))
        except UndefinedEnvironmentName:
            return True


def _other_interpreter(python: str) -> dict[str, str]:
    values = python_query.run_json(python, _SCRIPT, "read its environment markers")
    if not isinstance(values, dict):
        raise GateError(
            f"python-executable {python}: cannot read its environment markers: "
            f"not a mapping: {values!r:.80}"
        )
    return {str(k): str(v) for k, v in values.items()}

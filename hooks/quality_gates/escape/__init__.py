"""Escaping for where text goes, one module per destination.

Everything a repository's author controls (source code quoted in a finding,
file names, configs, advisories, a base ref) is escaped for the place it is
written: ``terminal`` (control characters shown, never obeyed),
``actions_log`` (no line the Actions runner reads as a workflow command unless
the suite wrote it), ``markdown`` (the job summary: text, never HTML or
Markdown syntax) and ``sarif_uri`` (RFC 3986 percent-encoding).  Standard
library only: ``ci.suite_env`` runs before the suite is installed.
"""

"""``quality-gates init``: adopt the suite in a project that already has gates.

Read what the project has (pre-commit hooks, tool configs, workflows), plan
every file init would write as text, take the baseline in a copy of the
project with the planned configs, then show the plan (``--dry-run``) or write
it all at the end.  Nothing here writes a file except ``plan.write``.
"""

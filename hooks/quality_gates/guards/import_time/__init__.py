"""``import-time``: a package's import time against its budget."""

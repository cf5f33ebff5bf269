"""Virus scanners for uploaded case materials; ``TONGBAN_VIRUS_SCANNER`` picks the active one."""

# Importing the built-in adapters registers them (the app config has no ready() hook for this yet).
from tongban.cases.scanners import clamd, demo  # noqa: F401

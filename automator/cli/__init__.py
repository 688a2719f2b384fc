"""The command line: parse arguments, call one library function, print, exit.

Human output goes to stdout; `--json` prints exactly one JSON object on stdout (contract §3)
and nothing else there. One module per group of commands; `common` holds what they share.
"""

from automator.cli import admin, deliver, documents, followup, records, service, web  # noqa: F401  (each registers its commands)
from automator.cli.common import main

__all__ = ["main"]

"""Exit codes (contract §3)."""

import enum


class Exit(enum.IntEnum):
    OK = 0          # every input archived or a duplicate
    ATTENTION = 1   # some input went to review, was rejected, or waits for a retry
    USAGE = 2       # a usage or configuration error (rules, templates, folders)

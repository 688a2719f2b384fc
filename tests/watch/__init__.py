"""Tests of `automator watch` and `automator status` (issue 4)."""

"""The general sheet checks behind the `sheet_totals` check: totals, parents, row relations, lines."""

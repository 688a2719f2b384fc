"""Every bound on what one input may cost, in one place (docs/robustness.md lists them).

An agency document is a few hundred cells or a few pages; these limits are far above
that and far below what would stall a worker. Past one, the input is rejected with a
reason naming the limit — in bounded time and memory, before the expensive work starts.
"""

from __future__ import annotations

MiB = 1024 * 1024

# Any input
MAX_INPUT_BYTES = 200 * MiB          # checked by lstat before the file is hashed or copied
# Workbooks (zip packages)
MAX_UNPACKED = 200 * MiB             # all parts together, as the zip directory declares them
MAX_RATIO = 200                      # unpacked : packed, above 10 MiB unpacked (zip bombs)
MAX_SHEET_XML = 40 * MiB             # all worksheet parts together
MAX_SHARED_STRINGS = 40 * MiB        # the shared-strings part (170 MB took 32 s and 733 MB)
MAX_CELLS = 200_000                  # cells holding a value, counted in the XML before any reader runs
MAX_GRID = 2_000_000                 # first-to-last cell rectangle (calamine allocates all of it)
MAX_MERGED = 100_000                 # cells covered by merged ranges (openpyxl makes an object for each)
MAX_ROWS = 2_000                     # rows of one bound table
MAX_EVALUATED = 500                  # formulas without a cached result that our engine computes
MAX_RANGE_CELLS = 100_000            # cells one formula's range may cover
# PDFs
MAX_PAGES = 60                       # pages read (quotes and invoices are a few)
MAX_STREAM_BYTES = 32 * MiB          # one content stream, inflated
MAX_PDF_INFLATED = 128 * MiB         # all streams of one PDF, inflated
MAX_PDF_SECONDS = 30.0               # wall time for reading one PDF

"""Full-text search over the archive: an index kept beside the ledger (`search.sqlite`).

    index.py   what a document contributes, writing rows, following the ledger (catch_up)
    query.py   reading: search(q, client=, doc_type=, year=), the filters' choices, browsing

Standard library only (sqlite3): the pipeline's index stage imports it without the web app.
"""

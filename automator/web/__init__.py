"""`automator serve`: a small read-only web app for the account team (Starlette + Jinja, no scripts).

    app.py      the routes (thin), the middleware, create_app(settings, access)
    records.py  概览 and 历史 (watch/status.gather, the review folder, the ledger)
    archive.py  档案 and 搜索 (the search index, the 检查报告 as HTML, explain)
    access.py   who may see it: loopback only, or users / a trusted proxy header
    login.py    /login and /logout (CSRF-protected)
    files.py    downloads from outbox/ only; the security headers
    render.py   templates (autoescaped), the JSON twins
    serve.py    checks before serving, the index catch-up, uvicorn
"""

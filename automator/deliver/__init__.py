"""Delivery: what follows an archived (or rejected) document — a PDF beside it, mail to the
people it concerns, a webhook — queued in the ledger and sent exactly once.

    pipeline  Recipients (prepare)  who would get it; unknown names become warnings
              Deliveries (commit)   one `deliveries` row per thing to do, in the document's
                                    own ledger transaction (a kill -9 after it loses nothing)
    chore     queue.send_due        makes the PDFs (warm LibreOffice), sends mail and webhooks,
                                    retries with back-off; the watcher runs it every few seconds,
                                    `automator run` once at its end

Modules: office (finding LibreOffice), uno/helper (the script LibreOffice's Python runs),
convert (the warm converter), pdfcheck, contacts, recipients, message, smtp, webhook,
queue (the ledger table), status (the `automator status` section and doctor lines).
"""

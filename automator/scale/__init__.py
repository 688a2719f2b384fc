"""Beyond one machine: watchers enqueue claims on Celery (Redis), `automator worker`s process them.

    app.py      the Celery app, built from the root's settings (broker, queue timings)
    lease.py    who holds a queued claim (exclusive create on the shared folder)
    tasks.py    what a worker runs: one claim through the same stage list, or a chore
    watcher.py  `automator watch` with a broker: claim, lease, enqueue (no local pool)
    status.py   the queue's section of `automator status`
    migrate.py  `automator ledger migrate --to postgresql://…`

Only imported when `broker:` or `ledger: postgresql://…` is set, so the embedded default
never loads celery, kombu, redis or psycopg. docs/scale.md describes the deployment.
"""

"""The Celery app: one queue, tasks acknowledged only when done, never lost with a worker.

- `task_acks_late` + `task_reject_on_worker_lost`: a task is acknowledged after it ran;
  a worker process that dies mid-document puts its task back for another worker;
- `visibility_timeout` (queue.visibility_timeout, default one hour) longer than the
  slowest document: an unacknowledged task of a worker that vanished whole (host down,
  kill -9 of the whole tree) is handed out again after it;
- `worker_prefetch_multiplier = 1`: a worker reserves one task per process, so a backlog
  spreads over every worker instead of waiting behind one;
- JSON only (no pickle): a task is a claim's folder name or a chore's name, nothing more.
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from automator.errors import ConfigError
from automator.settings import Settings

QUEUE = "automator"
PROCESS = "automator.process"
CHORE = "automator.chore"
# Publishing while Redis is away: a few quick tries, then the caller keeps the claim for later.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0}


def broker_url(settings: Settings) -> str:
    url = settings.config.broker
    if not url:
        raise ConfigError("没有设置任务队列（automator.yaml 中的 broker: redis://…，或 AUTOMATOR_BROKER_URL）",
                          hint="单机使用时直接运行 automator watch；多台机器见 docs/scale.md")
    return url


def make_app(settings: Settings) -> Celery:
    queue = settings.config.queue
    app = Celery("automator", broker=broker_url(settings), set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,  # a task that raised is logged and done; the claim stays
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits for Redis to come back, forever
        broker_transport_options={"visibility_timeout": queue.visibility_timeout,
                                  "unacked_restore_interval": min(10.0, queue.visibility_timeout / 4),
                                  "unacked_restore_throttle": 1,
                                  "socket_connect_timeout": 5, "socket_timeout": 30},
    )
    return app


def enqueue(app: Celery, task: str, *args: Any, **options: Any) -> None:
    """Publish one task (raises kombu's OperationalError when Redis cannot be reached)."""
    app.send_task(task, args=list(args), queue=QUEUE, retry=True, retry_policy=PUBLISH_RETRY, **options)

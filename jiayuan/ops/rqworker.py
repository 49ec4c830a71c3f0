"""The RQ worker of the distributed configuration (`manage.py worker` with JIAYUAN_TASK_QUEUE=rq).

RQ keeps a finished task's record and return value for 500 seconds unless told otherwise; the scheduler's
heartbeat completes the record of a run (its status and summary) from that stored result for up to a day
(`scheduling.runs_complete`), and the task framework reads results back by id. This worker keeps them a day.
"""

from __future__ import annotations

from typing import Any

from rq import Worker as BaseWorker

RESULT_TTL_SECONDS = 24 * 3600


class Worker(BaseWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default_result_ttl", RESULT_TTL_SECONDS)
        super().__init__(*args, **kwargs)

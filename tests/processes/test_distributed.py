"""The distributed configuration: the same tasks on RQ with Redis, one scheduler across hosts, sessions,
rate limits and caches on the shared Redis. Runs when REDIS_URL names a Redis to use (CI starts one);
the database number in it and the two below it are emptied, one per test, so give these tests numbers of their own.
"""

from __future__ import annotations

import json
import os
import signal

import pytest

from .harness import wait_for

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = [
    pytest.mark.distributed,
    pytest.mark.xdist_group(name="processes"),
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no Redis to run the distributed tests on"),
]


# Each test empties and uses a Redis database of its own (REDIS_URL's number and the ones below it), so that one
# test's emptying can never take the locks, queue or results from under another's running stack.
OWN_DATABASE = {
    "test_the_scheduled_tasks_run_on_an_rq_worker": 0,
    "test_only_one_scheduler_runs_across_hosts": 1,
    "test_sessions_rate_limits_and_caches_are_shared_through_redis": 2,
}


def _own_url(test_name: str) -> str:
    base, _, number = REDIS_URL.rpartition("/")
    first = int(number) if number.isdigit() else 15
    return f"{base}/{max(first - OWN_DATABASE[test_name], 0)}"


@pytest.fixture
def redis_env(request):
    import redis

    url = _own_url(request.node.name)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield {"REDIS_URL": url, "JIAYUAN_TASK_QUEUE": "rq"}
    client.flushdb()


def test_the_scheduled_tasks_run_on_an_rq_worker(make_stack, redis_env, tmp_path):
    stack = make_stack(
        {
            **redis_env,
            "JIAYUAN_SCHEDULE_OVERRIDES": json.dumps({"cases_sweep": {"seconds": 1}}),
            "JIAYUAN_BACKUP_DIR": str(tmp_path / "backups"),
        }
    )
    seeded = stack.django("from tests.processes.seed import overdue_referral\nprint(json.dumps(overdue_referral()))")
    honcho = stack.start("worker", "scheduler")
    try:
        # the sweep, enqueued on Redis by the scheduler and run by the RQ worker, escalates the referral
        wait_for(
            lambda: (
                stack.query("SELECT escalation_count FROM cases_casemove WHERE id = ?", (seeded["move"],))[0][0] >= 1
            ),
            "the referral to be escalated through RQ",
        )
        # every scheduled job, enqueued once now, is carried out by the worker process
        ids = stack.django(
            "from django.conf import settings\n"
            "from jiayuan.ops.scheduling import active_jobs, fire\n"
            "assert settings.TASKS['default']['BACKEND'] == 'django_tasks_rq.RQBackend'\n"
            "print(json.dumps({job.key: fire(job.key) for job, _ in active_jobs() if job.key != 'cases_sweep'}))"
        )
        assert {"care_sweep", "screening_roll", "retention", "backup", "housekeeping"} <= set(ids)

        def finished() -> list:
            rows = stack.query(
                f"SELECT job, status, summary FROM ops_jobrun WHERE task_result_id IN ({','.join('?' * len(ids))})",
                tuple(ids.values()),
            )
            done = len(rows) == len(ids) and all(s in ("succeeded", "failed") for _, s, _ in rows)
            # RQ stores a return value after its success hook: the scheduler's heartbeat reads it back
            return rows if done and all(summary for _, _, summary in rows) else []

        rows = wait_for(finished, "every scheduled task to finish on the RQ worker")
        assert all(status == "succeeded" for _, status, _ in rows), rows
        assert any(job == "backup" and "已写出" in summary for job, _, summary in rows)
        # and the task framework reads the outcome back from Redis
        read = stack.django(
            "import django_rq\n"
            "from django_tasks import default_task_backend\n"
            f"ids = {json.dumps(list(ids.values()))}\n"
            "ttls = [django_rq.get_connection().ttl(f'rq:job:{i}') for i in ids]\n"
            "print(json.dumps({'statuses': [default_task_backend.get_result(i).status for i in ids], 'ttls': ttls}))"
        )
        assert set(read["statuses"]) == {"SUCCESSFUL"}
        # kept a day, as long as the scheduler's heartbeat may still complete a run's record from it
        assert all(3600 < ttl <= 24 * 3600 for ttl in read["ttls"]), read["ttls"]
    finally:
        stack.stop(honcho)


def test_only_one_scheduler_runs_across_hosts(make_stack, redis_env):
    stack = make_stack({**redis_env, "JIAYUAN_SCHEDULE_OVERRIDES": json.dumps({"cases_sweep": {"seconds": 1}})})
    first = stack.command("scheduler")
    wait_for(lambda: stack.query("SELECT pid, lock FROM ops_schedulerheartbeat"), "the first scheduler to beat")
    second = stack.command("scheduler")
    wait_for(lambda: "本进程待命" in stack.output(), "the second scheduler to stand by")
    assert stack.query("SELECT lock FROM ops_schedulerheartbeat") == [("redis",)]
    assert stack.output().count("调度进程已启动") == 1
    # the first one stops: the stand-by takes over
    stack.stop(first, signal.SIGTERM)
    wait_for(lambda: stack.output().count("调度进程已启动") == 2, "the stand-by to take over")
    wait_for(
        lambda: stack.query("SELECT pid FROM ops_schedulerheartbeat WHERE pid = ?", (second.pid,)),
        "the stand-by's heartbeat",
    )
    stack.stop(second, signal.SIGTERM)


def test_sessions_rate_limits_and_caches_are_shared_through_redis(make_stack, redis_env):
    import redis

    stack = make_stack(redis_env)
    first = stack.django(
        "from django.conf import settings\n"
        "from django.contrib.sessions.backends.cached_db import SessionStore\n"
        "from django.core.cache import cache\n"
        "from jiayuan.core.ratelimit import _hit\n"
        "cache.set('shared-probe', 'from the first process', 300)\n"
        "session = SessionStore()\n"
        "session['probe'] = 1\n"
        "session.create()\n"
        "print(json.dumps({'backend': settings.CACHES['default']['BACKEND'], 'session': session.session_key,\n"
        "                  'hits': [_hit('shared-test', 3, 60) for _ in range(3)]}))"
    )
    assert first["backend"] == "django.core.cache.backends.redis.RedisCache"
    assert first["hits"] == [None, None, None]
    # another process (another host) sees the same cache, session and rate-limit budget
    second = stack.django(
        "from django.core.cache import cache\n"
        "from jiayuan.core.ratelimit import _hit\n"
        f"key = {json.dumps(first['session'])}\n"
        "print(json.dumps({'value': cache.get('shared-probe'),\n"
        "                  'session': cache.get('django.contrib.sessions.cached_db' + key) is not None,\n"
        "                  'over': _hit('shared-test', 3, 60)}))"
    )
    own = redis.Redis.from_url(redis_env["REDIS_URL"])
    keys = sorted(k.decode() for k in own.keys("*"))
    assert second["value"] == "from the first process", f"keys in Redis now: {keys}"
    assert second["session"] is True, f"keys in Redis now: {keys}"
    assert second["over"] is not None  # the fourth hit, from another process, is over the budget
    assert own.keys("jiayuan:*")

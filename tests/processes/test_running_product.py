"""The product a newcomer starts (`make run`: the Procfile under honcho) does its scheduled work by itself.

These tests start the real web server, worker and scheduler against a file SQLite database, with a
short schedule given through the environment, and watch the database.
"""

from __future__ import annotations

import json
import signal

import pytest

from .harness import alive, wait_for

pytestmark = pytest.mark.xdist_group(name="processes")


def test_an_unanswered_referral_escalates_in_the_running_product(make_stack):
    stack = make_stack({"JIAYUAN_SCHEDULE_OVERRIDES": json.dumps({"cases_sweep": {"seconds": 1}})})
    seeded = stack.django("from tests.processes.seed import overdue_referral\nprint(json.dumps(overdue_referral()))")
    move_id = seeded["move"]
    assert stack.query("SELECT escalation_count FROM cases_casemove WHERE id = ?", (move_id,)) == [(0,)]

    honcho = stack.start()  # web, worker, scheduler: nobody runs a command from here on
    try:
        wait_for(
            lambda: stack.query("SELECT escalation_count FROM cases_casemove WHERE id = ?", (move_id,))[0][0] >= 1,
            "the referral to be escalated",
        )
        alerts = stack.query(
            "SELECT title FROM cases_caseevent WHERE case_id = ? AND kind = 'alert'", (seeded["case"],)
        )
        assert any("逾期未答复，已自动上报" in text for (text,) in alerts), alerts
        # the run that did it is on record, with its outcome
        runs = wait_for(
            lambda: stack.query(
                "SELECT summary FROM ops_jobrun WHERE job = 'cases_sweep' AND status = 'succeeded' "
                "AND summary LIKE '自动上报流转 1 项%'"
            ),
            "the run to be recorded",
        )
        assert runs
        # the web server answers, and its health check sees the scheduler's heartbeat and the queue
        _status, body = wait_for(lambda: (r := stack.get("/healthz")) and r[0] == 200 and r, "a healthy /healthz")
        checks = json.loads(body)["checks"]
        assert checks["scheduler"]["ok"] and checks["queue"]["ok"] and checks["database"]["ok"]
        assert stack.get("/accounts/login/")[0] == 200
    finally:
        children = stack.stop(honcho, signal.SIGINT)  # Ctrl-C
    assert honcho.returncode is not None
    assert len(children) == 3, stack.output()
    assert not [pid for pid in children if alive(pid)], "a process outlived Ctrl-C"


def test_a_job_missed_while_the_scheduler_was_down_runs_once_when_it_comes_back(make_stack):
    stack = make_stack({"JIAYUAN_SCHEDULE_OVERRIDES": json.dumps({"cases_sweep": {"seconds": 3600}})})
    scheduler = stack.start("scheduler")
    wait_for(
        lambda: stack.query("SELECT next_run_time FROM django_apscheduler_djangojob WHERE id = 'cases_sweep'"),
        "the job to be stored",
    )
    stack.stop(scheduler, signal.SIGTERM)
    assert stack.query("SELECT count(*) FROM ops_jobrun WHERE job = 'cases_sweep'") == [(0,)]

    # While it was down, five hourly slots passed: move the stored slot five hours back, through the
    # scheduler library's own job store.
    missed = stack.django(
        "import datetime as dt\n"
        "from apscheduler.schedulers.background import BackgroundScheduler\n"
        "from django_apscheduler.jobstores import DjangoJobStore\n"
        "store = DjangoJobStore()\n"
        "store.start(BackgroundScheduler(timezone='Asia/Shanghai'), 'default')\n"
        "job = store.lookup_job('cases_sweep')\n"
        "job._modify(next_run_time=job.next_run_time - dt.timedelta(hours=5))\n"
        "store.update_job(job)\n"
        "job = store.lookup_job('cases_sweep')\n"
        "print(json.dumps(len(job._get_run_times(dt.datetime.now(dt.UTC)))))\n"
    )
    assert missed >= 5

    scheduler = stack.start("scheduler")
    wait_for(
        lambda: stack.query("SELECT count(*) FROM ops_jobrun WHERE job = 'cases_sweep'")[0][0] >= 1,
        "the missed job to run",
    )
    # a graceful stop waits for every run already handed to the scheduler's threads
    stack.stop(scheduler, signal.SIGTERM)
    assert stack.query("SELECT count(*) FROM ops_jobrun WHERE job = 'cases_sweep'") == [(1,)], stack.output()
    # and the next slot is in the future again
    (next_run,) = stack.query("SELECT next_run_time FROM django_apscheduler_djangojob WHERE id = 'cases_sweep'")[0]
    (enqueued,) = stack.query("SELECT enqueued_at FROM ops_jobrun WHERE job = 'cases_sweep'")[0]
    assert next_run > enqueued

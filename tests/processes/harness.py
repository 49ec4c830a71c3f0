"""Run the product's real processes (the Procfile, under honcho) against a database of their own.

Each stack gets a folder with a copy of a migrated SQLite database (migrated once per test session)
and its own development keys. The test reads the outcome from that database file directly, or over
HTTP from the web process. Everything started is stopped at the end, by its process id.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# What the test process may have set for itself and the stack must not inherit.
DROPPED = {
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "REDIS_URL",
    "JIAYUAN_TASK_QUEUE",
    "JIAYUAN_SCHEDULE_OVERRIDES",
    "JIAYUAN_VAR_DIR",
    "PYTEST_XDIST_WORKER",
}
# An upper bound so that a broken stack fails the test instead of hanging it; never a speed threshold.
PATIENCE = 180.0


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = PATIENCE) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.3)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(") ", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


class Stack:
    def __init__(self, folder: Path, template: Path, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.var = folder / "var"
        self.var.mkdir(parents=True, exist_ok=True)
        self.db = self.var / "jiayuan.sqlite3"
        shutil.copy(template, self.db)
        for name in ("dev-keys.json",):
            if (template.parent / name).exists():
                shutil.copy(template.parent / name, self.var / name)
        self.port = free_port()
        self.env = base_env(self.var)
        self.env.update(env or {})
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    # -- running things -----------------------------------------------------------------------------
    def django(self, code: str) -> Any:
        """Run Python code in a fresh Django process of this stack; it prints one JSON line last."""
        script = "import django, json\ndjango.setup()\n" + code
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=PATIENCE
        )
        if out.returncode != 0:
            raise AssertionError(f"django snippet failed:\n{out.stdout}\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def start(self, *names: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """`honcho start` on the Procfile (all processes, or the named ones), as `make run` does."""
        log = self.folder / f"honcho-{len(self.procs)}.log"
        handle = open(log, "wb")  # noqa: SIM115  (kept open for the process's life)
        proc = subprocess.Popen(
            [str(BIN / "honcho"), "-f", str(ROOT / "Procfile"), "start", "-p", str(self.port), *names],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        self.logs.append(log)
        return proc

    def command(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """One manage.py process (e.g. a second scheduler)."""
        log = self.folder / f"command-{len(self.procs)}.log"
        handle = open(log, "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        self.logs.append(log)
        return proc

    def stop(self, proc: subprocess.Popen, sig: int = signal.SIGINT) -> list[int]:
        """Stop like Ctrl-C; return the pids of the children it had (all must be gone afterwards)."""
        children = children_of(proc.pid)
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return children

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is not None:
                continue
            children = children_of(proc.pid)
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for child in children:  # each runs in a process group of its own (honcho's doing)
                try:
                    os.killpg(child, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace") for log in self.logs if log.exists())

    # -- reading the outcome ------------------------------------------------------------------------
    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""


def base_env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="0",
        JIAYUAN_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'jiayuan.sqlite3'}",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        JIAYUAN_SCHEDULER_HEARTBEAT="1",
        WEB_CONCURRENCY="1",
    )
    return env


def migrated_template(folder: Path) -> Path:
    """A migrated SQLite database with the division tree, made once per session."""
    var = folder / "var"
    var.mkdir(parents=True, exist_ok=True)
    db = var / "jiayuan.sqlite3"
    if not db.exists():
        env = base_env(var)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "manage.py", "load_divisions"], cwd=ROOT, env=env, check=True)
    return db

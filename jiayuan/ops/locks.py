"""The lock that keeps the scheduler single across hosts.

With Redis configured, a Redis lock with a time-to-live that the holder renews (a holder that dies
lets go within the TTL); on PostgreSQL without Redis, a session-level advisory lock on a connection of
its own (released by the server when the process dies); on SQLite, a file lock next to the database
(one host only, as SQLite is). A second scheduler waits as a stand-by and takes over when the lock frees.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

LOCK_NAME = "jiayuan:scheduler"
ADVISORY_KEY = 0x4A59_5343  # "JYSC"


class SchedulerLock(Protocol):
    kind: str

    def acquire(self) -> bool: ...

    def renew(self) -> bool: ...

    def release(self) -> None: ...


class RedisLock:
    kind = "redis"

    def __init__(self, url: str, ttl: float) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.lock = self.client.lock(LOCK_NAME, timeout=ttl, thread_local=False)

    def acquire(self) -> bool:
        return bool(self.lock.acquire(blocking=False))

    def renew(self) -> bool:
        from redis.exceptions import LockError

        try:
            return bool(self.lock.reacquire())
        except LockError:
            return False

    def release(self) -> None:
        from redis.exceptions import LockError

        try:
            self.lock.release()
        except LockError:
            pass


class AdvisoryLock:
    kind = "postgresql"

    def __init__(self, db: dict[str, Any]) -> None:
        self.db = db
        self.conn: Any = None

    def _connect(self) -> Any:
        import psycopg

        options = {
            "dbname": self.db["NAME"],
            "user": self.db.get("USER") or None,
            "password": self.db.get("PASSWORD") or None,
            "host": self.db.get("HOST") or None,
            "port": self.db.get("PORT") or None,
        }
        return psycopg.connect(autocommit=True, **{k: v for k, v in options.items() if v is not None})

    def acquire(self) -> bool:
        if self.conn is None or self.conn.closed:
            self.conn = self._connect()
        row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY]).fetchone()
        return bool(row and row[0])

    def renew(self) -> bool:
        try:
            row = self.conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid = %s",
                [ADVISORY_KEY],
            ).fetchone()
        except Exception:  # noqa: BLE001  (a broken connection means the lock is gone)
            return False
        return bool(row and row[0])

    def release(self) -> None:
        if self.conn is not None and not self.conn.closed:
            try:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
            finally:
                self.conn.close()


class FileLock:
    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def renew(self) -> bool:
        return self.fd is not None

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def scheduler_lock() -> SchedulerLock:
    if settings.REDIS_URL:
        return RedisLock(settings.REDIS_URL, ttl=max(10.0, settings.SCHEDULER_HEARTBEAT_SECONDS * 3))
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        return AdvisoryLock(dict(db))
    name = Path(str(db["NAME"]))
    return FileLock(name.with_name(name.name + ".scheduler.lock"))

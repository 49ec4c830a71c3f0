"""Probe the running bundle end to end (called by scripts/bundle-check.sh), or check its files.

python scripts/bundle_probe.py --check-files
python scripts/bundle_probe.py --base https://localhost:8443 --ca <Caddy's root certificate>
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import shlex
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PATIENCE = 180.0
PASSWORD = "Bundle-check-2026"  # the first administrator made by bundle-check.sh
results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append((name, ok, detail))
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


def check_files() -> None:
    """The compose file runs the Procfile's three processes."""
    procfile = {}
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            procfile[name.strip()] = shlex.split(command)
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    check(
        "compose declares web, worker, scheduler, db, redis, proxy",
        {"web", "worker", "scheduler", "db", "redis", "proxy"} <= set(services),
    )
    for name in ("worker", "scheduler"):
        check(f"compose {name} runs the Procfile's command", services[name]["command"] == procfile[name])
    web = services["web"]["command"]
    options = {token.split("=", 1)[0] for token in procfile["web"] if token.startswith("--")}
    given = {token.split("=", 1)[0] for token in web if token.startswith("--")}
    check(
        "compose web runs the Procfile's gunicorn with its options",
        web[:2] == procfile["web"][:2] and options <= given,
        ", ".join(sorted(options - given)),
    )
    app = [services[name] for name in ("web", "worker", "scheduler")]
    check(
        "application containers run read-only with secrets from files",
        all(s.get("read_only") is True and s.get("secrets") for s in app)
        and all(not k.endswith(("SECRET_KEY", "DATA_KEYS", "INDEX_KEY")) for s in app for k in s["environment"]),
    )
    check(
        "every service rotates its logs",
        all(s.get("logging", {}).get("options", {}).get("max-size") for s in services.values()),
    )


class Client:
    def __init__(self, base: str, ca: str) -> None:
        self.base = base
        context = ssl.create_default_context(cafile=ca)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")


def wait(what: str, probe, timeout: float = PATIENCE):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except (OSError, ssl.SSLError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(1)
    raise SystemExit(f"gave up waiting for {what}: {last!r}")


def probe(base: str, ca: str) -> None:
    wait("Caddy's certificate", lambda: Path(ca).exists())
    client = Client(base, ca)
    wait("the web server behind the proxy", lambda: client.request("/healthz/live")[0] == 200)

    status, headers, body = client.request("/accounts/login/")
    check("login page over TLS", status == 200 and "登录" in body, str(status))
    check("the proxy adds HSTS", "max-age=31536000" in headers.get("Strict-Transport-Security", ""))

    payload = json.dumps({"username": "admin", "password": PASSWORD}).encode()
    status, _, body = client.request("/api/token", payload, {"Content-Type": "application/json"})
    token = json.loads(body).get("token", "") if status == 200 else ""
    check("API token issued", bool(token), str(status))
    status, _, body = client.request("/api/me", headers={"Authorization": f"Bearer {token}"})
    check("API call with the token", status == 200 and json.loads(body).get("username") == "admin", str(status))

    def healthy():
        status, _, body = client.request("/healthz")
        return status == 200 and json.loads(body)

    health = wait("all health checks to pass", healthy)
    check(
        "/healthz: database, RQ queue, scheduler, media",
        health["checks"]["queue"]["backend"] == "rq" and health["checks"]["scheduler"]["lock"] == "redis",
    )

    # the system administrator's page shows the sweep run by the scheduler and the RQ worker
    client.request("/accounts/login/")
    form = urllib.parse.urlencode(
        {"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": client.csrf()}
    ).encode()
    client.request(
        "/accounts/login/",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": base + "/accounts/login/"},
    )

    def sweep_seen():
        status, _, body = client.request("/ops/system/")
        return status == 200 and re.search(r"自动上报流转 \d+ 项", body)

    check("a scheduled job observed on the system page", bool(wait("a scheduled run", sweep_seen)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-files", action="store_true")
    parser.add_argument("--base")
    parser.add_argument("--ca")
    args = parser.parse_args()
    if args.check_files:
        check_files()
    else:
        probe(args.base, args.ca)
    failed = sum(1 for _, ok, _ in results if not ok)
    print(f"bundle: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

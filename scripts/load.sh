#!/bin/sh
# make load: the product under load — gunicorn (several workers, production settings) on PostgreSQL, at
# city scale, driven by locust headless for a bounded time; prints throughput, p95 latency and errors,
# then counts the writes in the database against the writes locust was told succeeded.
#
# Tunables (environment): LOAD_PEOPLE (200000), LOAD_CASES (100000, ten timeline entries each), LOAD_USERS (30), LOAD_SPAWN (10/s), LOAD_DURATION (60s),
# LOAD_WORKERS (4), LOAD_PORT (8765), LOAD_RESEED=1 to rebuild the seeded template database, LOAD_DB (jiayuan_load)
# the scratch database's name (two runs at once need two names and two ports).
# The seeded database is kept as the template `jiayuan_load_seed`; every run copies it to a fresh
# LOAD_DB, so the first run seeds (a few minutes) and later runs start in seconds.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"
OUT="$ROOT/bench/out/load"
mkdir -p "$OUT/var"

PEOPLE=${LOAD_PEOPLE:-200000}
CASES=${LOAD_CASES:-100000}
USERS=${LOAD_USERS:-30}
SPAWN=${LOAD_SPAWN:-10}
DURATION=${LOAD_DURATION:-60s}
WORKERS=${LOAD_WORKERS:-4}
PORT=${LOAD_PORT:-8765}
DB=${LOAD_DB:-jiayuan_load}
PG="postgres://jiayuan:jiayuan@127.0.0.1:5432"

say() { printf '\n== %s\n' "$*"; }

# --- PostgreSQL -----------------------------------------------------------------------------------------
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    say "starting PostgreSQL"
    pg_ctlcluster 15 main start
    for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! psql "$PG/postgres" -Atqc "select 1" >/dev/null 2>&1; then
    say "creating the PostgreSQL role jiayuan"
    su postgres -c "psql -qc \"CREATE ROLE jiayuan LOGIN SUPERUSER PASSWORD 'jiayuan'\""
fi

# --- keys and settings (fixed per machine: the seeded ciphertexts need the same keys) ----------------------
if [ ! -f "$OUT/keys.env" ]; then
    "$BIN/python" - >"$OUT/keys.env" <<'EOF'
import secrets
from cryptography.fernet import Fernet
print(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"JIAYUAN_DATA_KEYS={Fernet.generate_key().decode()}")
print(f"JIAYUAN_INDEX_KEY={secrets.token_urlsafe(32)}")
EOF
    chmod 600 "$OUT/keys.env"
fi
if ! grep -q '^JIAYUAN_AUDIT_KEY=' "$OUT/keys.env"; then
    "$BIN/python" -c 'import secrets; print(f"JIAYUAN_AUDIT_KEY={secrets.token_urlsafe(32)}")' >>"$OUT/keys.env"
fi
set -a
. "$OUT/keys.env"
DJANGO_SETTINGS_MODULE=config.settings.production
DJANGO_SECURE_SSL_REDIRECT=0
DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
JIAYUAN_VAR_DIR="$OUT/var"
JIAYUAN_LOG_LEVEL=WARNING
DATABASE_CONN_MAX_AGE=60
set +a

# --- the seeded template, then a fresh copy for this run ---------------------------------------------------
exists() { [ "$(psql "$PG/postgres" -Atqc "select 1 from pg_database where datname='$1'")" = "1" ]; }
if [ "${LOAD_RESEED:-0}" = "1" ] && exists jiayuan_load_seed; then
    psql "$PG/postgres" -qc "DROP DATABASE jiayuan_load_seed"
fi
# A plan from an older seed (no open cases to work on) means the template predates the case load: reseed.
if ! exists jiayuan_load_seed || [ ! -f "$OUT/plan.json" ] || ! grep -q '"case_ids"' "$OUT/plan.json"; then
    say "seeding a city-scale database ($PEOPLE people, $CASES cases) — first run only"
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS jiayuan_load_seed_tmp"
    psql "$PG/postgres" -qc "CREATE DATABASE jiayuan_load_seed_tmp"
    started=$(date +%s)
    DATABASE_URL="$PG/jiayuan_load_seed_tmp" "$BIN/python" manage.py migrate --noinput -v 0
    DATABASE_URL="$PG/jiayuan_load_seed_tmp" "$BIN/python" bench/load/seed.py --people "$PEOPLE" --cases "$CASES" \
        --plan "$OUT/plan.json"
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS jiayuan_load_seed"
    psql "$PG/postgres" -qc "ALTER DATABASE jiayuan_load_seed_tmp RENAME TO jiayuan_load_seed"
    echo "seeded in $(( $(date +%s) - started )) s"
fi
say "fresh scratch database $DB (copy of the seeded template)"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB"
psql "$PG/postgres" -qc "CREATE DATABASE $DB TEMPLATE jiayuan_load_seed"
export DATABASE_URL="$PG/$DB"
"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py check --deploy --fail-level ERROR >"$OUT/check.log" 2>&1 || { cat "$OUT/check.log"; exit 1; }

# --- serve ------------------------------------------------------------------------------------------------
say "gunicorn: $WORKERS workers on 127.0.0.1:$PORT (production settings)"
"$BIN/gunicorn" config.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --timeout 60 \
    --error-logfile "$OUT/gunicorn.log" --log-level warning 2>>"$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 60); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
    sleep 1
done

# --- load -------------------------------------------------------------------------------------------------
"$BIN/python" bench/load/count.py snapshot --plan "$OUT/plan.json" --out "$OUT/before.json"
say "locust: $USERS users, spawn $SPAWN/s, $DURATION"
LOAD_PLAN="$OUT/plan.json" LOAD_RESULTS="$OUT/results.json" "$BIN/locust" -f bench/load/locustfile.py \
    --headless -u "$USERS" -r "$SPAWN" -t "$DURATION" --host "http://127.0.0.1:$PORT" \
    --stop-timeout 20 --only-summary --csv "$OUT/locust" --exit-code-on-error 0 2>"$OUT/locust.log" | tail -n 40
sleep 1

say "figures"
"$BIN/python" - "$OUT/results.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
s = r["summary"]
print(f"requests {s['requests']}, throughput {s['rps']:.1f} req/s, p50 {s['p50_ms']:.0f} ms, "
      f"p95 {s['p95_ms']:.0f} ms, errors {s['failures']}")
for name, row in sorted(s["by_name"].items()):
    print(f"  {name:<34} {row['n']:>6}  p95 {row['p95_ms']:>6.0f} ms  errors {row['fail']}")
for line in s["errors"][:10]:
    print("  ERROR", line)
EOF
say "count check"
"$BIN/python" bench/load/count.py check --plan "$OUT/plan.json" --before "$OUT/before.json" \
    --results "$OUT/results.json"

#!/usr/bin/env bash
# The production bundle, checked without a container engine (none runs on the CI machine):
#   1. the files, with the tools made for them: hadolint (Containerfile), the compose specification's JSON
#      schema (deploy/compose.yaml), `caddy validate` (deploy/Caddyfile), and the compose file's three
#      application commands against the Procfile;
#   2. the same process list the compose file declares — gunicorn, the worker and the scheduler, production
#      settings, secrets read from files, on PostgreSQL and Redis (RQ), behind Caddy terminating TLS with
#      the bundle's Caddyfile — probed end to end by scripts/bundle_probe.py (login page, an API call with a
#      token, /healthz, a scheduled job observed).
# Needs PostgreSQL at 127.0.0.1:5432 (role jiayuan) and Redis at 127.0.0.1:6379, as .ci/run leaves them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"
PG="postgres://jiayuan:jiayuan@127.0.0.1:5432"
DB=jiayuan_bundle
REDIS_URL=${BUNDLE_REDIS_URL:-redis://127.0.0.1:6379/14}
WORK=$(mktemp -d)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  if [ -z "${BUNDLE_KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

echo "== the bundle's files"
"$BIN/hadolint" Containerfile
"$BIN/check-jsonschema" --builtin-schema vendor.compose-spec deploy/compose.yaml
if ! command -v caddy >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null
fi
systemctl disable --now caddy >/dev/null 2>&1 || true
JIAYUAN_UPSTREAM=127.0.0.1:8000 caddy validate --adapter caddyfile --config deploy/Caddyfile >/dev/null 2>&1 \
  || { JIAYUAN_UPSTREAM=127.0.0.1:8000 caddy validate --adapter caddyfile --config deploy/Caddyfile; exit 1; }
"$BIN/python" scripts/bundle_probe.py --check-files

echo "== the process list on PostgreSQL and Redis, behind Caddy"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null
redis-cli -u "$REDIS_URL" flushdb >/dev/null
mkdir -p "$WORK/secrets" "$WORK/var" "$WORK/caddy"
gen() { "$BIN/python" -c "$1" > "$WORK/secrets/$2"; chmod 600 "$WORK/secrets/$2"; }
gen "import secrets; print(secrets.token_urlsafe(50))" django_secret_key
gen "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" data_keys
gen "import secrets; print(secrets.token_urlsafe(32))" index_key
gen "import secrets; print(secrets.token_urlsafe(32))" audit_key
echo "$PG/$DB" > "$WORK/secrets/database_url"
WEB_PORT=$("$BIN/python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
export DJANGO_SETTINGS_MODULE=config.settings.production \
  DJANGO_SECRET_KEY_FILE="$WORK/secrets/django_secret_key" \
  JIAYUAN_DATA_KEYS_FILE="$WORK/secrets/data_keys" \
  JIAYUAN_INDEX_KEY_FILE="$WORK/secrets/index_key" \
  JIAYUAN_AUDIT_KEY_FILE="$WORK/secrets/audit_key" \
  JIAYUAN_AUDIT_CHECKPOINT_DIR="$WORK/var/audit-checkpoints" \
  DATABASE_URL_FILE="$WORK/secrets/database_url" \
  REDIS_URL="$REDIS_URL" \
  JIAYUAN_TASK_QUEUE=rq \
  JIAYUAN_VAR_DIR="$WORK/var" \
  JIAYUAN_MEDIA_ROOT="$WORK/var/media" \
  JIAYUAN_STATIC_ROOT="$WORK/var/static" \
  JIAYUAN_BACKUP_DIR="$WORK/var/backups" \
  DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 \
  DJANGO_CSRF_TRUSTED_ORIGINS=https://localhost:8443 \
  JIAYUAN_SCHEDULER_HEARTBEAT=2 \
  JIAYUAN_SCHEDULE_OVERRIDES='{"cases_sweep": {"seconds": 2}, "backup": {"seconds": 3600}}' \
  JIAYUAN_BIND=127.0.0.1 \
  WEB_CONCURRENCY=2 \
  PATH="$BIN:$PATH"
unset DATABASE_URL JIAYUAN_INDEX_KEY JIAYUAN_DATA_KEYS DJANGO_SECRET_KEY JIAYUAN_AUDIT_KEY || true
echo "$(date +%T) collectstatic, migrate, divisions, the first administrator"
"$BIN/python" manage.py collectstatic --noinput -v 0
"$BIN/python" manage.py migrate --noinput -v 0
# The installation steps of docs/deploy.md: divisions, then the first system administrator.
"$BIN/python" manage.py load_divisions >/dev/null
printf 'Bundle-check-2026\n' > "$WORK/secrets/admin_password"
"$BIN/python" manage.py create_sysadmin --username admin --division 440300 \
  --password-file "$WORK/secrets/admin_password" >/dev/null
echo "$(date +%T) starting the processes and the proxy"
"$BIN/honcho" -f Procfile start -p "$WEB_PORT" > "$WORK/processes.log" 2>&1 &
pids+=($!)
XDG_DATA_HOME="$WORK/caddy" XDG_CONFIG_HOME="$WORK/caddy" JIAYUAN_DOMAIN=localhost JIAYUAN_TLS=internal \
  JIAYUAN_HTTP_PORT=8080 JIAYUAN_HTTPS_PORT=8443 JIAYUAN_UPSTREAM="127.0.0.1:$WEB_PORT" \
  caddy run --adapter caddyfile --config deploy/Caddyfile > "$WORK/caddy.log" 2>&1 &
pids+=($!)
if ! "$BIN/python" scripts/bundle_probe.py --base https://localhost:8443 \
    --ca "$WORK/caddy/caddy/pki/authorities/local/root.crt"; then
  echo "-- processes"; tail -50 "$WORK/processes.log"; echo "-- caddy"; tail -20 "$WORK/caddy.log"
  exit 1
fi

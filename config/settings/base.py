"""Settings shared by every environment; everything secret or local comes from the environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JIAYUAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A secret may come from a file instead (container secrets): NAME_FILE=/run/secrets/name sets NAME.
SECRET_SETTINGS = (
    "DJANGO_SECRET_KEY",
    "JIAYUAN_DATA_KEYS",
    "JIAYUAN_INDEX_KEY",
    "JIAYUAN_BACKUP_KEY",
    "JIAYUAN_AUDIT_KEY",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "REDIS_URL",
    "LEGAL_LLM_API_KEY",
)
for _name in SECRET_SETTINGS:
    _file = os.environ.get(f"{_name}_FILE")
    if _file and not os.environ.get(_name):
        os.environ[_name] = Path(_file).read_text(encoding="utf-8").strip()

DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client (core.middleware).
TRUSTED_PROXIES = env_list("JIAYUAN_TRUSTED_PROXIES")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_apscheduler",
    "jiayuan.core",
    "jiayuan.divisions",
    "jiayuan.dictionaries",
    "jiayuan.orgs",
    "jiayuan.accounts",
    "jiayuan.administration",
    "jiayuan.access",
    "jiayuan.audit",
    "jiayuan.notifications",
    "jiayuan.drafts",
    "jiayuan.people",
    "jiayuan.workflows",
    "jiayuan.cases",
    "jiayuan.care",
    "jiayuan.venues",
    "jiayuan.volunteers",
    "jiayuan.activities",
    "jiayuan.screening",
    "jiayuan.legal",
    "jiayuan.ops",
    "jiayuan.imports",
    "jiayuan.honours",
    "jiayuan.childfriendly",
    "jiayuan.indicators",
    "jiayuan.reports",
    "jiayuan.site",
]

MIDDLEWARE = [
    "jiayuan.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jiayuan.core.middleware.SecurityHeadersMiddleware",
    "jiayuan.core.middleware.NotFoundMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiayuan.accounts.middleware.BodyLimitMiddleware",
    "jiayuan.accounts.middleware.IdleTimeoutMiddleware",
    "jiayuan.drafts.middleware.DraftDoneMiddleware",
    "jiayuan.core.middleware.PasswordChangeRequiredMiddleware",
    "jiayuan.access.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jiayuan.core.middleware.BadParameterMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiayuan.access.context_processors.actor",
                "jiayuan.drafts.context.session_clock",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiayuan.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }

# Dashboards and reports may read from a PostgreSQL streaming replica (jiayuan/core/replica.py): the
# router sends reads made inside `reading_from_replica()` there; everything else uses the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["jiayuan.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 idle minutes (IdleTimeoutMiddleware refreshes the expiry on activity).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False  # IdleTimeoutMiddleware touches the session once a minute
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
IDLE_TIMEOUT_SECONDS = 30 * 60

AXES_FAILURE_LIMIT = 5
# The most rows an export (records behind a figure, people, approval history) may hold without the bulk-export
# right; exports of more than EXPORT_IMMEDIATE_ROWS rows are written by the background worker.
REPORTS_EXPORT_LIMIT = int(os.environ.get("JIAYUAN_EXPORT_LIMIT", "5000"))
EXPORT_IMMEDIATE_ROWS = int(os.environ.get("JIAYUAN_EXPORT_IMMEDIATE_ROWS", "1000"))
# An export's file (masked) is kept this many days for its requester, then deleted; the record of the export stays.
EXPORT_KEEP_DAYS = int(os.environ.get("JIAYUAN_EXPORT_KEEP_DAYS", "7"))
AXES_COOLOFF_TIME = 0.5  # hours
# Lockout per account, whatever address the attempts come from (a security officer unlocks at
# /accounts/locked/); addresses are limited separately by the login rate limit (core.ratelimit).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "jiayuan.core.middleware.client_address"
# axes suggests locking addresses too; an office behind one NAT address would be locked out whole by five
# mistyped passwords. Addresses are limited by core.ratelimit instead (30 sign-in attempts a minute).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("JIAYUAN_STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("JIAYUAN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served publicly; attachments go through scoped views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# Request bodies are refused before they are read above these sizes (accounts.middleware.BodyLimitMiddleware).
ANONYMOUS_BODY_MAX_BYTES = int(os.environ.get("JIAYUAN_ANONYMOUS_BODY_MAX_BYTES", str(64 * 1024)))
REQUEST_BODY_MAX_BYTES = int(os.environ.get("JIAYUAN_REQUEST_BODY_MAX_BYTES", str(25 * 1024 * 1024)))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Background work (docs/operations.md, "Worker and scheduler"). The task queue is the database by default
# (no other service to install); `JIAYUAN_TASK_QUEUE=rq` moves the same tasks to RQ on Redis when one
# machine is not enough. `manage.py worker` runs whichever is configured.
REDIS_URL = os.environ.get("REDIS_URL", "")
TASK_QUEUE = os.environ.get("JIAYUAN_TASK_QUEUE", "database")

# When the local 12338 line has a person answering, as the local women's federation states it. The product
# never promises round-the-clock answering: set this to the hours the line publishes locally.
HOTLINE_12338_HOURS = os.environ.get(
    "JIAYUAN_HOTLINE_12338_HOURS", "人工接听时间以当地妇联公布的为准，夜间和节假日可能无人接听"
)
if TASK_QUEUE == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("JIAYUAN_TASK_QUEUE=rq needs REDIS_URL")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
elif TASK_QUEUE == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured("JIAYUAN_TASK_QUEUE must be 'database' or 'rq'")

# The scheduler (`manage.py scheduler`, APScheduler with its job store in the database) enqueues these
# tasks on the queue above. `cron` is a crontab line in TIME_ZONE, `seconds` an interval. A slot marked
# `optional` is skipped while its task does not exist; `enabled: False` switches a job off.
# `JIAYUAN_SCHEDULE_OVERRIDES` (JSON, e.g. {"cases_sweep": {"seconds": 60}}) changes entries per
# installation without editing this file.
RETENTION_DAYS = int(os.environ.get("JIAYUAN_RETENTION_DAYS", "1825"))
BACKUP_DIR = os.environ.get("JIAYUAN_BACKUP_DIR", "")
BACKUP_KEEP = int(os.environ.get("JIAYUAN_BACKUP_KEEP", "14"))
SCHEDULE: dict[str, dict] = {
    "cases_sweep": {
        "title": "流转逾期自动上报、个案逾期提醒、跟进任务逾期提醒",
        "task": "jiayuan.cases.tasks.cases_sweep_task",
        "cron": "*/5 * * * *",
        "summary": "自动上报流转 {moves} 项，逾期提醒 {deadlines} 件，跟进任务逾期 {tasks} 项",
    },
    "care_sweep": {
        "title": "结对未联系提醒、到期复核提醒",
        "task": "jiayuan.care.tasks.care_sweep_task",
        "cron": "0 7 * * *",
    },
    "screening_roll": {
        "title": "开启每月重复的隐患排查活动",
        "task": "jiayuan.screening.tasks.campaigns_roll_task",
        "cron": "5 0 * * *",
    },
    "figures_refresh": {
        "title": "统计指标汇总表补算",
        "task": "jiayuan.reports.tasks.figures_refresh_task",
        "cron": "*/5 * * * *",
        "summary": "并入待重算标记 {folded} 处",
    },
    "retention": {
        "title": "超过保存期限的记录匿名化",
        "task": "jiayuan.ops.tasks.retention_task",
        "cron": "30 2 1 * *",
        "kwargs": {"older_than_days": RETENTION_DAYS},
    },
    "audit_checkpoint": {
        "title": "访问日志校验点",
        "task": "jiayuan.audit.tasks.audit_checkpoint_task",
        "cron": "0 * * * *",
    },
    "backup": {
        "title": "加密备份",
        "task": "jiayuan.ops.tasks.backup_task",
        "cron": "0 3 * * *",
        "enabled": bool(BACKUP_DIR),
    },
    "drafts_purge": {
        "title": "清理过期的未提交草稿",
        "task": "jiayuan.drafts.tasks.drafts_purge_task",
        "cron": "45 3 * * *",
        "summary": "清理草稿 {purged} 份",
    },
    "export_files_purge": {
        "title": "删除超过保存期的导出文件",
        "task": "jiayuan.imports.tasks.export_files_purge_task",
        "cron": "50 3 * * *",
        "summary": "删除导出文件 {purged} 个",
    },
    "housekeeping": {
        "title": "清理过期的后台任务记录",
        "task": "jiayuan.ops.tasks.housekeeping_task",
        "cron": "15 4 * * *",
    },
}
for _key, _change in json.loads(os.environ.get("JIAYUAN_SCHEDULE_OVERRIDES", "") or "{}").items():
    _entry = SCHEDULE.setdefault(_key, {})
    if "seconds" in _change:
        _entry.pop("cron", None)
    if "cron" in _change:
        _entry.pop("seconds", None)
    _entry.update(_change)
# The scheduler writes a heartbeat this often; /healthz calls it stale after three missed beats.
SCHEDULER_HEARTBEAT_SECONDS = float(os.environ.get("JIAYUAN_SCHEDULER_HEARTBEAT", "30"))
# A task waiting longer than this in the queue makes the queue unhealthy (no worker is taking work).
QUEUE_STALE_SECONDS = int(os.environ.get("JIAYUAN_QUEUE_STALE_SECONDS", "600"))
# /healthz reports the media disk unhealthy below this much free space.
MEDIA_MIN_FREE_BYTES = int(os.environ.get("JIAYUAN_MEDIA_MIN_FREE_MB", "1024")) * 1024 * 1024

# One process's memory by default; the shared Redis when REDIS_URL is set, so sessions (cached_db), rate
# limits and caches are the same on every host.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "jiayuan",
    }
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("JIAYUAN_CACHE_PREFIX", "jiayuan"),
        }
    }
# The progress of a background import, written by the worker while its transaction is still open and read by
# the web process: a cache every process of the host shares (Redis when configured, else files under var/).
CACHES["progress"] = (
    {**CACHES["default"], "KEY_PREFIX": os.environ.get("JIAYUAN_CACHE_PREFIX", "jiayuan") + "-progress"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "progress"),
    }
)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the meta tag, not the cookie

# Field encryption: the first key encrypts, every key decrypts (rotation); a separate key for blind indexes.
DATA_ENCRYPTION_KEYS: list[str] = env_list("JIAYUAN_DATA_KEYS")
BLIND_INDEX_KEY: str = os.environ.get("JIAYUAN_INDEX_KEY", "")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# The access log's MAC key: outside the database, so rows cannot be rewritten and re-chained from inside it.
AUDIT_CHAIN_KEY: str = os.environ.get("JIAYUAN_AUDIT_KEY", "")
# Signed checkpoints of the chain head are written here (keep a copy off the host: the auditor's copy).
AUDIT_CHECKPOINT_DIR = os.environ.get("JIAYUAN_AUDIT_CHECKPOINT_DIR", "")
# Every list, page and form on personal data leaves an access-log row even when it records nothing itself. Off
# only to measure what that costs (the load test's A/B); `check --deploy` warns while it is off.
ACCESS_LOG_LISTS = env_bool("JIAYUAN_ACCESS_LOG_LISTS", True)

# How long an emergency (break-glass) read lasts.
BREAK_GLASS_MINUTES = int(os.environ.get("JIAYUAN_BREAK_GLASS_MINUTES", "120"))
# Tokens a person signs in for live a working day (and end after the idle timeout); machine tokens are issued by
# an administrator with a purpose, at most API_TOKEN_MAX_DAYS, with a security officer's approval.
API_TOKEN_HOURS = float(os.environ.get("JIAYUAN_API_TOKEN_HOURS", "8"))
API_TOKEN_MAX_DAYS = float(os.environ.get("JIAYUAN_API_TOKEN_MAX_DAYS", "90"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_personal_data": {"()": "jiayuan.core.logging.ScrubPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["scrub_personal_data"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("JIAYUAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "jiayuan.core.logging.PersonalDataExceptionReporterFilter"

# Optional language model for phrasing legal answers (OpenAI-compatible endpoint); empty = not used.
LEGAL_LLM_BASE_URL = os.environ.get("LEGAL_LLM_BASE_URL", "")
LEGAL_LLM_API_KEY = os.environ.get("LEGAL_LLM_API_KEY", "")
LEGAL_LLM_MODEL = os.environ.get("LEGAL_LLM_MODEL", "")

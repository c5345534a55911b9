"""Settings for the Safeguarding Board Planner.

Everything that differs between a laptop and production comes from the
environment (django-environ). The defaults are for local development:
SQLite, console e-mail, DEBUG on. With DEBUG off the site refuses to start
without SECRET_KEY and DATABASE_URL, and the security flags below make
``manage.py check --deploy`` clean.
"""

import socket
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="local-development-only-key-never-use-in-production-0123456789")
else:
    # Production must be configured explicitly: no silent fallbacks.
    for required in ("SECRET_KEY", "DATABASE_URL"):
        if required not in env.ENVIRON:
            raise ImproperlyConfigured(f"{required} must be set when DEBUG is off")
    SECRET_KEY = env("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# The demo command creates logins with known passwords: never on a live site.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=DEBUG)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # Before the admin: its registration/ templates (sign-in, password reset) are the ones
    # Django's auth views find first.
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "crispy_forms",
    "crispy_forms_gds",
    "django_htmx",
    "csp",
    "axes",
    "django_ratelimit",
    # Two-factor sign-in (accounts/two_factor.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Single sign-on with each organisation's Entra ID tenant (accounts/sso.py): allauth's
    # OpenID Connect provider only; nobody signs up or signs in with a password through it.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "boards",
    "frameworks",
    "plans",
    "reviews",
    "meetings",
    "notifications",
    "performance",
    "packs",
    "annual_reports",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files from a package, served by whitenoise: no CDN (our CSP allows 'self' only).
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # First: every later middleware's and view's log lines carry the request's id.
    "safeguarding.logging.RequestIdMiddleware",
    "safeguarding.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): this session passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safeguarding.middleware.NoStoreForSignedInMiddleware",
    "safeguarding.middleware.RememberWritersMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "safeguarding.middleware.AbsoluteSessionTimeoutMiddleware",
    "safeguarding.middleware.RefreshIdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the response of a throttled login.
    "axes.middleware.AxesMiddleware",
]

# --- Metrics -----------------------------------------------------------------
# /metrics for Prometheus (safeguarding.metrics_view): off unless METRICS_ENABLED, and only
# answered to METRICS_ALLOWED_NETWORKS (the client address as accounts.throttling reads it,
# so TRUSTED_PROXY_COUNT applies). django-prometheus times every request by view.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=["celery"])
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

ROOT_URLCONF = "safeguarding.urls"

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
                "safeguarding.context_processors.navigation",
            ],
        },
    },
    # For the few templates whose rows are a page's cost: the plan table
    # (plans/jinja2/plans/_plan_table.html, see plans.plan_table). Autoescaped like Django's.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": True},
    },
]

WSGI_APPLICATION = "safeguarding.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection that PostgreSQL dropped (a restart, a failover) is noticed and
# replaced at the start of the next request or task, instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast with the "unavailable" page rather than hang while PostgreSQL is down.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
# The plan page's frame query (plans.page_frame) is prepared once on each connection: turn
# this off behind a transaction-mode pooler that does not keep prepared statements.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` serves the web and a Celery worker from one SQLite file: WAL lets readers
    # go on while one process writes, and IMMEDIATE transactions take the write lock at
    # BEGIN, so two writers queue (up to the timeout) instead of failing "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions -------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # A ModelBackend that also accepts an e-mail address (any case).
    "accounts.backends.EmailOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "boards:home"
LOGOUT_REDIRECT_URL = "login"
# A reset link works once (the token hashes the password) and for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_SECONDS", default=2 * 60 * 60)
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
# Two-factor sign-in (accounts/two_factor.py). On, board managers and site staff who sign in
# with a password must set up an authenticator app; everyone else may. Single sign-on relies
# on the organisation's own MFA. Required by default in production, optional locally.
TWO_FACTOR_REQUIRED_FOR_MANAGERS = env.bool("TWO_FACTOR_REQUIRED_FOR_MANAGERS", default=not DEBUG)
# How long after a right password the code may be entered.
TWO_FACTOR_PENDING_SECONDS = env.int("TWO_FACTOR_PENDING_SECONDS", default=5 * 60)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Safeguarding Board Planner")
# Single sign-on (accounts/sso.py, django-allauth): tenants are SignOnTenant rows, one per
# organisation, set up by site staff; PKCE on; no tokens kept; the site's own checks decide
# who may sign in, so allauth neither signs people up by itself nor links by e-mail.
SOCIALACCOUNT_ADAPTER = "accounts.sso.SignOnAdapter"
ACCOUNT_ADAPTER = "accounts.sso.AccountAdapter"
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SSO_REQUESTS_TIMEOUT", default=5)
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*"]

# Idle timeout: the cookie lives SESSION_IDLE_SECONDS from the last request, give or take
# SESSION_REFRESH_SECONDS: the session is saved with a new expiry at most that often
# (safeguarding.middleware.RefreshIdleSessionMiddleware), not on every request, which cost
# a database write, its commit and 1.5-2 ms of CPU a view (bench/load.py).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=60 * 60)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
# Absolute timeout: a session ends this long after sign-in, however active.
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes; see accounts/throttling.py): failures are counted per account
# (whatever identifier was typed) and per client address, each with its own limit; a
# success clears neither; failures age out after the cool-off; a reset by e-mail clears
# the account's count and signs its owner in.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "accounts.throttling.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = env.int("SIGN_IN_ACCOUNT_FAILURE_LIMIT", default=5)
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own (the handler reads them in this order)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A refused form answers with our own 403 page (safeguarding.views), not Django's bare one.
CSRF_FAILURE_VIEW = "safeguarding.views.csrf_failure"
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
# The client's address: REMOTE_ADDR, unless the site runs behind this many reverse proxies
# of its own (accounts.throttling.client_ip reads X-Forwarded-For from the right, so an
# address a client writes into the header is never used).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
# Password-reset and invitation e-mails (accounts.throttling.too_many_emails, django-ratelimit):
# at most this many per address, and per client address, counted in Redis so every web
# process and host shares the count.
EMAIL_RATE_PER_ADDRESS = env("EMAIL_RATE_PER_ADDRESS", default="3/h")
EMAIL_RATE_PER_IP = env("EMAIL_RATE_PER_IP", default="20/h")
RATELIMIT_USE_CACHE = "ratelimit"
# django-ratelimit knows django-redis but not Django's own RedisCache, whose add() and
# incr() are Redis SETNX and INCRBY: atomic, which is what the limiter needs.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
RATELIMIT_IP_META_KEY = "accounts.throttling.client_ip"

# --- Security headers ------------------------------------------------------
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The planner needs none of the browser's powerful features: say so (Permissions-Policy).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
        "interest-cohort",
    )
}
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: every script and stylesheet is a file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Stored files (board pack PDFs, annual reports) go through Django's storage API. The
# filesystem under MEDIA_ROOT by default (make run, one host); with FILE_STORAGE=s3, an
# S3-compatible bucket that every web and worker host shares (django-storages). Files are
# private either way: downloads stream through views that check permission.
FILE_STORAGE = env("FILE_STORAGE", default="filesystem")
if FILE_STORAGE == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),  # None: AWS itself
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),  # None: the instance's role
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "location": env("S3_PREFIX", default=""),
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # never a public URL
            "file_overwrite": False,
        },
    }
elif FILE_STORAGE == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be 'filesystem' or 's3', not {FILE_STORAGE!r}.")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# --- Forms -----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- E-mail ----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Safeguarding Board Planner <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Rendered plan pages and exports (safeguarding.shared_cache), shared by every web process
# and host through Redis; `CACHE_URL=locmem://` keeps them in each process instead (one
# process without Redis). Short timeouts: with Redis down a page renders instead of waiting.
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
CACHE_SECONDS = env.int("CACHE_SECONDS", default=10 * 60)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": CACHE_SECONDS}
    if CACHE_URL.startswith("locmem:")
    else {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "sg",
        "TIMEOUT": CACHE_SECONDS,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 3},
    },
    # The API's per-token rate limit (api.throttling): shared by every process, like the one below.
    "api": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "api",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    },
    # Counters that must be shared by every process (rate limits).
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ratelimit",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    },
}
# Heavy renders in web requests (safeguarding.heavy_renders): uncached renders per user,
# and how many may run at once on one host (the rest answer 503 at once, Retry-After).
HEAVY_RENDER_RATE = env("HEAVY_RENDER_RATE", default="20/10m")
HEAVY_RENDER_SLOTS = env.int("HEAVY_RENDER_SLOTS", default=1)
HEAVY_RENDER_SLOT_SECONDS = env.int("HEAVY_RENDER_SLOT_SECONDS", default=120)
HEAVY_RENDER_HOST = env("HEAVY_RENDER_HOST", default=socket.gethostname())
# Views serving those files, cached or not, take turns in each web process (heavy_endpoint):
# this many at once, this many more waiting at most this long, then 503. With gunicorn's 8
# threads a process (gunicorn.conf.py) that leaves at least 5 for pages at any time.
HEAVY_REQUESTS_PER_PROCESS = env.int("HEAVY_REQUESTS_PER_PROCESS", default=1)
HEAVY_REQUESTS_WAITING = env.int("HEAVY_REQUESTS_WAITING", default=2)
HEAVY_REQUEST_WAIT_SECONDS = env.float("HEAVY_REQUEST_WAIT_SECONDS", default=3.0)
# Exports of plans with more actions than this are made by the Celery worker, with progress.
EXPORT_IN_WORKER_ACTIONS = env.int("EXPORT_IN_WORKER_ACTIONS", default=300)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TIMEZONE = TIME_ZONE
# When Redis is unreachable a web request's send must fail in about a second, not hang:
# the job stays queued in the database and a sweep sends it later (safeguarding/queueing.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# Reading import progress from the result backend must not hang a page either.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"timeout": 2.0}}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# --- Reminders (notifications app) -----------------------------------------
# Days before the due date for a "due soon" reminder; overdue days before an
# action escalates to the board's managers, then to the independent chair.
REMINDER_DUE_SOON_DAYS = env.int("REMINDER_DUE_SOON_DAYS", default=14)
REMINDER_ESCALATE_MANAGERS_DAYS = env.int("REMINDER_ESCALATE_MANAGERS_DAYS", default=28)
REMINDER_ESCALATE_CHAIR_DAYS = env.int("REMINDER_ESCALATE_CHAIR_DAYS", default=56)
REMINDER_NO_PROGRESS_DAYS = env.int("REMINDER_NO_PROGRESS_DAYS", default=90)
# Case-review clocks (reviews.clocks), in working days in England and Wales except the
# LCSPR's, in calendar months. Defaults are the statutory ones: Working Together 2023
# (notify the national panel within 5 working days, rapid review within 15 working days
# of the notification, publish an LCSPR within 6 months of deciding to hold it) and
# Ofsted's ILACS framework (a written action plan within 70 working days of the report).
CASE_REVIEW_NOTIFY_WORKING_DAYS = env.int("CASE_REVIEW_NOTIFY_WORKING_DAYS", default=5)
CASE_REVIEW_RAPID_REVIEW_WORKING_DAYS = env.int("CASE_REVIEW_RAPID_REVIEW_WORKING_DAYS", default=15)
LCSPR_PUBLISH_MONTHS = env.int("LCSPR_PUBLISH_MONTHS", default=6)
OFSTED_ACTION_PLAN_WORKING_DAYS = env.int("OFSTED_ACTION_PLAN_WORKING_DAYS", default=70)
# SMTP failures are retried this many times with exponential back-off; the longest
# wait stays well under Redis's visibility timeout (an hour), see FIELD-NOTES.
REMINDER_MAX_RETRIES = env.int("REMINDER_MAX_RETRIES", default=6)
REMINDER_RETRY_BACKOFF_SECONDS = env.int("REMINDER_RETRY_BACKOFF_SECONDS", default=30)
REMINDER_RETRY_BACKOFF_MAX_SECONDS = env.int("REMINDER_RETRY_BACKOFF_MAX_SECONDS", default=30 * 60)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Names people choose (their own, a board's) are cut to this length in e-mails.
EMAIL_NAME_MAX_CHARS = env.int("EMAIL_NAME_MAX_CHARS", default=80)
# An e-mail lists at most this many actions (per digest section), then "and N more".
REMINDER_EMAIL_MAX_ACTIONS = env.int("REMINDER_EMAIL_MAX_ACTIONS", default=50)
# When the sweeps run (HH:MM, Europe/London), a few minutes apart so one fan-out is
# done before the next starts; the digest goes weekly on REMINDER_DIGEST_DAY.
# Exactly one beat must run (two would fire every job twice; the jobs are
# idempotent anyway).
REMINDER_SCHEDULE = {
    "overdue": env("REMINDER_OVERDUE_AT", default="07:00"),
    "due_soon": env("REMINDER_DUE_SOON_AT", default="07:05"),
    "escalation": env("REMINDER_ESCALATION_AT", default="07:10"),
    "digest": env("REMINDER_DIGEST_AT", default="07:30"),
    # Case-review clocks (reviews.clocks): due soon, breached, escalated; each once.
    "clocks": env("REMINDER_CLOCKS_AT", default="07:15"),
}
REMINDER_DIGEST_DAY = env("REMINDER_DIGEST_DAY", default="mon")
CELERY_BEAT_SCHEDULE = {
    f"reminders-{job}": {
        "task": "notifications.run_job",
        "schedule": crontab(
            hour=at.split(":")[0],
            minute=at.split(":")[1],
            day_of_week=REMINDER_DIGEST_DAY if job == "digest" else "*",
        ),
        "args": [job],
    }
    for job, at in REMINDER_SCHEDULE.items()
}
# Work whose message never reached Redis (it was down) is sent again once it is back.
CELERY_BEAT_SCHEDULE["packs-send-unsent"] = {"task": "packs.send_unsent", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["annual-reports-send-unsent"] = {"task": "annual_reports.send_unsent", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["imports-send-unsent"] = {"task": "plans.transfer.send_unsent", "schedule": 60.0}

# --- Logging ---------------------------------------------------------------
# One JSON object a line in production (LOG_FORMAT=json, the default with DEBUG off), text
# under make run and tests. Each line carries the request id (safeguarding/logging.py), which
# Celery tasks a request starts carry too.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}.")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "safeguarding.logging.RequestIdFilter"}},
    "formatters": {
        "text": {
            "()": "safeguarding.logging.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "safeguarding.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its progress messages are INFO, one per step
        # DEBUG logs each plan-body cache lookup and render with the process id (bench/shared_cache.py).
        "plans.page_cache": {"level": env("PAGE_CACHE_LOG_LEVEL", default="WARNING")},
    },
}
# Task modules outside an app's tasks.py (autodiscovery finds only <app>.tasks).
CELERY_IMPORTS = ["plans.transfer.tasks"]

# --- Plan imports (plans/transfer) -------------------------------------------
# The worker reads an uploaded file in a child process limited to this much memory (MiB of
# address space) and time (seconds), so a crafted file is refused instead of exhausting the worker.
IMPORT_READ_MEMORY_MB = env.int("IMPORT_READ_MEMORY_MB", default=1024)
IMPORT_READ_SECONDS = env.int("IMPORT_READ_SECONDS", default=120)
# Import jobs, with the text of their cells and any file not yet read, are deleted this many
# days after the upload, by the daily beat task below.
IMPORT_JOB_RETENTION_DAYS = env.int("IMPORT_JOB_RETENTION_DAYS", default=7)
CELERY_BEAT_SCHEDULE["purge-import-jobs"] = {
    "task": "plans.transfer.purge_import_jobs",
    "schedule": crontab(hour=3, minute=15),
}

# --- Board packs -------------------------------------------------------------
# WeasyPrint's tagged, accessible PDF variant; empty for a plain PDF.
PACKS_PDF_VARIANT = env("PACKS_PDF_VARIANT", default="pdf/ua-1")
# WeasyPrint keeps the memory of a big render: recycle a worker child that grew past this (KiB).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1024 * 1024)
# WeasyPrint logs every page it lays out at INFO.
LOGGING["loggers"]["weasyprint.progress"] = {"level": "WARNING"}

# --- REST API (api/) ------------------------------------------------------------
# Personal access tokens only (Authorization: Bearer …): the API takes no session cookie,
# so a page can never be tricked into writing through it (no CSRF surface).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.PersonalAccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenRateThrottle"],
    # Requests per token, counted in Redis (the "api" cache) across every web process.
    "DEFAULT_THROTTLE_RATES": {"token": env("API_RATE_PER_TOKEN", default="120/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Refusals (403, 404) are logged to safeguarding.security, as the pages' are.
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safeguarding Board Planner API",
    "DESCRIPTION": (
        "Read a board's plans in force, actions with their latest progress and due-date ledger, "
        "indicators and reviews; add progress, set status and RAG, and ask for new due dates. "
        "Authenticate with a personal access token (Authorization: Bearer sbp_…), made on the "
        "API access tokens page. Outsiders get 404, readers 403 on writes, as on the site."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "plans.models.Status",
        "PlanStatusEnum": "plans.models.PlanStatus",
        "ReviewStatusEnum": "reviews.models.ReviewStatus",
        "RagEnum": "plans.models.Rag",
        "BoardKindEnum": "boards.models.BoardKind",
        "ReviewKindEnum": "reviews.models.ReviewKind",
        "DueDateChangeKindEnum": "plans.models.DueDateChangeKind",
    },
}

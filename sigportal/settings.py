"""
SIG Portal settings: one module, read from the environment.

Every environment variable is listed in README.md and .env.example. With none set, the portal runs on
embedded defaults: SQLite under var/, Celery tasks run inline, mail is written as files under var/mail/.
"""

import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from members.credentials import signing_key
from sigportal.redis_sentinel import EXAMPLE as SENTINEL_EXAMPLE
from sigportal.redis_sentinel import is_sentinel_url, parse_sentinel_url
from sigportal.schedules import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env is read if present (production reads the real environment; the file is never committed).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _env_or_fail(read, name, **kwargs):
    """Read one variable, turning a malformed value into an error that names the variable."""
    try:
        return read(name, **kwargs)
    except (ValueError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is not valid: {exc}") from exc


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _env_bool(name, default):
    """A strict boolean: a typo such as DEBUG=ture stops the portal instead of silently meaning False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} is not valid: use true or false (got {raw!r}).")


# ---------------------------------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------------------------------

DEBUG = _env_bool("DEBUG", default=False)

_DEV_SECRET = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value (or DEBUG=true for local development)."
        )
    SECRET_KEY = _DEV_SECRET
elif not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use at least 50 random characters.")

ALLOWED_HOSTS = _env_or_fail(env.list, "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: list the host names the portal answers to.")

# Absolute links in emails and calendar feeds are built from SITE_URL (there is no request in a Celery task).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")) or not urlsplit(SITE_URL).hostname:
    raise ImproperlyConfigured(
        f"Environment variable SITE_URL is not valid: give the portal's address, e.g. https://sig.example.org "
        f"(got {SITE_URL!r})."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # django.contrib.admin, with the officers' site: their workspace, models grouped by the group's work.
    "sigportal.apps.OfficersAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5.3's CSS and JS as static files
    "django_celery_beat",
    "taggit",
    "csp",
    # The audit trail of officers' changes, kept by database triggers (members/models/audit.py).
    "pgtrigger",
    "pghistory",
    # ours: sigportal -> events, forums -> members.mailing -> members; sigportal -> members.committee -> members
    "members",
    "members.committee",
    "members.mailing",
    "members.cpd",
    "members.credentials",
    "members.institutions",
    "events",
    "forums",
    "sigportal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Straight after SecurityMiddleware, as whitenoise asks, so static files skip the rest of the stack.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the path, the query or a form: a NUL byte there reaches PostgreSQL as an error (500).
    "sigportal.middleware.RejectControlCharactersMiddleware",
    # Above sessions and authentication: a visitor's page from the cache costs no session, user or query.
    "sigportal.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, keeping the member and what pages ask about them in the cache between
    # their requests (sigportal.viewer): a member's page skips loading their row, roles and notification count.
    "sigportal.viewer.CachedAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and messages: the admin and the moderation pages refuse a session without a second
    # factor from anyone whose role requires one (members.second_factor).
    "members.second_factor.SecondFactorMiddleware",
    # After authentication: activates the member's own time zone for every date shown.
    "members.middleware.MemberTimezoneMiddleware",
    # After authentication: the audit trail records who made each change (members/models/audit.py).
    "members.middleware.AuditContextMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # Last, so its process_exception runs first for a view's exception: a lost database answers 503, not 500.
    "sigportal.middleware.DatabaseUnavailableMiddleware",
]

# Visitors' pages from the cache (sigportal/page_cache.py): retired by any write to a table pages show, and after this
# many seconds at most (what only time changes: an event becoming past, a countdown). 0 switches the cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Tables whose writes no visitor's page shows: writing them keeps the cached pages.
PAGE_CACHE_IGNORED_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "django_celery_beat_periodictask",
        "django_celery_beat_periodictasks",
        "sigportal_workerheartbeat",
        "account_emailconfirmation",
        "mailing_delivery",
        "members_outboxemail",
        "committee_contactmessage",
        "forums_notificationdelivery",
        "forums_readmarker",
        "forums_anonymousidentityview",
        "events_emailreceipt",
        # Answers to an event's questions are seen only by officers and in the member's own data download; a
        # registration itself does retire pages (places left).
        "events_registrationanswer",
    }
)

# Benchmarks only (bench/ sets it): a trivial view and a query-count header. Never on in production.
BENCH_MODE = _env_bool("BENCH_MODE", default=False)
if BENCH_MODE:
    MIDDLEWARE.insert(0, "sigportal.bench.QueryCountHeaderMiddleware")

ROOT_URLCONF = "sigportal.urls"
WSGI_APPLICATION = "sigportal.wsgi.application"
SITE_ID = 1

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
                "sigportal.context_processors.site",
                "sigportal.context_processors.shared_fragments",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------------------------------
# The group itself: names and contact details shown across the site and in every email
# ---------------------------------------------------------------------------------------------------------------------

SIG_NAME = env.str("SIG_NAME", default="Learning Technology Inclusion SIG")
SIG_SHORT_NAME = env.str("SIG_SHORT_NAME", default="LT Inclusion SIG")
ASSOCIATION_NAME = env.str("ASSOCIATION_NAME", default="Association for Learning Technology Practice")
ASSOCIATION_URL = env.str("ASSOCIATION_URL", default="")
# The association's membership number formats: regular expressions, separated by ";" (a pattern may hold commas),
# each matched against the whole number once upper-cased with spaces removed. Members' claims (membership page and
# nomination form, members.membership.membership_number_clean) accept any of them; the example is shown next to the
# field. A pattern that does not compile stops the portal at start-up rather than refusing every member later.
MEMBERSHIP_NUMBER_FORMATS = [
    pattern.strip()
    for pattern in env.str("MEMBERSHIP_NUMBER_FORMATS", default=r"[A-Z]{0,3}\d{4,10};[A-Z]{2,6}-\d{3,10}").split(";")
    if pattern.strip()
]
for _pattern in MEMBERSHIP_NUMBER_FORMATS:
    try:
        re.compile(_pattern)
    except re.error as _error:
        raise ImproperlyConfigured(
            f"MEMBERSHIP_NUMBER_FORMATS: {_pattern!r} is not a regular expression ({_error})."
        ) from _error
MEMBERSHIP_NUMBER_EXAMPLE = env.str("MEMBERSHIP_NUMBER_EXAMPLE", default="ALTP-20417")
# The public contact route is the committee's contact form; this address is only the sender of the portal's mail.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SIG_SHORT_NAME} <noreply@sigportal.invalid>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# ---------------------------------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------------------------------

VAR_DIR.mkdir(exist_ok=True)
Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))).mkdir(parents=True, exist_ok=True)
# Set but empty (DATABASE_URL= in .env) is a mistake, not "use SQLite": a production portal must not start on an
# empty local database because a variable lost its value.
if "DATABASE_URL" in env.ENVIRON and not env.str("DATABASE_URL").strip():
    raise ImproperlyConfigured(
        "Environment variable DATABASE_URL is not valid: it is empty. Use postgres://user:password@host:port/name "
        "(or remove the variable for SQLite under var/)."
    )
DATABASES = {
    "default": _env_or_fail(env.db_url, "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sigportal.sqlite3'}"),
}
# A URL without a scheme (postgres//host/db) parses to no ENGINE at all.
if DATABASES["default"].get("ENGINE") not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
    raise ImproperlyConfigured(
        "Environment variable DATABASE_URL is not valid: use postgres://user:password@host:port/name "
        "(or leave it unset for SQLite under var/)."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------------------------------
# Cache, Celery (Redis when REDIS_URL is set; otherwise local memory and tasks run inline)
# ---------------------------------------------------------------------------------------------------------------------

REDIS_URL = _env_or_fail(env.str, "REDIS_URL", default="")
if "REDIS_URL" in env.ENVIRON and not REDIS_URL.strip():
    raise ImproperlyConfigured(
        "Environment variable REDIS_URL is not valid: it is empty. Use redis://host:6379/0 (or remove the variable "
        "to run tasks inline with a local-memory cache)."
    )
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://", "sentinel://")):
    raise ImproperlyConfigured(
        "Environment variable REDIS_URL is not valid: it must start with redis://, rediss:// or sentinel://"
    )
# Redis behind Sentinel (several machines, automatic failover): one URL for broker and cache; the syntax is in
# sigportal/redis_sentinel.py and README.
REDIS_SENTINEL = None
if is_sentinel_url(REDIS_URL):
    try:
        REDIS_SENTINEL = parse_sentinel_url(REDIS_URL)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Environment variable REDIS_URL is not valid: {exc}. A Sentinel URL looks like {SENTINEL_EXAMPLE}"
        ) from exc
if REDIS_URL.startswith(("redis://", "rediss://")) and not urlsplit(REDIS_URL).hostname:
    raise ImproperlyConfigured(
        "Environment variable REDIS_URL is not valid: give a host, e.g. redis://127.0.0.1:6379/0"
    )

if REDIS_URL:
    CACHES = {
        "default": {
            # A miss for reads and nothing for writes while Redis is unreachable (sigportal/cache.py): the site
            # degrades to uncached pages and database sessions instead of answering 500.
            "BACKEND": "sigportal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sigportal"),
            # Redis answers in well under a millisecond on the same network: a connection that takes longer than
            # this is dead, and waiting longer would hold every request up behind it.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# After a failure the cache stops asking Redis for this many seconds, so an outage costs one timeout per process
# per interval instead of one per cache call.
CACHE_OUTAGE_SECONDS = 5

CELERY_BROKER_URL = REDIS_SENTINEL.broker_url() if REDIS_SENTINEL else (REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None  # results that matter are written to our own tables
CELERY_TASK_ALWAYS_EAGER = _env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/London"
# A worker that cannot reach Redis at start keeps trying instead of exiting (compose restarts it anyway).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Delivery guarantees. A task is acknowledged after it ran (acks_late), so a worker killed mid-task (OOM, kill -9,
# a lost container) does not lose it: Redis hands the unacknowledged message to another worker once the visibility
# timeout passes. Redis's default is an hour; CELERY_VISIBILITY_TIMEOUT (seconds, default 10 minutes) brings a dead
# worker's tasks back within minutes. The timeout must stay above the default hard time limit, or a task still
# running would be handed out a second time. Tasks queued with a countdown longer than it (a retry an hour later) are
# handed out again each time it passes: only tasks safe to run twice may wait that long.
CELERY_VISIBILITY_TIMEOUT = _env_or_fail(env.int, "CELERY_VISIBILITY_TIMEOUT", default=600)
# Short socket timeouts and few publish retries: while Redis is away, queueing a task gives up within about a second
# instead of holding a request. Nothing is lost by giving up: emails wait in the outbox for the sweep.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
if REDIS_SENTINEL:
    # kombu reads the sentinels from the broker URL, and the master's name and the sentinels' own options from here.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "master_name": REDIS_SENTINEL.master,
        "sentinel_kwargs": REDIS_SENTINEL.sentinel_kwargs(socket_connect_timeout=1, socket_timeout=5),
    }
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Every task is safe to run twice (emails are outbox rows claimed with SKIP LOCKED and recorded sent one by one), so
# all are acknowledged late; bulk sends get their own time limits (sigportal.celery.BulkTimeLimits).
CELERY_TASK_ANNOTATIONS = ["sigportal.celery.BulkTimeLimits"]
# One message at a time per process: a long digest never sits on a reminder it prefetched.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A stuck task (an SMTP server that never answers) is interrupted (soft: an exception the task can clean up after),
# then killed (hard). The hard limit stays below the visibility timeout; see the bulk queue below for the digest.
CELERY_TASK_SOFT_TIME_LIMIT = _env_or_fail(env.int, "CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = _env_or_fail(env.int, "CELERY_TASK_TIME_LIMIT", default=300)
# A worker process is replaced after this many tasks, so a slow leak in a long-lived worker stays bounded.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000

# Three queues, so that a 10,000-reader digest never holds back a registration email or a reminder:
#   mail     the outbox: every email a person is waiting for (registration, confirmation, contact, reminders ...);
#   bulk     list mail to everyone (digests and announcements);
#   default  everything else (heartbeat, committee access, election reminders, the list mail sweep).
# Routes match the end of the task name ("*.send_mailing"), so they keep working when a module is moved.
# `make worker` and compose's worker consume all three; compose also runs a worker for bulk alone.
CELERY_TASK_DEFAULT_QUEUE = "default"
# Declared, so a worker started without --queues (an embedded test worker, a hand-run `celery worker`) consumes all.
# Each with its own routing key: queues bound with the same key would each get a copy of every task.
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("default", "mail", "bulk")]
CELERY_TASK_CREATE_MISSING_QUEUES = True
CELERY_TASK_ROUTES = {
    # bulk: a send run of a digest or announcement may take many minutes; two runs at once share the work (rows are
    # claimed with SKIP LOCKED), so a redelivery while one still runs only adds a second sender.
    "*.send_mailing": {"queue": "bulk"},
    "*.build_weekly_digest": {"queue": "bulk"},
    "*.build_daily_digest": {"queue": "bulk"},
    # mail: the outbox's sender and its sweep (every email a person waits for), and the reminders job that records them.
    "*.send_outbox": {"queue": "mail"},
    "*.sweep_outbox": {"queue": "mail"},
    "*.send_due_reminders": {"queue": "mail"},
}
# Bulk sends are long: their own limits (minutes per 10,000 readers at a real SMTP relay's pace). Above the
# visibility timeout on purpose: see the route comment (a second sender shares the work, nobody gets two copies).
CELERY_BULK_SOFT_TIME_LIMIT = _env_or_fail(env.int, "CELERY_BULK_SOFT_TIME_LIMIT", default=55 * 60)
CELERY_BULK_TIME_LIMIT = _env_or_fail(env.int, "CELERY_BULK_TIME_LIMIT", default=60 * 60)

CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job is declared once, in sigportal/schedules.py; beat copies it into its database tables when it
# starts. BEAT_EVERY_SECONDS (0, off) runs every job every N seconds instead: only the system test sets it.
BEAT_EVERY_SECONDS = _env_or_fail(env.int, "BEAT_EVERY_SECONDS", default=0)
CELERY_BEAT_SCHEDULE = beat_schedule(BEAT_EVERY_SECONDS)

# ---------------------------------------------------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------------------------------------------------

EMAIL_URL = _env_or_fail(env.str, "EMAIL_URL", default="")
_EMAIL_SCHEMES = (
    "smtp://",
    "smtps://",
    "smtp+tls://",
    "smtp+ssl://",
    "submission://",
    "consolemail://",
    "filemail://",
    "memorymail://",
    "dummymail://",
)
if EMAIL_URL:
    if not EMAIL_URL.startswith(_EMAIL_SCHEMES):
        raise ImproperlyConfigured(
            "Environment variable EMAIL_URL is not valid: use smtp://user:password@host:587 (or smtps://, "
            "consolemail://); leave it unset to write mail to files under var/mail/."
        )
    vars().update(_env_or_fail(env.email_url, "EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

# Every email but list mail goes through the outbox (members.outbox records it with the change, members.sending sends
# it). OUTBOX_BATCH_SIZE rows are claimed at a time; a claim outlives a dead sender by OUTBOX_LEASE_SECONDS; retries
# wait 30 s, 1 min, 2 min ... at most OUTBOX_BACKOFF_MAX_SECONDS, and stop after OUTBOX_GIVE_UP_SECONDS (then "failed",
# and officers can send it again from the admin).
OUTBOX_BATCH_SIZE = _env_or_fail(env.int, "OUTBOX_BATCH_SIZE", default=20)
OUTBOX_LEASE_SECONDS = _env_or_fail(env.int, "OUTBOX_LEASE_SECONDS", default=120)
OUTBOX_BACKOFF_MAX_SECONDS = _env_or_fail(env.int, "OUTBOX_BACKOFF_MAX_SECONDS", default=600)
OUTBOX_GIVE_UP_SECONDS = _env_or_fail(env.int, "OUTBOX_GIVE_UP_SECONDS", default=3 * 3600)

# ---------------------------------------------------------------------------------------------------------------------
# Accounts (django-allauth): email is the login, verification is mandatory
# ---------------------------------------------------------------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the email logs the new member in, when it happens in the browser they signed up in (allauth 65 checks
# the sign-up is pending in that session, so a leaked link logs nobody in); members.adapter then opens the welcome
# checklist. Confirmed elsewhere, they log in as usual.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SIG_SHORT_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Behind this many proxies (the TLS proxy README recommends: 1), X-Forwarded-For names the client; with 0 it is
# ignored and the connection's address is the client's. Every rate limit counts by this (members.adapter.client_ip).
ALLAUTH_TRUSTED_PROXY_COUNT = _env_or_fail(env.int, "TRUSTED_PROXY_COUNT", default=0)
# allauth's own rate limits stay on (its defaults); they count in the cache, so production needs Redis. While Redis
# is unreachable they fail open, so that members can still log in (the reasons are in sigportal/cache.py).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
}

# Two factors (allauth.mfa): open to every member from their account menu, and required of anyone with admin or
# moderation access (members.second_factor). Passkeys are a second factor here, not a password replacement.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = SIG_SHORT_NAME
# A code is accepted for one 30-second step either side: phone clocks drift and people type slowly (RFC 6238, 5.2).
MFA_TOTP_TOLERANCE = 1
# Browsers only allow passkeys on https, or on http://localhost while developing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------------------------------------------------
# Internationalisation and time: stored in UTC, shown in the site's zone (or the member's own), zone named
# ---------------------------------------------------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = _env_or_fail(env.str, "TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------------------------------
# Static files and uploads
# ---------------------------------------------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Private uploads (proofs of membership, ...) live outside MEDIA_ROOT and are only ever served by a view that
# checks permission; there is no URL pattern for them.
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Several web servers share uploads through an S3-compatible store. django-storages reads the AWS_* settings;
    # boto3 reads the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) and region from the environment itself.
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    # No object carries an ACL. New AWS buckets have ACLs disabled and refuse any upload that sets one (400
    # AccessControlListNotSupported); and an object without one is readable by its owner only. What visitors may read
    # is the bucket policy's business: it grants s3:GetObject on media/* alone (docs/OPERATIONS.md), so private/
    # stays closed on AWS and on any S3-compatible store alike.
    AWS_DEFAULT_ACL = None
    # Public uploads are linked by their plain bucket address: a signed one would expire in a cached page.
    AWS_QUERYSTRING_AUTH = False
    # As on a local disk, a second upload under a taken name gets a new name instead of replacing the first file.
    AWS_S3_FILE_OVERWRITE = False
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"location": "media"}}
    # Private files are only ever streamed by a view that checks permission; were a link to one ever made, it would
    # be a signed one that expires.
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"location": "private", "querystring_auth": True},
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ---------------------------------------------------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
TAGGIT_CASE_INSENSITIVE = True

# ---------------------------------------------------------------------------------------------------------------------
# Security. Production (DEBUG off) passes `manage.py check --deploy --fail-level WARNING`.
# ---------------------------------------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis in production) and written through to the database: a member's page costs
# no session query, and a cache restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    # Behind a TLS-terminating proxy (the compose file's web service sits behind one).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content Security Policy (django-csp 4): no inline script anywhere; every script is a file under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# ---------------------------------------------------------------------------------------------------------------------
# Logging: everything to stderr, where gunicorn and the container runtime collect it
# ---------------------------------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# ---------------------------------------------------------------------------------------------------------------------
# Members: "your data" (export and account deletion)
# ---------------------------------------------------------------------------------------------------------------------

# Each app's part of "download my data" and "delete my account": modules with `export(user) -> dict` and `erase(user)`,
# run by members.your_data (the "Your data" page), which never imports the other apps; erasure runs in reverse order.
# What fills a member's CPD portfolio by itself: each module's activities(user) returns what it recorded
# (members.cpd.sources.RecordedActivity), so the portfolio in members reads events, forums and the committee
# without importing them (docs/ARCHITECTURE.md). Read by members.cpd.sources.portfolio_sync.
CPD_SOURCES = [
    "events.cpd",
    "forums.cpd",
    "members.committee.cpd",
    "members.cpd.subgroups",
    "members.credentials.cpd",
]

# ---------------------------------------------------------------------------------------------------------------------
# Verifiable credentials (members/credentials/): Open Badges 3.0, signed with the group's Ed25519 key.
# Environment: CREDENTIALS_SIGNING_KEY (see members/credentials/signing_key.py and .env.example).
# ---------------------------------------------------------------------------------------------------------------------

# What earns a credential: each module's achievements(user) returns members.credentials.sources.EarnedAchievement
# records, so members.credentials reads events and the committee without importing them. Read by
# members.credentials.sources.earned_achievements (the member's credentials page and the issuing service).
CREDENTIAL_SOURCES = [
    "events.credentials",
    "members.committee.credentials",
]

_credentials_key = env.str("CREDENTIALS_SIGNING_KEY", default="")
if _credentials_key.strip():
    try:
        CREDENTIALS_SIGNING_KEY = signing_key.parse(_credentials_key)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Environment variable CREDENTIALS_SIGNING_KEY is not valid: {exc}") from None
elif DEBUG:
    # make run: generated once, so credentials issued in development stay verifiable across restarts.
    CREDENTIALS_SIGNING_KEY = signing_key.development_key(VAR_DIR / "credentials-signing-key.pem")
else:
    # Production without a key starts (nothing else depends on it), issues nothing, and `check --deploy` warns.
    CREDENTIALS_SIGNING_KEY = None
del _credentials_key

PERSONAL_DATA_PROVIDERS = [
    "members.personal_data",
    "members.mailing.personal_data",
    "members.committee.personal_data",
    "members.cpd.personal_data",
    "members.credentials.personal_data",
    "events.personal_data",
    "forums.personal_data",
]

# ---------------------------------------------------------------------------------------------------------------------
# Mailing list and digests (members/mailing/). Relied on by members.mailing.* and the events/forums digest sections.
# Environment: MAILING_BOUNCE_WEBHOOK_SECRET (the bounce webhook is off while empty), DIGEST_BATCH_SIZE,
# DIGEST_SEND_DELAY_SECONDS, DIGEST_CLAIM_LEASE_SECONDS (tests of a killed worker make sending slow and resume fast).
# ---------------------------------------------------------------------------------------------------------------------

# Each entry: a function (subscriber, since) -> members.mailing.digest.DigestSection | None; see that module's
# docstring for the contract. events and forums append theirs ("events.digest.section", "forums.digest.section").
DIGEST_SECTIONS = [
    "members.mailing.sections.announcements",
    "events.digest.section",
    "events.digest.my_registrations",
    "forums.digest.section",
    "forums.digest.watched_replies",
]
# Messages per batch; each batch is claimed in one transaction and sent over one mail connection.
DIGEST_BATCH_SIZE = _env_or_fail(env.int, "DIGEST_BATCH_SIZE", default=100)
# A pause after each batch (0 in production; a test slows sending down to kill a worker halfway).
DIGEST_SEND_DELAY_SECONDS = _env_or_fail(env.float, "DIGEST_SEND_DELAY_SECONDS", default=0.0)
# Deliveries claimed by a run that died go back to the queue after this many seconds (a live run renews its claim as
# it sends). Each message is recorded sent as soon as the server accepts it, so only the one in flight can repeat.
DIGEST_CLAIM_LEASE_SECONDS = _env_or_fail(env.int, "DIGEST_CLAIM_LEASE_SECONDS", default=120)
# A temporary failure (connection refused, SMTP 4xx) is retried with a growing backoff (30 s, 1 min, 2 min ... at most
# OUTBOX_BACKOFF_MAX_SECONDS) this many times, about an hour and a half, before the delivery is marked failed.
DIGEST_MAX_ATTEMPTS = _env_or_fail(env.int, "DIGEST_MAX_ATTEMPTS", default=14)
# Double opt-in: confirmation links expire after this many seconds; a new link can be asked for after the cooldown.
MAILING_CONFIRMATION_MAX_AGE = 7 * 24 * 3600
MAILING_CONFIRMATION_COOLDOWN_SECONDS = 15 * 60
# Subscribe requests per client address per hour (the form says so when it is exceeded).
MAILING_SUBSCRIBE_RATE_PER_HOUR = 10
# After this many hard bounces the address is no longer mailed (the subscriber sees why on the preferences page).
MAILING_HARD_BOUNCE_LIMIT = 3
MAILING_BOUNCE_WEBHOOK_SECRET = env.str("MAILING_BOUNCE_WEBHOOK_SECRET", default="")
# The List-Id header (RFC 2919): a stable identifier mail clients group and filter by (empty: digest.<SITE_URL host>).
MAILING_LIST_ID = env.str("MAILING_LIST_ID", default="")

# ---------------------------------------------------------------------------------------------------------------------
# Events (events/)
# ---------------------------------------------------------------------------------------------------------------------

# How long before each session confirmed registrants get a reminder email (events.services.reminders_record_due,
# run every five minutes by sigportal/schedules.py); the nearest one also sets the alarm in .ics files.
# EVENT_REMINDER_OFFSETS_MINUTES: comma-separated minutes, default "1440,60" (24 hours and 1 hour before).
EVENT_REMINDER_OFFSETS = [
    timedelta(minutes=int(m)) for m in _env_or_fail(env.list, "EVENT_REMINDER_OFFSETS_MINUTES", default=["1440", "60"])
]


# ---------------------------------------------------------------------------------------------------------------------
# Forums (forums/): the services, views and tasks rely on these; none is read from the environment
# ---------------------------------------------------------------------------------------------------------------------

# A member's first N posts wait in the moderation queue (safe-space pre-moderation of newcomers).
FORUMS_NEWCOMER_PREMODERATION_POSTS = 2
# Until a member has this many visible posts they count as a newcomer: their posts with links wait in the
# queue and they may post at most FORUMS_NEWCOMER_POSTS_PER_HOUR times an hour.
FORUMS_NEWCOMER_TRUSTED_AFTER_POSTS = 10
FORUMS_NEWCOMER_POSTS_PER_HOUR = 5
# Authors may edit their own posts for this long after posting (moderators at any time; both keep revisions).
FORUMS_EDIT_WINDOW_MINUTES = 30
# This many open reports hide a post until a moderator reviews it.
FORUMS_REPORTS_TO_HIDE = 3
FORUMS_POST_MAX_LENGTH = 20_000
FORUMS_TOPICS_PER_PAGE = 25
FORUMS_POSTS_PER_PAGE = 20


# ---------------------------------------------------------------------------------------------------------------------
# Notifications in the site (members/notifications.py): none is read from the environment
# ---------------------------------------------------------------------------------------------------------------------

# Notifications older than this are deleted every night (members.tasks.purge_old_notifications; docs/SECURITY.md).
NOTIFICATIONS_KEEP_DAYS = 180
NOTIFICATIONS_PER_PAGE = 25

# ---------------------------------------------------------------------------------------------------------------------
# Institutional sign-in (members/institutions/): SAML 2.0 through a federation's metadata
# ---------------------------------------------------------------------------------------------------------------------
# SAML_FEDERATION_METADATA: the federation's metadata, an https URL or a file; refreshed daily (sigportal.schedules)
#   and by `manage.py refresh_federation_metadata`. Empty: no institutional sign-in.
# SAML_FEDERATION_CERT: the federation's metadata signing certificate (PEM file); metadata it did not sign is refused.
# SAML_SP_KEY_FILE, SAML_SP_CERT_FILE: the portal's own SAML key and certificate (PEM files; long-lived, self-signed
#   is normal); published in the service provider metadata at /institutions/saml/metadata/.
# SAML_SP_ENTITY_ID: the portal's entity id (default: that metadata URL); never change it once registered.
# SAML_XMLSEC_BINARY: xmlsec1 (Debian's xmlsec1 package; found on PATH by default).
# In DEBUG, with none of them set, the demo federation that `make run` prepares under var/demo-idp/ is used (its test
# identity provider on 127.0.0.1:8001; README, "Institutional sign-in").
_DEMO_IDP = VAR_DIR / "demo-idp"
_demo_saml = DEBUG and (_DEMO_IDP / "federation-metadata.xml").exists() and not env.str("SAML_FEDERATION_METADATA", "")
SAML_FEDERATION_METADATA = env.str(
    "SAML_FEDERATION_METADATA", default=str(_DEMO_IDP / "federation-metadata.xml") if _demo_saml else ""
)
SAML_FEDERATION_CERT = env.str("SAML_FEDERATION_CERT", default=str(_DEMO_IDP / "federation.crt") if _demo_saml else "")
SAML_SP_KEY_FILE = env.str("SAML_SP_KEY_FILE", default=str(_DEMO_IDP / "sp.key") if _demo_saml else "")
SAML_SP_CERT_FILE = env.str("SAML_SP_CERT_FILE", default=str(_DEMO_IDP / "sp.crt") if _demo_saml else "")
SAML_SP_ENTITY_ID = env.str("SAML_SP_ENTITY_ID", default="")
SAML_XMLSEC_BINARY = env.str("SAML_XMLSEC_BINARY", default="")
# Seconds of clock difference with an identity provider that are tolerated either side of an assertion's lifetime.
SAML_ACCEPTED_TIME_DIFF = 60
SAML_METADATA_TIMEOUT = 60
# pysaml2 logs whole assertions (names, addresses) at INFO, and xmlschema chatters at INFO: warnings only.
LOGGING["loggers"].update({"saml2": {"level": "WARNING"}, "xmlschema": {"level": "WARNING"}})
# Linked identities are part of "download my data", and go with "delete my account" (the row stays as Former member).
PERSONAL_DATA_PROVIDERS = [*PERSONAL_DATA_PROVIDERS, "members.institutions.personal_data"]

# ---------------------------------------------------------------------------------------------------------------------
# Institutional sign-in: OpenID Connect with Microsoft Entra ID and Google Workspace (members/institutions/oidc.py)
# ---------------------------------------------------------------------------------------------------------------------
# OIDC_MICROSOFT_CLIENT_ID, OIDC_MICROSOFT_CLIENT_SECRET: the portal's app registration in Entra (README,
#   "Institutional sign-in"). Empty: no "Log in with Microsoft".
# OIDC_MICROSOFT_TENANT: "organizations" (any organisation's tenant, the default) or one tenant id.
# OIDC_GOOGLE_CLIENT_ID, OIDC_GOOGLE_CLIENT_SECRET: the portal's OAuth client in Google Cloud. Empty: no Google.
# OIDC_GOOGLE_HOSTED_DOMAIN: optional; one Workspace domain to suggest at Google's account chooser.
# "tenants" (a list) restricts a provider to those Entra tenant ids / Google domains; empty accepts any.
# In DEBUG, with neither client id set, the demo provider that `make run` prepares (var/demo-idp/oidc-provider.json)
# and serves on 127.0.0.1:8002 is added as "demo": "Log in with Example College" (README, "Institutional sign-in").
OIDC_MICROSOFT_TENANT = env.str("OIDC_MICROSOFT_TENANT", default="organizations")
OIDC_PROVIDERS = {
    "microsoft": {
        "kind": "microsoft",
        "name": "Microsoft",
        "discovery_url": (
            f"https://login.microsoftonline.com/{OIDC_MICROSOFT_TENANT}/v2.0/.well-known/openid-configuration"
        ),
        "client_id": env.str("OIDC_MICROSOFT_CLIENT_ID", default=""),
        "client_secret": env.str("OIDC_MICROSOFT_CLIENT_SECRET", default=""),
        "tenants": [],
    },
    "google": {
        "kind": "google",
        "name": "Google",
        "discovery_url": "https://accounts.google.com/.well-known/openid-configuration",
        "client_id": env.str("OIDC_GOOGLE_CLIENT_ID", default=""),
        "client_secret": env.str("OIDC_GOOGLE_CLIENT_SECRET", default=""),
        "hosted_domain": env.str("OIDC_GOOGLE_HOSTED_DOMAIN", default=""),
        "tenants": [],
    },
}
_DEMO_OIDC = _DEMO_IDP / "oidc-provider.json"
if DEBUG and _DEMO_OIDC.exists() and not any(conf["client_id"] for conf in OIDC_PROVIDERS.values()):
    OIDC_PROVIDERS["demo"] = json.loads(_DEMO_OIDC.read_text())

"""Settings, read from environment variables only (no secrets in the repository).

YAOAN_DEBUG            "1" for development; never in production
YAOAN_SECRET_KEY       required when DEBUG is off, unless $YAOAN_VAR_DIR/secret_key exists
DATABASE_URL           PostgreSQL in production; SQLite (WAL) under var/ when unset
YAOAN_VAR_DIR          where SQLite, uploads and generated files live (default ./var)
YAOAN_ALLOWED_HOSTS    comma-separated
YAOAN_HTTPS            "1" behind TLS: HSTS, secure cookies, redirect http→https
YAOAN_IDLE_TIMEOUT_MINUTES, YAOAN_SESSION_MAX_HOURS, YAOAN_AUDIT_RETENTION_DAYS,
YAOAN_PASSWORD_MIN_LENGTH, YAOAN_PASSWORD_MAX_AGE_DAYS, YAOAN_LOCKOUT_THRESHOLD,
YAOAN_LOCKOUT_MINUTES, YAOAN_UPLOAD_MAX_MB, YAOAN_JOB_LEASE_SECONDS
YAOAN_BACKUP_DIR       where `yaoan backup schedule` writes (default: backups/ beside var/)
YAOAN_BACKUP_KEEP      how many daily backups it keeps (default 14)
YAOAN_SERVE_WORKERS    `yaoan serve` processes (default: one per core)
YAOAN_PLAN_APPROVER_ROLE  "leader" (default) or "chief": who approves the annual plan
YAOAN_AUDIT_KEY        the audit chain's HMAC-SM3 key (else the file var/audit_key)
YAOAN_AUDIT_CHECKPOINT_FILE, YAOAN_AUDIT_CHECKPOINT_EVERY (events), YAOAN_AUDIT_CHECKPOINT_MINUTES
YAOAN_MIGRATE_DATABASE_URL  PostgreSQL: the owner role migrations run as (alias "migrate")
YAOAN_DB_APP_ROLE      PostgreSQL: the application's role, denied UPDATE/DELETE/TRUNCATE on
                       the audit table (default: DATABASE_URL's user when the above is set)
YAOAN_API_TOKEN_DAYS   life of a new API token (default 90)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YAOAN_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("YAOAN_DEBUG")


def read_secret_key() -> str:
    """YAOAN_SECRET_KEY, else the key `make run` keeps in $YAOAN_VAR_DIR/secret_key, so a
    command typed after `make run` uses the same key as the server."""
    key = os.environ.get("YAOAN_SECRET_KEY", "")
    key_file = VAR_DIR / "secret_key"
    if not key and key_file.is_file():
        key = key_file.read_text(encoding="utf-8").strip()
    return key


SECRET_KEY = read_secret_key()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("YAOAN_SECRET_KEY must be set when YAOAN_DEBUG is off")
    SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("YAOAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "yaoan.common",
    "yaoan.core",
    "yaoan.registry",
    "yaoan.intake",
    "yaoan.staff",
    "yaoan.draws",
    "yaoan.plans",
    "yaoan.inspections",
    "yaoan.trace",
    "yaoan.clues",
    "yaoan.complaints",
    "yaoan.cases",
    "yaoan.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yaoan.core.middleware.RequestContextMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yaoan.core.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yaoan.core.middleware.LoginRequiredMiddleware",
    "yaoan.common.error_views.MethodNotAllowedPageMiddleware",
]
CSRF_FAILURE_VIEW = "yaoan.common.error_views.csrf_failure"

ROOT_URLCONF = "yaoan.urls"
WSGI_APPLICATION = "yaoan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yaoan.common.context_processors.navigation",
                "yaoan.core.context_processors.inbox",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    DATABASES["default"].setdefault("TEST", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "yaoan.sqlite3"),
            # IMMEDIATE takes the write lock when a transaction starts, so two writers
            # queue instead of one failing on lock upgrade; WAL is set per connection.
            # A 64 MB page cache and memory-mapped reads: the default 2 MB cache holds a
            # sliver of a district's database, and list pages re-read the same pages.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; "
                    "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
                    "PRAGMA temp_store=MEMORY;"
                ),
            },
            # a file (not shared memory) so tests with threads see real locking
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
# PostgreSQL (S15): the application's role may not UPDATE, DELETE or TRUNCATE the audit
# table. Migrations run as the tables' owner through the "migrate" alias
# (`yaoan migrate --database=migrate`), which then grants the application's role (the user of
# DATABASE_URL, or YAOAN_DB_APP_ROLE) everything else (core.db_roles).
AUDIT_APP_DB_ROLE = os.environ.get("YAOAN_DB_APP_ROLE", "").strip()
if os.environ.get("YAOAN_MIGRATE_DATABASE_URL"):
    DATABASES["migrate"] = dj_database_url.parse(os.environ["YAOAN_MIGRATE_DATABASE_URL"])
    DATABASES["migrate"]["TEST"] = {"MIRROR": "default"}
    AUDIT_APP_DB_ROLE = AUDIT_APP_DB_ROLE or str(DATABASES["default"].get("USER") or "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth and sessions -------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["yaoan.core.backends.UserBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
PASSWORD_MIN_LENGTH = env_int("YAOAN_PASSWORD_MIN_LENGTH", 12)
PASSWORD_MAX_AGE_DAYS = env_int("YAOAN_PASSWORD_MAX_AGE_DAYS", 90)  # 0 disables expiry
PASSWORD_HISTORY = 5
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "yaoan.core.passwords.LengthAndClassesValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH, "min_classes": 3},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "yaoan.core.passwords.WeakPasswordListValidator"},
    {"NAME": "yaoan.core.passwords.PasswordHistoryValidator"},
]
LOCKOUT_THRESHOLD = env_int("YAOAN_LOCKOUT_THRESHOLD", 5)
LOCKOUT_MINUTES = env_int("YAOAN_LOCKOUT_MINUTES", 15)
IDLE_TIMEOUT_MINUTES = env_int("YAOAN_IDLE_TIMEOUT_MINUTES", 15)
SESSION_MAX_HOURS = env_int("YAOAN_SESSION_MAX_HOURS", 8)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "药安 yaoan"

API_TOKEN_DAYS = env_int("YAOAN_API_TOKEN_DAYS", 90)  # life of a new API token (S7)

AUDIT_RETENTION_DAYS = env_int("YAOAN_AUDIT_RETENTION_DAYS", 180)
# The audit chain's HMAC-SM3 key lives outside the database (S15): YAOAN_AUDIT_KEY, or
# var/audit_key as `make run` writes it. Signed checkpoints of the chain's head go to a file
# outside the database too, every N events, after M minutes and on every verify.
AUDIT_KEY = os.environ.get("YAOAN_AUDIT_KEY", "").strip()
if not AUDIT_KEY and (VAR_DIR / "audit_key").is_file():
    AUDIT_KEY = (VAR_DIR / "audit_key").read_text().strip()
if not AUDIT_KEY and DEBUG:
    AUDIT_KEY = "development-only-audit-key"
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("YAOAN_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit_checkpoints.jsonl")
)
AUDIT_CHECKPOINT_EVERY = env_int("YAOAN_AUDIT_CHECKPOINT_EVERY", 1000)
AUDIT_CHECKPOINT_MINUTES = env_int("YAOAN_AUDIT_CHECKPOINT_MINUTES", 60)

# --- transport security ------------------------------------------------------------
HTTPS = env_bool("YAOAN_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- uploads -----------------------------------------------------------------------
UPLOAD_MAX_MB = env_int("YAOAN_UPLOAD_MAX_MB", 10)
# who approves the annual plan besides its submitter: the leader, or another section chief
PLAN_APPROVER_ROLE = os.environ.get("YAOAN_PLAN_APPROVER_ROLE", "leader").strip() or "leader"
if PLAN_APPROVER_ROLE not in ("leader", "chief"):
    raise ImproperlyConfigured(
        f"YAOAN_PLAN_APPROVER_ROLE must be 'leader' or 'chief', got {PLAN_APPROVER_ROLE!r}"
    )
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MEDIA_ROOT = VAR_DIR / "files"  # outside the static root; served only through views

# --- the public portal (群众): its contact line and the guards of its forms ---------------
# the bureau's contact shown on every public page (its name is the bureau org unit's)
PORTAL_CONTACT_PHONE = os.environ.get("YAOAN_PORTAL_CONTACT_PHONE", "12315").strip()
PORTAL_CONTACT_ADDRESS = os.environ.get("YAOAN_PORTAL_CONTACT_ADDRESS", "").strip()
PORTAL_CONTACT_HOURS = os.environ.get("YAOAN_PORTAL_CONTACT_HOURS", "").strip()
# proof-of-work: numbers a browser may have to try (a phone takes a second or two for
# 50 000), and how long a solved challenge stays valid
PORTAL_POW_MAX_NUMBER = env_int("YAOAN_PORTAL_POW_MAX_NUMBER", 50_000)
PORTAL_POW_MINUTES = env_int("YAOAN_PORTAL_POW_MINUTES", 30)
# per address and hour; an office behind one address shares them
PORTAL_SUBMITS_PER_HOUR = env_int("YAOAN_PORTAL_SUBMITS_PER_HOUR", 10)
PORTAL_LOOKUPS_PER_HOUR = env_int("YAOAN_PORTAL_LOOKUPS_PER_HOUR", 20)

# --- i18n ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS: list[Path] = []
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files: all served by the app itself (no CDN) ---------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- background tasks: database-backed queue, no extra server -----------------------
TASKS = {
    "default": {"BACKEND": os.environ.get("YAOAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}
}
# a running job's worker renews its lease at every progress report; a job not renewed for
# this long is taken for dead (its worker was killed) and ended as interrupted
JOB_LEASE_SECONDS = env_int("YAOAN_JOB_LEASE_SECONDS", 600)

# --- backups (S23): `yaoan backup schedule` writes one a day and keeps the newest N
BACKUP_DIR = Path(os.environ.get("YAOAN_BACKUP_DIR") or VAR_DIR.parent / "backups").resolve()
BACKUP_KEEP = env_int("YAOAN_BACKUP_KEEP", 14)

# --- serving: `yaoan serve` runs this many worker processes (gunicorn), default one a core
SERVE_WORKERS = env_int("YAOAN_SERVE_WORKERS", os.cpu_count() or 1)

# --- notifications by e-mail (YAOAN_NOTIFY_EMAIL=1): Django's mail backend, the console by
# default; a real server is configured with Django's EMAIL_* settings through these
EMAIL_BACKEND = os.environ.get(
    "YAOAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("YAOAN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("YAOAN_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("YAOAN_EMAIL_FROM", "yaoan@localhost")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YAOAN_LOG_LEVEL", "WARNING")},
}

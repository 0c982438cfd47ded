"""Settings for the talent-programme portal.

One module, configured by environment variables with working defaults for a first run
(SQLite, tasks in process). With DEBUG=0 (production) the settings that must not be
guessed -- SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL -- have to be given, or the process
refuses to start.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from import_export.formats.base_formats import XLSX

from portal.xlsx import SafeXLSX

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG=0 (production); see README.md, section Settings."
        )
    return value


DEBUG = envbool("DEBUG", True)

if DEBUG:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=0,
        )
    }
else:
    SECRET_KEY = required("SECRET_KEY")
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS") or [required("ALLOWED_HOSTS")]
    DATABASES = {
        "default": dj_database_url.parse(
            required("DATABASE_URL"), conn_max_age=600, conn_health_checks=True
        )
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several sittings of the demo write at once (autosave); wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_ratelimit",
    "portal",
    "programmes",
    "applications",
    "reviews",
    "subsidies",
    "dashboards",
]

MIDDLEWARE = [
    "portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.middleware.SessionLimitsMiddleware",
    "portal.mfa.MfaRequiredMiddleware",
    "portal.audit.AuditMiddleware",
    "portal.outbox.OutboxMessageMiddleware",
    "applications.middleware.PdfLimitMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "portal.auth_backends.PhoneOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# MLPS 2.0 level 2: at least 8 characters of three of the four classes, not a common password,
# nothing of the user name, phone or ID number (portal/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "portal.passwords.ComplexityValidator",
        "OPTIONS": {"min_length": 8, "min_classes": 3},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "portal.passwords.PersonalDataValidator"},
]
# A second factor (TOTP + recovery codes, portal/mfa.py) for every staff, expert and finance
# account; on by default in production. The demo (DEBUG=1) shows a banner while it is off.
STAFF_MFA_REQUIRED = envbool("STAFF_MFA_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "人才项目申报管理平台"
# Staff, expert and finance passwords expire (0 turns the rule off).
STAFF_PASSWORD_DAYS = envint("STAFF_PASSWORD_DAYS", 90)
# The security audit log is kept this many days (never fewer than 184, portal.audit.purge).
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 365)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "home"

# django-axes: lock out a person after 5 failed tries, however the account is written (the
# identifier is resolved to the account first, portal/signin.py); the answer is the
# wrong-password one.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "portal.signin.axes_username"
AXES_LOCKOUT_CALLABLE = "portal.signin.lockout_response"
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_HOURS", 1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded materials live outside any public root and are served only by permission-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT") or BASE_DIR / "var" / "private")
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_MB", 10) * 1024 * 1024
# clamd's socket (a path, or host:port); when set every upload is scanned, and refused when
# clamd finds a signature or does not answer.
CLAMAV_SOCKET = os.environ.get("CLAMAV_SOCKET", "").strip()
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the demo) cannot make a NULLS NOT DISTINCT constraint; PostgreSQL enforces it.
# axes.W006 asks for the address in the lockout: the lockout is per person on purpose (issue 16:
# one lockout however the account is written, from whatever address); locking by address would
# lock out a whole office behind one NAT after five typos of anyone there.
# django_ratelimit.W001: Django's own RedisCache is not on its list, but it is atomic (INCR, SET NX)
# as the library needs.
SILENCED_SYSTEM_CHECKS = ["models.W047", "axes.W006", "django_ratelimit.W001"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Staff exchange lists with the portal as Excel files.
# Exports write through the one xlsx helper (portal/xlsx.py: formula-like text stays text).
IMPORT_EXPORT_FORMATS = [XLSX]
IMPORT_FORMATS = [XLSX]
EXPORT_FORMATS = [SafeXLSX]
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Personal data encrypted at rest (portal/crypto.py, django-fernet-encrypted-fields). Each of
# FIELD_ENCRYPTION_KEYS (newest first) is combined with SECRET_KEY (and SECRET_KEY_FALLBACKS)
# into a Fernet key: the first encrypts, every one decrypts; `manage.py rotate_field_keys`
# re-encrypts with the first. BLIND_INDEX_KEY makes the HMAC blind indexes that look-ups and
# uniqueness use; BLIND_INDEX_KEY_FALLBACKS are still tried by look-ups until the rotation.
FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", "").strip()
BLIND_INDEX_KEY_FALLBACKS = envlist("BLIND_INDEX_KEY_FALLBACKS")
if not DEBUG:
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [required("FIELD_ENCRYPTION_KEYS")]
    BLIND_INDEX_KEY = BLIND_INDEX_KEY or required("BLIND_INDEX_KEY")
# Development (DEBUG=1, the demo, the tests): a fixed key, logged as such when first used.
FIELD_ENCRYPTION_DEVELOPMENT_KEYS = not (FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY)
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["dev-only-field-encryption-key"]
BLIND_INDEX_KEY = BLIND_INDEX_KEY or "dev-only-blind-index-key"
SALT_KEY = FIELD_ENCRYPTION_KEYS

# The cache: Redis when REDIS_URL is set (shared by every web process: the rate limits count
# across them), otherwise in-process memory for the zero-setup demo.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if not DEBUG and not REDIS_URL:
    # In production tasks must not run silently in the web process, and beat needs a broker.
    REDIS_URL = required("REDIS_URL")
HEALTHZ_WORKER_TIMEOUT = float(os.environ.get("HEALTHZ_WORKER_TIMEOUT", "1.5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "TIMEOUT": 3600,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A single demo process: in-process counting is enough there.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003"]
# Submissions per client address (django-ratelimit syntax, e.g. "5/h"; empty turns one off).
RATE_LIMITS = {
    "register": os.environ.get("RATE_LIMIT_REGISTER", "5/h"),
    "objection": os.environ.get("RATE_LIMIT_OBJECTION", "5/h"),
}

# Celery: Redis as the broker when REDIS_URL is set; otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "portal")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A killed worker's task comes back after the visibility timeout; runs are also resumed by the
# watchdog (portal.outbox.resume_stale_work) much sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 0,
}
# With the broker down, sending must fail at once (the outbox keeps the task), not retry for 19 s.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 0},
    "socket_connect_timeout": 1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
from celery.schedules import crontab  # noqa: E402  (only the beat schedule needs it)

# Seconds without progress after which a running payment run or PDF batch counts as abandoned
# by a dead worker and is queued again (portal.outbox.resume_stalled, beat every minute).
WORK_STALL_SECONDS = envint("WORK_STALL_SECONDS", 120)

CELERY_BEAT_SCHEDULE = {
    # portal: the audit log's retention, the outbox's relay and the watchdog of abandoned work
    "portal-purge-audit-log": {
        "task": "portal.purge_audit_log",
        "schedule": crontab(minute=15, hour=3),
    },
    "portal-relay-outbox": {"task": "portal.relay_outbox", "schedule": 30.0},
    "portal-resume-stalled": {"task": "portal.resume_stalled", "schedule": 60.0},
    # subsidies: the ledger runs (idempotent) and the assessment reminders
    "subsidies-monthly-run": {
        "task": "subsidies.monthly_run",
        "schedule": crontab(minute=30, hour=1, day_of_month=1),
    },
    "subsidies-annual-run": {
        "task": "subsidies.annual_run",
        "schedule": crontab(minute=0, hour=2, day_of_month=2, month_of_year=1),
    },
    "subsidies-assessment-reminders": {
        "task": "subsidies.assessment_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rencai@portal.example.cn")
# Text messages to people with a phone and no e-mail (portal/sms.py): the provider's class.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "portal.sms.ConsoleSmsBackend")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms"))
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "人才项目申报平台")

# PDF: the CJK font embedded (subset) in every form. A TrueType Song font renders fast.
PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH", "/usr/share/fonts/truetype/arphic/uming.ttc")
# Rendered forms kept under PRIVATE_MEDIA_ROOT/pdf_cache (applications.pdf_cache); a batch is
# split into chunks of PDF_BATCH_CHUNK forms, each a task any worker process may take.
PDF_CACHE = envbool("PDF_CACHE", True)
# The benchmarks' bare view (/bench/ok/): off unless a benchmark's server turns it on.
BENCH_BARE_VIEW = envbool("BENCH_BARE_VIEW", False)
PDF_BATCH_CHUNK = envint("PDF_BATCH_CHUNK", 10)
# Limits of one PDF render (applications.pdf.pdf_limits): seconds and pages; 0 turns one off.
PDF_MAX_SECONDS = envint("PDF_MAX_SECONDS", 60)
PDF_MAX_PAGES = envint("PDF_MAX_PAGES", 200)

# The absolute limit of a session (from its sign-in) and the idle limit (portal.middleware).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", 1800)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp) on every response: only the portal's own files; no inline
# script or style anywhere (behaviour lives in static/js, layout in static/css).
from csp.constants import NONE, SELF  # noqa: E402  (only the policy needs them)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the portal never uses (portal.middleware.PrivacyHeadersMiddleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_ids": {"()": "portal.logging.MaskIdNumbersFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_ids"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

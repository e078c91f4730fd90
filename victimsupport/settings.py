"""Settings, read from the environment (see README, "Configuration").

Production behaviour is switched by environment variables, not by another settings file.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from victimsupport.env import (
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    load_dev_env,
    redis_dbs_of_test_process,
    redis_url_with_db,
)
from victimsupport.storage import document_storage

BASE_DIR = Path(__file__).resolve().parent.parent
APP_NAME = "victimsupport"
APP_VERSION = "0.1.0"

# Development and tests: values written by scripts/devenv.py, for keys the environment leaves unset.
if not env_bool("IGNORE_DEV_ENV", False):
    load_dev_env(BASE_DIR / ".dev" / "env")

TESTING = "pytest" in sys.modules

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
BUILD_TIME = env_str("BUILD_TIME", "")

INSTALLED_APPS = [
    "victimsupport.apps.PlatformConfig",
    "victimsupport.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "django_htmx",
    "cases",
    "referrals",
    "volunteers",
    "marac",
    "reporting",
    "compensation",
    "mediation",
    "crisis",
    "prevention",
]
# `make bench` only: the bench app registers the case list in the Django admin as the side-by-side peer.
BENCH_ADMIN_PEER = env_bool("BENCH_ADMIN_PEER", False)
if BENCH_ADMIN_PEER:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "victimsupport.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "victimsupport.middleware.OTPMiddleware",  # django-otp's, with the devices from the cached user
    "django.contrib.messages.middleware.MessageMiddleware",
    "victimsupport.middleware.SessionGuardMiddleware",
    "victimsupport.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "victimsupport.middleware.RequestContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "victimsupport.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "victimsupport.urls"
WSGI_APPLICATION = "victimsupport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "victimsupport.context_processors.shell",
            ],
        },
    },
    {
        # The bodies of the pages opened most (docs/architecture.md, "A hot page"), in <app>/jinja2/.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "victimsupport.jinja.environment"},
    },
]

# --- Database: the application role; migrations may run as an owner role (DATABASE_OWNER_URL) ---
DATABASES = {"default": database_config(env_str("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Choice lists are small: no server-side cursors (they cost a round trip each, and break behind a
# transaction-pooling proxy).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Pages ask small questions of big tables: JIT compilation (PostgreSQL's default for "expensive"
# plans) spends more time compiling than the query runs. Reports run in the worker, without it too.
DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker (db 0) and cache (db 1); tests use db 14 and 15 so a running dev worker never
# takes a test's task, and each further parallel test process (pytest-xdist's gw1, gw2…) a pair of its
# own below them (12 and 13 are the bench's).
REDIS_URL = env_str("REDIS_URL")
_broker_db, _cache_db = redis_dbs_of_test_process(os.environ.get("PYTEST_XDIST_WORKER", "")) if TESTING else (0, 1)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", redis_url_with_db(REDIS_URL, _broker_db))
CACHES = {
    "default": {
        "BACKEND": "victimsupport.cache.RedisCache",  # Django's, reusing its Redis clients
        "LOCATION": env_str("CACHE_URL", redis_url_with_db(REDIS_URL, _cache_db)),
        "KEY_PREFIX": "vs",
        "TIMEOUT": 300,
    }
}

# --- Users, login and sessions ---
AUTH_USER_MODEL = "victimsupport.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "victimsupport.backends.Backend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login through TARA (victimsupport.tara), beside passwords, when its issuer and client are set. The
# endpoints follow TARA's paths under the issuer unless given one by one.
TARA_ISSUER = env_str("TARA_ISSUER", "").rstrip("/")
TARA_CLIENT_ID = env_str("TARA_CLIENT_ID", "")
TARA_ENABLED = bool(TARA_ISSUER and TARA_CLIENT_ID)
OIDC_RP_CLIENT_ID = TARA_CLIENT_ID
OIDC_RP_CLIENT_SECRET = env_str("TARA_CLIENT_SECRET", "")  # or TARA_CLIENT_SECRET_FILE
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("TARA_AUTHORIZATION_ENDPOINT", f"{TARA_ISSUER}/oidc/authorize")
OIDC_OP_TOKEN_ENDPOINT = env_str("TARA_TOKEN_ENDPOINT", f"{TARA_ISSUER}/oidc/token")
OIDC_OP_JWKS_ENDPOINT = env_str("TARA_JWKS_ENDPOINT", f"{TARA_ISSUER}/oidc/jwks")
OIDC_OP_USER_ENDPOINT = ""  # TARA's person is in the ID token
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TOKEN_USE_BASIC_AUTH = True  # TARA takes client_secret_basic
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "tara-callback"
OIDC_TIMEOUT = (3, 10)  # connect, read: a slow TARA does not hold the web workers
LOGIN_REDIRECT_URL_FAILURE = "/login/tara/failed/"

SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
# The signed-in user's cached copy (victimsupport.usercache): every change forgets it; this is the backstop.
USER_CACHE_SECONDS = env_int("USER_CACHE_SECONDS", 300, minimum=0)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True  # the idle timer restarts with every request
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Second factor (TOTP): required for staff where OTP_REQUIRED is on (the production default).
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
# Roles that must use the second factor even where OTP_REQUIRED is off (partners from other agencies).
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", ["marac_partner"])
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Ohvriabi")

# Failed logins: locked by the pair (username, IP address), for a finite cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "victimsupport.views.auth.locked_out"
AXES_CLIENT_IP_CALLABLE = "victimsupport.middleware.client_ip"
AXES_VERBOSE = False
AXES_WHITELIST_CALLABLE = "victimsupport.tara.axes_exempt"  # TARA's failures are not password guesses

ANONYMOUS_USER_NAME = None  # guardian: no anonymous user with permissions
GUARDIAN_RAISE_403 = False

# --- Security headers ---
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

# --- Internationalisation: Estonian first, English too ---
LANGUAGE_CODE = "et"
LANGUAGES = [("et", _("Estonian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Tallinn"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["victimsupport.formats"]

# --- Static files and stored documents ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(BASE_DIR / ".dev" / "documents")))
# The file system, or S3-compatible object storage where DOCUMENTS_S3_BUCKET is set (victimsupport.storage).
STORAGES = {
    "default": document_storage(DOCUMENTS_ROOT),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail through an external mail server ---
_mail_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1),
    }
elif _mail_backend.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": str(BASE_DIR / ".dev" / "mail")}
else:
    _mail_options = {}
# Every message is kept in the outbox first and sent by a worker through the delivery mailer
# (victimsupport.mail): a mail server that is away delays a message, it never loses one.
MAILERS = {
    "default": {"BACKEND": "victimsupport.mail.OutboxBackend"},
    "delivery": {"BACKEND": _mail_backend, "OPTIONS": _mail_options},
}
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ohvriabi@sotsiaalkindlustusamet.ee")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# A job's task tried again after a database or storage error: how often, and the longest pause (seconds;
# the pauses double from 1 s, with jitter).
JOB_MAX_RETRIES = env_int("JOB_MAX_RETRIES", 8, minimum=0)
JOB_RETRY_BACKOFF_MAX = env_int("JOB_RETRY_BACKOFF_MAX", 600, minimum=1)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = "default"
# The queues the workers read (docker-compose.yml and `make run` start workers on these).
CELERY_QUEUES_WATCHED = ("default", "letters", "statistics")
CELERY_TASK_ROUTES = {
    "*.render_*": {"queue": "letters"},
    "reporting.*": {"queue": "statistics"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / ".dev" / "celerybeat"))
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "victimsupport.heartbeat", "schedule": 30.0},
    "jobs-requeue-lost": {"task": "victimsupport.requeue_lost_jobs", "schedule": 60.0},
    "mail-send-waiting": {"task": "victimsupport.send_waiting_mail", "schedule": 60.0},
    "documents-integrity": {"task": "victimsupport.check_documents", "schedule": crontab(hour=3, minute=0)},
    "task-reminders": {"task": "cases.remind_due_tasks", "schedule": crontab(hour=7, minute=0)},
    "aid-deadline-reminders": {"task": "cases.remind_aid_deadlines", "schedule": crontab(hour=7, minute=15)},
    "compensation-request-reminders": {
        "task": "compensation.remind_requests",
        "schedule": crontab(hour=7, minute=20),
    },
    "mediation-deadline-reminders": {"task": "mediation.remind_deadlines", "schedule": crontab(hour=7, minute=25)},
    "material-review-reminders": {"task": "prevention.remind_reviews", "schedule": crontab(hour=7, minute=30)},
    "volunteer-assignments-expire": {"task": "volunteers.expire_assignments", "schedule": crontab(hour=0, minute=5)},
    "volunteer-expense-reminders": {"task": "volunteers.remind_expense_reports", "schedule": crontab(hour=8, minute=0)},
    "volunteer-inactive-digest": {
        "task": "volunteers.send_inactive_digest",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
    },
    "volunteer-candidates-purge": {"task": "volunteers.purge_candidates", "schedule": crontab(hour=3, minute=30)},
    "marac-overdue-actions": {"task": "marac.remind_overdue_actions", "schedule": crontab(hour=7, minute=45)},
    "statistics-nightly": {"task": "reporting.compute_nightly", "schedule": crontab(hour=2, minute=15)},
}
CELERY_TIMEZONE = TIME_ZONE

# --- Logging: application log in English to stderr; a separate security log ---
SECURITY_LOG_FILE = env_str("SECURITY_LOG_FILE", "")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "security": {"format": "%(asctime)s SECURITY %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": (
            {"class": "logging.handlers.WatchedFileHandler", "filename": SECURITY_LOG_FILE, "formatter": "security"}
            if SECURITY_LOG_FILE
            else {"class": "logging.StreamHandler", "formatter": "security"}
        ),
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "victimsupport.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The object storage's client logs every request (names of stored documents) below WARNING.
        "botocore": {"level": "WARNING"},
        "boto3": {"level": "WARNING"},
        "s3transfer": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "victimsupport.views.errors.csrf_failure"
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # a failed request leaves nothing half-saved
FORM_RENDERER = "victimsupport.forms.FormRenderer"

# The agency's letterhead on letters.
AGENCY = {
    "name": env_str("AGENCY_NAME", "Sotsiaalkindlustusamet"),
    "registry_code": env_str("AGENCY_REGISTRY_CODE", "70001975"),
    "address": env_str("AGENCY_ADDRESS", "Endla 8, 15092 Tallinn"),
    "phone": env_str("AGENCY_PHONE", "+372 612 1360"),
    "email": env_str("AGENCY_EMAIL", "info@sotsiaalkindlustusamet.ee"),
}
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
# The callback address registered with TARA (exactly: not built from a request's Host).
TARA_REDIRECT_URL = env_str("TARA_REDIRECT_URL", f"{SITE_URL}/login/tara/callback/")
if TARA_ENABLED:
    AUTHENTICATION_BACKENDS.append("victimsupport.tara.TaraBackend")
    if not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured("TARA_CLIENT_SECRET (or TARA_CLIENT_SECRET_FILE) is not set")
    if not DEBUG and not all(url.startswith("https://") for url in (TARA_ISSUER, TARA_REDIRECT_URL)):
        raise ImproperlyConfigured("TARA_ISSUER and TARA_REDIRECT_URL are https addresses")
# Passkeys (WebAuthn) as a second factor (victimsupport.passkeys). A passkey belongs to one domain, the
# relying party: the public address's host unless WEBAUTHN_RP_ID names a parent domain; the browser's
# origin must be one of WEBAUTHN_ORIGINS. Never a first factor: the password (or TARA) comes first.
_site = urlsplit(SITE_URL)
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", _site.hostname or "localhost")
WEBAUTHN_RP_ID_SET = bool(env_str("WEBAUTHN_RP_ID", ""))  # if not, a DEBUG server's own address is the party
OTP_WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME", OTP_TOTP_ISSUER)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", [f"{_site.scheme}://{_site.netloc}"])
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "victimsupport.passkeys.PasskeyHelper"
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = ""  # refusals are logged once, at INFO (victimsupport.passkeys)
# The agency's e-seal on every letter (victimsupport.seal): a PKCS#12 file with the key and certificate,
# its password (SEAL_PKCS12_PASSWORD, or SEAL_PKCS12_PASSWORD_FILE for a secret file), the CA certificates
# a seal is checked against (PEM files), and a timestamp service (RFC 3161) for PAdES B-T.
SEAL_PKCS12_FILE = env_str("SEAL_PKCS12_FILE", "")
SEAL_PKCS12_PASSWORD = env_str("SEAL_PKCS12_PASSWORD", "")
SEAL_TRUST_ROOTS = env_list("SEAL_TRUST_ROOTS", [])
# The agency's earlier seal certificates (PEM files): letters sealed with them stay recognised.
SEAL_PREVIOUS_CERTS = env_list("SEAL_PREVIOUS_CERTS", [])
SEAL_TIMESTAMP_URL = env_str("SEAL_TIMESTAMP_URL", "")
SEAL_TIMESTAMP_TRUST_ROOTS = env_list("SEAL_TIMESTAMP_TRUST_ROOTS", [])  # the timestamp service's CAs
# A letter says it is sealed only when it is: production does not start without a seal.
SEAL_REQUIRED = env_bool("SEAL_REQUIRED", not DEBUG and not TESTING)
if SEAL_REQUIRED:
    _missing = [path for path in [SEAL_PKCS12_FILE, *SEAL_TRUST_ROOTS] if not path or not Path(path).is_file()]
    if not SEAL_PKCS12_FILE or not SEAL_TRUST_ROOTS or _missing:
        raise ImproperlyConfigured(
            "SEAL_PKCS12_FILE and SEAL_TRUST_ROOTS must name readable files: letters must be sealed "
            f"(missing: {', '.join(_missing) or 'not set'}; SEAL_REQUIRED=false only to build images)"
        )

# --- Volunteers ---
# Candidates not accepted, or who withdrew, are deleted this many days after the step that closed them.
VOLUNTEER_CANDIDATE_RETENTION_DAYS = env_int("VOLUNTEER_CANDIDATE_RETENTION_DAYS", 180, minimum=1)
# A volunteer without a supervision contact (or group session) for this many days shows on the
# supervisor's start page.
VOLUNTEER_SUPERVISION_DAYS = env_int("VOLUNTEER_SUPERVISION_DAYS", 30, minimum=1)
# Reply deadline of requests for information (DOMAIN.md: 30 calendar days; a cut to 15 was proposed).
COMPENSATION_REPLY_DAYS = env_int("COMPENSATION_REPLY_DAYS", 30, minimum=1)
# Assigned volunteers with no activity for this many days go into the supervisor's weekly digest.
VOLUNTEER_INACTIVE_DAYS = env_int("VOLUNTEER_INACTIVE_DAYS", 30, minimum=1)
# The public application page: at most this many applications per address per hour.
VOLUNTEER_APPLICATIONS_PER_HOUR = env_int("VOLUNTEER_APPLICATIONS_PER_HOUR", 5, minimum=1)
# Client feedback answers: at most this many per address per hour (a family sharing a connection).
FEEDBACK_ANSWERS_PER_HOUR = env_int("FEEDBACK_ANSWERS_PER_HOUR", 20, minimum=1)
# Training participants' answers: per address per hour (a room of participants on one wireless network).
TRAINING_ANSWERS_PER_HOUR = env_int("TRAINING_ANSWERS_PER_HOUR", 300, minimum=1)
# The invitation to set a password is valid this long.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_DAYS", 7, minimum=1) * 86400

if TESTING:
    # Hashing is not what the tests measure: a fast hasher keeps hundreds of test users cheap.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""Settings of the contrat-pro portal: one file, read from the environment.

Defaults suit a newcomer: SQLite under ``var/``, tasks run in-process,
mail printed on the console, DEBUG on. Production sets at least
``DJANGO_DEBUG=0``, ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``,
``DATABASE_URL`` and ``CELERY_BROKER_URL`` (see README.md).
"""

import datetime
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CONTRATPRO_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# SQLite, static files and private files live under var/ by default.
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_INSECURE_KEY = "django-insecure-contratpro-development-only"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_INSECURE_KEY)
CERTIFICATE_KEY = env.str("DJANGO_CERTIFICATE_KEY", default=SECRET_KEY)
if not DEBUG and SECRET_KEY == _INSECURE_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY doit être défini quand DJANGO_DEBUG=0 "
        "(la clé de développement est refusée en production)."
    )

# DOC-7, DOMAIN §3: the salarié's NIR is stored encrypted
# (django-fernet-encrypted-fields: Fernet, its key derived from SECRET_KEY and
# this salt). A new SECRET_KEY keeps the old one in
# DJANGO_SECRET_KEY_FALLBACKS until every NIR is saved again, or the stored
# NIRs can no longer be read.
SALT_KEY = env.list("DJANGO_FIELD_SALT", default=["contratpro-fields"])
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# A refused form says so in French, in the layout (contratpro.errors).
CSRF_FAILURE_VIEW = "contratpro.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_cas_ng",
    "contratpro",
    "contratpro.signin",
    "students",
    "conventions",
    "grading",
    "attendance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "contratpro.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # AUTH-2: an idle session ends; the office's second factor before any page;
    # AUTH-1: leaving after a CAS sign-in leaves the school's CAS too.
    "contratpro.middleware.IdleTimeoutMiddleware",
    "contratpro.middleware.SecondFactorMiddleware",
    "contratpro.middleware.CASLogoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "contratpro.urls"
WSGI_APPLICATION = "contratpro.wsgi.application"

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
                "contratpro.context_processors.portal",
            ],
            # French dates and sizes in every template (contratpro.frenchdates).
            "builtins": ["contratpro.templatetags.portal"],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise (PostgreSQL
# in CI and production).
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'contratpro.sqlite3'}"
    )
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "contratpro.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# French first (SPEC: French UI, dates in French format).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static files: the project's own plus Bootstrap from the XStatic package,
# served by the app itself (no CDN, the deployment may be offline).
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]

# Private files (DOC-6): uploads and generated PDFs live under PRIVATE_ROOT,
# which has no URL; they are served only by permission-checked views.
PRIVATE_ROOT = Path(env.str("CONTRATPRO_PRIVATE_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT), "base_url": None},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("CONTRATPRO_MANIFEST_STATIC", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
MEDIA_ROOT = PRIVATE_ROOT  # nothing is published under a media URL
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Mail: console by default; EMAIL_URL (smtp://…) in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
    if _email.get(_key):
        globals()[_key] = _email[_key]
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="contrats-pro@mines-ales.fr")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery (NOTIF-2). No broker configured → every task runs in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "",
) or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs; beat copies them into its database schedule at start.
CELERY_BEAT_SCHEDULE = {
    # ELIG-1…10: every stored eligibility verdict re-evaluated once a night
    # (what changed outside the students' services, a permit that expired).
    "students-eligibility-verdicts": {
        "task": "students.tasks.eligibility_verdicts_nightly",
        "schedule": crontab(hour=2, minute=15),
    },
    # NOTIF-1…3: each morning, the deadlines' reminders claimed and sent,
    # each once (the office edits the hour in the admin's periodic tasks).
    "conventions-reminders-sweep": {
        "task": "conventions.reminders.tasks.reminders_sweep_daily",
        "schedule": crontab(hour=7, minute=30),
    },
    # NOTIF-1: the weekly digest of what is late and due this week, for the
    # office and each department head, on Monday morning (Europe/Paris,
    # CELERY_TIMEZONE); each claimed once per week and recipient.
    "conventions-digest-weekly": {
        "task": "conventions.digest.tasks.digest_weekly",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
    # The daily digest of notifications for the people who chose « quotidien ».
    "conventions-digest-daily": {
        "task": "conventions.digest.tasks.digest_daily",
        "schedule": crontab(hour=7, minute=15),
    },
}
# NOTIF-1: how long a worker holds a reminder it is sending; past it, the
# next sweep hands it to another (a worker killed mid-send).
CONTRATPRO_REMINDER_LEASE_SECONDS = env.int("CONTRATPRO_REMINDER_LEASE_SECONDS", default=600)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The cache (sessions read through it): Redis, shared by every process,
# when the deployment has one (``CACHE_URL``, else the broker's Redis);
# without Redis, the process's own memory, which suits one process only
# (runserver): a logout must end the session in every process.
CACHE_URL = env.str("CACHE_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "contratpro"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Working days (CAL-5): French public holidays come from the `holidays`
# library; these lists adjust it for the school (ISO dates).
WORKDAYS_EXTRA_CLOSED = env.list("CONTRATPRO_EXTRA_CLOSED_DAYS", default=[])
WORKDAYS_EXTRA_OPEN = env.list("CONTRATPRO_EXTRA_OPEN_DAYS", default=[])

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Behind HTTPS in production; check --deploy is clean with DEBUG off.
# The user and their roles in one query per request (contratpro.backends);
# sessions read from the cache, written through to the database.
# django-axes first: it refuses a locked account or address before any
# password is checked (AUTH-2).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "contratpro.backends.PortalBackend",
    # AUTH-1: a CAS ticket, when CAS_SERVER_URL is set (it refuses any other way).
    "contratpro.signin.cas.PortalCASBackend",
]
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
# AUTH-2: a session idle this long ends (contratpro.middleware.IdleTimeoutMiddleware);
# SESSION_COOKIE_AGE above stays the longest a session lives at all.
CONTRATPRO_SESSION_IDLE_MINUTES = env.int("CONTRATPRO_SESSION_IDLE_MINUTES", default=30)

# AUTH-2, ASVS 2.2.1: at most 100 failed sign-ins an hour on one account.
# django-axes refuses a login once it has AXES_FAILURE_LIMIT failures whose
# row's last failure is younger than AXES_COOLOFF_TIME; a try refused while
# locked is not recorded and does not push the end back (else one try every
# 14 minutes would keep someone else's account locked for ever). A failure
# is recorded only while fewer than 10 younger than 15 minutes count, so no
# stretch of 15 minutes holds more than 10 passwords actually tried on one
# login, and an hour at most 10 × (60 / 15 + 1) = 50: half the ASVS bound,
# while a person who mistypes a few times is never stopped. The office
# unlocks sooner (« Connexions bloquées »).
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Per login and per address, separately (contratpro.signin.throttle). The
# address's limit is much higher: the school's people may share one NAT
# address, and 10 typos among them must not lock everyone out; 100
# failures from one address in 15 minutes is password spraying. A failure
# without a login (a bogus CAS ticket) counts for its address only; a CAS
# login the portal refuses counts under that login (contratpro.signin.throttle).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "contratpro.signin.throttle.client_username"
CONTRATPRO_ADDRESS_FAILURE_LIMIT = env.int("CONTRATPRO_ADDRESS_FAILURE_LIMIT", default=100)
AXES_HANDLER = "contratpro.signin.throttle.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "contratpro.signin.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# A success does not wipe the failures: it would also wipe the address's
# (an attacker would reset the spraying limit by signing in to their own account).
AXES_RESET_ON_SUCCESS = False
# Behind the production reverse proxies, the client's address is the one the
# outermost proxy saw (X-Forwarded-For, counted from the right);
# CONTRATPRO_PROXY_COUNT=0 (the default) reads REMOTE_ADDR only, since a
# client may write any X-Forwarded-For it likes. An IPv6 client counts as
# its /64 network.
CONTRATPRO_PROXY_COUNT = env.int("CONTRATPRO_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "contratpro.signin.throttle.client_address"

# AUTH-2: the office and superusers confirm each sign-in with a TOTP app
# (django-otp) when this is on: in production by default; the demo's
# `make run` (DEBUG) keeps one-step logins.
CONTRATPRO_REQUIRE_SECOND_FACTOR = env.bool("CONTRATPRO_REQUIRE_SECOND_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = "Contrats pro IMT Mines Alès"

# AUTH-1: the school's CAS (django-cas-ng), when CAS_SERVER_URL is set, e.g.
# https://cas.mines-ales.fr/cas/. People keep their portal account and roles:
# found by login, else by institutional e-mail (CAS_EMAIL_ATTRIBUTE); nobody
# is created. Local passwords stay for external accounts and the demo.
CAS_SERVER_URL = env.str("CAS_SERVER_URL", default="") or None
CAS_VERSION = "3"
CAS_CREATE_USER = False
CAS_RENAME_ATTRIBUTES = {env.str("CAS_EMAIL_ATTRIBUTE", default="mail"): "email"}
CAS_LOGOUT_COMPLETELY = True
CAS_REDIRECT_URL = "home"
CAS_IGNORE_REFERER = True
# The page asked for before the CAS waits in the session (contratpro.signin.views).
CAS_STORE_NEXT = True
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
# The portal's public address when the proxy hides it (e.g. https://contrats-pro.mines-ales.fr).
CAS_ROOT_PROXIED_AS = env.str("CAS_ROOT_PROXIED_AS", default="") or None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles from the portal
# itself only, no inline code but the nonce'd tags; no framing at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Browser features the portal never uses, refused (contratpro.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # Libraries that narrate every PDF they build (WeasyPrint's steps,
    # factur-x's XML checks) speak only when something goes wrong.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "factur-x")},
}

# The portal's own address, for links mailed without a request (a command,
# a task): invitations (AUTH-1). Pages use the request's address.
# check --deploy warns while it is this default or not https (contratpro.signin.checks).
CONTRATPRO_PUBLIC_URL = env.str("CONTRATPRO_PUBLIC_URL", default="http://127.0.0.1:8000")

# The office's contact details (CONTACT-1) are data shown in the footer.
CONTRATPRO_CONTACT = {
    "email": "contrats-pro@mines-ales.fr",
    "address": [
        "IMT Mines Alès",
        "Service Contrats de professionnalisation",
        "6 avenue de Clavières",
        "30319 Alès Cedex",
    ],
}

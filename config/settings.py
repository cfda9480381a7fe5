"""Settings, read from the environment (see README "Configuration").

Safe defaults serve the demo on the embedded SQLite database; production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.formats import dates

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-demo-key-only-for-debug"  # noqa: S105 - demo only, refused when DEBUG is off
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # before api, whose admin replaces knox's (api/admin.py)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "audit",
    "roles",
    "nominations",
    "workflows",
    "deadlines",
    "notifications",
    "proposals",
    "api",
    "web",
    "bench",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "roles.middleware.RolesMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.dberrors.DatabaseErrorMiddleware",
    "config.admin_to_field.EmptyAdminToFieldMiddleware",  # the admin's `?_to_field=` is a 400, not Django's 500
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# SQLite: WAL for readers beside the writer, synchronous=FULL so a committed action survives a power
# cut, IMMEDIATE transactions so writers queue on the busy timeout instead of failing at once.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
}
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run 5 times on a connection prepared: PostgreSQL then plans it
    # once instead of at every run. Turn off behind a pooler in transaction mode.
    if env_bool("DB_PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# The database's owner (docs/database.md): `migrate`, the backups and the test suite's own database connect as it
# (DATABASE_URL=$DATABASE_OWNER_URL manage.py migrate); the application servers and the worker get DATABASE_URL only,
# a role that may not rewrite the audit log (manage.py db_roles_sql). Never put this in the servers' environment.
DATABASE_OWNER = dj_database_url.parse(os.environ["DATABASE_OWNER_URL"]) if os.environ.get("DATABASE_OWNER_URL") else None
if DATABASE_OWNER and any(DATABASE_OWNER[key] != DATABASES["default"][key] for key in ("ENGINE", "NAME", "HOST", "PORT")):
    raise ImproperlyConfigured("DATABASE_OWNER_URL must name DATABASE_URL's database, with the owner's role.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username/IP before checking a password
    "django.contrib.auth.backends.ModelBackend",
    "roles.backends.RoleAssignmentBackend",  # has_perm("roles.decide_at", unit) from the assignment, at the moment
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates are typed and read dd/mm/yyyy in every language, the admin's included (config/formats); the settings' own
# formats apply where no language is active. The API keeps ISO 8601 (REST_FRAMEWORK's defaults).
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS = dates.DATE_INPUT_FORMATS, dates.DATETIME_INPUT_FORMATS
DATE_FORMAT, SHORT_DATE_FORMAT = dates.DATE_FORMAT, dates.SHORT_DATE_FORMAT
DATETIME_FORMAT, SHORT_DATETIME_FORMAT = dates.DATETIME_FORMAT, dates.SHORT_DATETIME_FORMAT

# --- Files ----------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded dossier documents live outside the static root and are served only through a
# permission-checked view (no MEDIA_URL route).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Several application servers need one store they all reach: MEDIA_ROOT on a shared file system (the default), or
# STORAGE_BACKEND=s3, an S3-compatible bucket through django-storages (credentials from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, read by boto3; the bucket stays private: files are streamed by the checked view).
if os.environ.get("STORAGE_BACKEND", "filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,  # "path" for most self-hosted stores
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif os.environ.get("STORAGE_BACKEND", "filesystem") != "filesystem":
    raise ImproperlyConfigured("STORAGE_BACKEND is filesystem or s3.")
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Mail -----------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "thidua@localhost")
# The SMTP server (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); EMAIL_FILE_PATH for the file backend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))  # a stuck server fails the task, which is retried
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH")

# Background tasks (django-tasks): immediate (in the request, after its commit) in the demo and tests; production
# sets TASKS_BACKEND=database: django-tasks-db keeps them in the database and `manage.py db_worker` runs them
# (docs/deploy.md). A task that raises runs again TASK_RETRY_SECONDS later, doubling, up to TASK_MAX_ATTEMPTS runs.
TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = os.environ.get("TASKS_BACKEND", "immediate")  # a name above or a backend's dotted path
TASKS = {"default": {"BACKEND": TASKS_BACKENDS.get(_tasks_backend, _tasks_backend)}}
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "5"))
TASK_RETRY_SECONDS = int(os.environ.get("TASK_RETRY_SECONDS", "60"))
# Reminders are sent this many working days before a stage's due date (deadlines.policy for the limits).
DEADLINE_REMIND_DAYS_BEFORE = int(os.environ.get("DEADLINE_REMIND_DAYS_BEFORE", "3"))

# --- Cache -----------------------------------------------------------------------------------------
# What the cache holds must agree between servers: the audit check budget (workflows.verification) and the calendar's
# overrides, emptied when an administrator changes one (deadlines.calendar). One process: its own memory (the
# default); several servers: CACHE_BACKEND=database, a table made by `manage.py createcachetable` (deploy/thidua).
if os.environ.get("CACHE_BACKEND", "local") == "database":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "thidua_cache",
                          "OPTIONS": {"MAX_ENTRIES": 100_000}}}  # one budget per inspector: never culled early
elif os.environ.get("CACHE_BACKEND", "local") != "local":
    raise ImproperlyConfigured("CACHE_BACKEND is local or database.")

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",  # `Authorization: Token …`, kept as a digest, expiring (api/tokens.py)
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",  # every operation named explicitly (docs/api.md)
    "DEFAULT_PAGINATION_CLASS": "api.pagination.LimitOffset",
    "PAGE_SIZE": 50,
    # A locked/unreachable database is a 503 (config.dberrors); everything else: api.exceptions.
    "EXCEPTION_HANDLER": "config.dberrors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],  # errors are JSON, even for a browser
    # JSON only (a body nested too deep is a 400: api.parsers); the upload views take multipart instead.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
}
# On-demand audit checks per user, the API and the page together (workflows.verification.spend_check).
# Counted in the default cache: shared by the servers with CACHE_BACKEND=database.
AUDIT_VERIFY_RATE = os.environ.get("AUDIT_VERIFY_RATE", "6/min")
# Signed audit checkpoints (docs/audit.md, "Checkpoints"): the Ed25519 private key's PEM file (the application's
# alone; `manage.py audit_checkpoint_key` makes one), the public keys of earlier keys kept after a rotation, where the
# checkpoints go (a directory, or AUDIT_CHECKPOINT_STORAGE: an alias of STORAGES), how often (`manage.py
# audit_checkpoint` or audit.tasks.audit_checkpoint_task, run often, signs one when it is due) and whom to mail them.
AUDIT_CHECKPOINT_KEY = os.environ.get("AUDIT_CHECKPOINT_KEY", "")
AUDIT_CHECKPOINT_PUBLIC_KEYS = env_list("AUDIT_CHECKPOINT_PUBLIC_KEYS", "")
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("AUDIT_CHECKPOINT_DIR", BASE_DIR / "var" / "checkpoints"))
AUDIT_CHECKPOINT_STORAGE = os.environ.get("AUDIT_CHECKPOINT_STORAGE", "")
AUDIT_CHECKPOINT_INTERVAL = int(os.environ.get("AUDIT_CHECKPOINT_INTERVAL_MINUTES", "60"))
AUDIT_CHECKPOINT_MAIL_TO = env_list("AUDIT_CHECKPOINT_MAIL_TO", "")
# API tokens (django-rest-knox) live API_TOKEN_TTL_HOURS from their issue; they die earlier at a password change, at the
# web logout and at POST /api/auth/logout/ or logout-all/ (api/tokens.py).
API_TOKEN_TTL = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "10")))
REST_KNOX = {"TOKEN_TTL": API_TOKEN_TTL, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "Thi đua - Khen thưởng API",
    "DESCRIPTION": "Nominations for commendation awards, their review route and the audit trail.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "roles.models.Level",
        "NomineeKindEnum": "nominations.models.NomineeKind",
        "DocumentKindEnum": "nominations.models.DocumentKind",
        "RoundKindEnum": "nominations.models.Round.Kind",
        "StatusEnum": "nominations.models.Status",
        "ProposalStatusEnum": "proposals.models.ProposalStatus",
    },
}

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Login throttling (django-axes): 5 failures for one username from one IP lock that pair out for
# AXES_COOLOFF_MINUTES; an administrator unlocks earlier with `manage.py axes_reset_username <username>`.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Content-Security-Policy (django-csp 4): no inline script or style anywhere; pages are never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # + the one <style> block of drf-spectacular's Swagger UI page (/api/docs/), by its hash; the browser test
        # (tests/security/test_csp_browser.py) fails if an upgrade changes it.
        "style-src": [SELF, "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer checks each server over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    },
}

# --- Demo -----------------------------------------------------------------------------------------
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

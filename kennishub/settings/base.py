"""Settings shared by every environment.

Everything is read from the environment through one helper (django-environ). With nothing set,
Kennishub runs the embedded default: a SQLite file under ``KH_DATA_DIR``, the local search index
and tasks stored in the same database.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # the kennishub package
REPO_DIR = BASE_DIR.parent

env = environ.Env()

DATA_DIR = Path(env.str("KH_DATA_DIR", default=str(REPO_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("KH_SITE_URL", default="http://127.0.0.1:8000")
# Shown in the footer, privacy and accessibility statements; the operator fills them in.
KH_OPERATOR_NAME = env.str("KH_OPERATOR_NAME", default="")
KH_CONTACT_EMAIL = env.str("KH_CONTACT_EMAIL", default="")
# Contact of /.well-known/security.txt: an e-mail address or an https:// URL; KH_CONTACT_EMAIL if empty.
KH_SECURITY_CONTACT = env.str("KH_SECURITY_CONTACT", default="")
# `manage.py check --deploy` refuses the defaults above in production (core/checks.py); a check
# that does not apply can be silenced here, e.g. kennishub.W002.
SILENCED_SYSTEM_CHECKS = env.list("DJANGO_SILENCED_SYSTEM_CHECKS", default=[])
# Kennissessies: personal data of participants is anonymised this many months after a session.
KH_EVENTS_ANONYMISE_AFTER_MONTHS = env.int("KH_EVENTS_ANONYMISE_AFTER_MONTHS", default=6)

INSTALLED_APPS = [
    # Our apps first so their templates and translations win.
    "kennishub.core",
    "kennishub.accounts",
    "kennishub.api",
    "kennishub.agenda",
    "kennishub.catalogue",
    "kennishub.search",
    "kennishub.knowledge",
    "kennishub.events",
    # Wagtail: the editorial side.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "kennishub.accounts.apps.UsersAppConfig",  # wagtail.users with our user form
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    # No separate "modelsearch": "wagtail.search" is its app config, and two copies break indexing.
    "modelcluster",
    "taggit",
    # Django and friends.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Harmless on SQLite; on PostgreSQL modelsearch needs its GIN indexes and lookups.
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kennishub.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "kennishub.core.middleware.SecurityHeadersMiddleware",
    "kennishub.core.middleware.MethodNotAllowedPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kennishub.api.middleware.ApiVersionMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kennishub.urls"
WSGI_APPLICATION = "kennishub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kennishub.core.context_processors.site",
            ],
        },
    },
]


def configure_database(database: dict) -> dict:
    """Connection options per engine; the test settings apply them to their own database too."""
    database["ATOMIC_REQUESTS"] = False
    # Persistent connections: connecting costs a PostgreSQL request about 9 ms (bench/search.py);
    # the health check replaces a connection the server closed in the meantime.
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Writers queue instead of failing with "database is locked" (see events, issue #6).
        options.update(
            {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
        )
    return database


DATABASES = {
    "default": configure_database(
        env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'kennishub.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"

# Failed logins: five tries per account and address, then a fifteen-minute pause.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("KH_STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on a missing directory
STATICFILES_DIRS = [REPO_DIR / "frontend" / "dist"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("KH_MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files: validated by type and size (core.validators); Django refuses larger bodies.
KH_MAX_UPLOAD_BYTES = env.int("KH_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Django 6.1 configures mail through MAILERS; EMAIL_URL (e.g. smtp+tls://user:pass@host:587) fills it.
_mail = env.email_url("EMAIL_URL", default="consolemail://")
_mail_options = {
    option: _mail[setting]
    for option, setting in {
        "host": "EMAIL_HOST",
        "port": "EMAIL_PORT",
        "username": "EMAIL_HOST_USER",
        "password": "EMAIL_HOST_PASSWORD",
        "use_tls": "EMAIL_USE_TLS",
        "use_ssl": "EMAIL_USE_SSL",
        "file_path": "EMAIL_FILE_PATH",
    }.items()
    if _mail.get(setting) not in (None, "")
}
if not _mail["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _mail_options = {key: value for key, value in _mail_options.items() if key == "file_path"}
MAILERS = {"default": {"BACKEND": _mail["EMAIL_BACKEND"], "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kennishub <noreply@kennishub.nl>")

# Security headers that hold in every environment; production adds HSTS and secure cookies.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
KH_PERMISSIONS_POLICY = "camera=(self), geolocation=(), microphone=(), payment=(), usb=()"
# Wagtail's admin (/beheer/) still sets inline style attributes and loads its own scripts; it gets a
# policy of its own (core.middleware). Scripts stay limited to our origin, styles allow attributes.
KH_ADMIN_PATH_PREFIX = "/beheer/"
KH_ADMIN_CSP = {
    **SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "frame-ancestors": [CSP.SELF],  # the page editor previews in a frame of the admin itself
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "kennishub.core.views.csrf_failure"  # a page in Dutch in the site's layout

# Wagtail, the editorial side, lives at /beheer/.
WAGTAIL_SITE_NAME = "Kennishub"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "accounts:login"  # ours asks staff for the second factor (TOTP)
# Where a private page or document (a submitted practice's file) sends a visitor: our login too.
WAGTAIL_FRONTEND_LOGIN_URL = "accounts:login"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # password reset goes through /account/
OTP_TOTP_ISSUER = "Kennishub"
WAGTAIL_I18N_ENABLED = False
# No calls from the admin to other sites: no avatars from Gravatar, no version check (privacy, CSP).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands")]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Check content and size of uploads, not only the name (core.validators).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "kennishub.core.upload_forms.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "kennishub.core.upload_forms.ImageForm"
# The front door search stems Dutch itself (kennishub/search/text.py) on every backend, so
# PostgreSQL indexes our stems with its "simple" configuration. OpenSearch: see docs/search.md.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "modelsearch.backends.database", "SEARCH_CONFIG": "simple"},
}
if KH_SEARCH_URL := env.str("KH_SEARCH_URL", default=""):  # scale-out: kennishub/search/docs/search.md
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": env.str("KH_SEARCH_BACKEND", default="modelsearch.backends.opensearch3"),
            "URLS": [KH_SEARCH_URL],
            "INDEX_PREFIX": env.str("KH_SEARCH_INDEX_PREFIX", default="kennishub_"),
            "TIMEOUT": 5,
            # Our text arrives stemmed and folded: split on spaces only (lower case for Wagtail's pages).
            "INDEX_SETTINGS": {
                "settings": {
                    "index": {
                        "analysis": {
                            "analyzer": {
                                "default": {
                                    "type": "custom",
                                    "tokenizer": "whitespace",
                                    "filter": ["lowercase", "asciifolding"],
                                }
                            }
                        }
                    }
                }
            },
        }
    }
MODELSEARCH_BACKENDS = WAGTAILSEARCH_BACKENDS

# Background work: Django's tasks API, stored in the database, run by `manage.py db_worker`.
KH_TASK_RESULT_RETENTION_DAYS = env.int("KH_TASK_RESULT_RETENTION_DAYS", default=14)
TASKS = {
    "default": {
        "BACKEND": env.str("KH_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["kennishub.api.renderers.CamelCaseJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["djangorestframework_camel_case.parser.CamelCaseJSONParser"],
    # DjangoFilterBackend that also refuses query parameters an endpoint does not declare.
    "DEFAULT_FILTER_BACKENDS": ["kennishub.api.filters.StrictDjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "kennishub.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "kennishub.api.exceptions.problem_exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Raise these (or set them to "1000000/second") to benchmark the API without hitting 429s.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("KH_API_ANON_RATE", default="120/minute"),
        "user": env.str("KH_API_USER_RATE", default="600/minute"),
    },
    "URL_FIELD_NAME": "url",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kennishub API",
    "DESCRIPTION": "API van Kennishub, het loket voor kennis en leren van gemeenten.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVERS": [{"url": f"{SITE_URL}/api/v1", "description": "Kennishub API v1"}],
    "CONTACT": {
        "name": "Kennishub",
        "email": env.str("KH_API_CONTACT_EMAIL", default="api@kennishub.nl"),
        "url": SITE_URL,
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
    "CAMELIZE_NAMES": True,
    "PREPROCESSING_HOOKS": ["kennishub.api.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "kennishub.api.schema.add_problem_responses_and_headers",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": "kennishub.core.log_filters.RefusalsWithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["refusals_without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

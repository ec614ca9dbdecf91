"""Settings shared by every environment; values come from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Return a DATABASES entry for a postgres:// or postgresql:// URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured("DATABASE_URL must be a postgresql:// URL (PostgreSQL only).")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "crosstalk",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": query,
    }


def local_database_url() -> str:
    """Return the URL of the project-local cluster that scripts/db.sh runs in .postgres/."""
    socket_dir = os.path.realpath(BASE_DIR / ".postgres") + "/run"
    name = os.environ.get("CROSSTALK_DB_NAME", "crosstalk")
    return f"postgresql://postgres@/{name}?host={socket_dir}"


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "mptt",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "articles",
    "discussions",
    "notifications",
    "outbox",
    "staff_auth",
    "glossary",
    "translations",
    "search",
    "django_tasks",
    "django_tasks_db",
    "django_prose_editor",
    "simple_history",
    # Shared pieces; an app for its management commands (makemessages reads Jinja2 too).
    "core",
]

# `make serve` (scripts/serve.sh): gunicorn listens on a Unix socket behind nginx, whose
# X-Real-IP header then names the client (config.middleware.ProxiedClientMiddleware).
CROSSTALK_BEHIND_PROXY = env_bool("CROSSTALK_BEHIND_PROXY", False)
# Streaming replicas (contract): web requests read there; see DATABASES and core/replicas.py.
REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")

MIDDLEWARE = [
    # Latency by view for /metrics (core/metrics.py), cached pages included; then the request
    # id every log line of the request repeats (core/requestid.py).
    "core.metrics.MetricsMiddleware",
    "core.requestid.RequestIdMiddleware",
    # Under `make serve`, the client's address as nginx saw it (off unless behind the proxy).
    "config.middleware.ProxiedClientMiddleware",
    # With replicas: which server this request reads from (core/replicas.py); first, so every
    # read below, the page cache's included, goes where the page's does.
    *(["core.replicas.ReplicaMiddleware"] if REPLICA_URLS else []),
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages. Below WhiteNoise, which answers static files itself (precompressed,
    # range requests intact) without reaching this; above everything that writes the body.
    # Responses that already carry a Content-Encoding (the page cache's) pass untouched.
    # BREACH: pages holding a CSRF token are compressed too; Django masks the token afresh
    # in every response, its own BREACH mitigation, so the secret never repeats verbatim.
    "django.middleware.gzip.GZipMiddleware",
    "config.middleware.RejectBadInputMiddleware",
    # Answers the discussion state that open article pages poll (discussions/live.py), like the
    # page cache below and for the same reasons; first, as it is the most frequent request.
    "discussions.live.DiscussionStateMiddleware",
    # Answers cached anonymous article pages (articles/page_cache.py) before the session, CSRF,
    # auth, messages, CSP and axes middleware below, which a page for every anonymous reader
    # needs none of: a hit costs no query (see PAGE_STATE_SECONDS). Inside RejectBadInput, so
    # a NUL byte never reaches its query; inside Security, WhiteNoise and GZip, so a hit still
    # gets HSTS, nosniff, Referrer-Policy and COOP, static files never get here, and GZip
    # passes the cache's own gzip through. The headers of the middleware it skips
    # (X-Frame-Options, CSP) are kept with each entry; CommonMiddleware only redirects paths
    # that resolve to no view.
    "articles.page_cache.SharedPageMiddleware",
    # Outside the session and CSRF middleware, so it sees the cookies they set; it reads
    # request.user, which AuthenticationMiddleware (inside) has set by then.
    "config.middleware.PrivatePagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.RejectBadFormInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff_auth.middleware.StaffSecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Django's database sessions, their read prepared once (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
                "config.context_processors.site",
                "config.context_processors.unread_notifications",
            ],
        },
    },
    {
        # The discussion thread and the article page's own parts: see core/jinja.py
        # for which templates and why.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "core.jinja.environment"},
    },
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or local_database_url())}
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Each replica of REPLICA_URLS: web requests read there, everything else stays on the primary.
REPLICA_DATABASES = []
for _number, _url in enumerate(REPLICA_URLS, 1):
    _alias = f"replica_{_number}"
    DATABASES[_alias] = {
        **database_from_url(_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASES[_alias].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    REPLICA_DATABASES.append(_alias)
if REPLICA_DATABASES:
    DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
# Parameters bound by the server, and a statement run twice on a connection prepared there
# (psycopg's prepare_threshold), so PostgreSQL plans each of the pages' queries once per
# connection, not once per request: the article page's query spent 0.4 of its 1.5 ms planning;
# a signed-in 2,000-comment page went from 11.0 to 8.1 ms (measured 2026-12-02).
# CROSSTALK_PREPARE=0 turns the preparing off.
_prepare_threshold = 2 if env_bool("CROSSTALK_PREPARE", True) else None
for _alias in DATABASES:
    _options = DATABASES[_alias].setdefault("OPTIONS", {})
    _options.setdefault("server_side_binding", True)
    _options.setdefault("prepare_threshold", _prepare_threshold)
# Behind PgBouncer in transaction mode (CROSSTALK_PGBOUNCER=1; docs/DEPLOYMENT.md): a named
# cursor would outlive the transaction that owns its server connection, and a statement
# prepared on one server connection is unknown on the next (Debian's PgBouncer 1.18 does not
# track them), so neither is used.
if env_bool("CROSSTALK_PGBOUNCER", False):
    for _alias in DATABASES:
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES[_alias]["OPTIONS"]["prepare_threshold"] = None
# A reader who wrote reads from the primary this long (django-multidb-router's cookie).
MULTIDB_PINNING_SECONDS = int(os.environ.get("CROSSTALK_PIN_SECONDS", "5"))
MULTIDB_PINNING_COOKIE = "pin_primary"
MULTIDB_PINNING_COOKIE_HTTPONLY = True
REPLICA_CHECK_SECONDS = float(os.environ.get("CROSSTALK_REPLICA_CHECK_SECONDS", "3"))
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("CROSSTALK_REPLICA_MAX_LAG_SECONDS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CSRF_FAILURE_VIEW = "discussions.views.csrf_failure"

# Security headers on every response, in every environment.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Login brute force: 5 failures lock the account name, and separately the address, for 15
# minutes; the lockout page is the same whether or not the account exists.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Staff reach /admin/ only after a second factor (staff_auth/): a TOTP code or a recovery
# code. Off here, so development, the test suite and the bench sign staff in with a password
# alone; on by default under the production settings (prod.py), off there with
# CROSSTALK_STAFF_2FA=0. Wrong codes lock with the AXES_* numbers above (staff_auth/services.py),
# in place of django-otp's exponential back-off.
CROSSTALK_STAFF_2FA = env_bool("CROSSTALK_STAFF_2FA", False)
OTP_TOTP_ISSUER = "crosstalk"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000


def email_from_url(url: str) -> dict:
    """Return Django's EMAIL_* settings for an smtp:// or smtps:// URL (see README.md)."""
    # The URL itself never goes into a message: it may hold the password.
    usage = "EMAIL_URL must look like smtp://[user:pass@]host:port (or smtps://, ?starttls=1)"
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"{usage}; its scheme is not smtp or smtps.")
    if not parts.hostname:
        raise ImproperlyConfigured(f"{usage}; it names no host.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{usage}; its port is not a number from 0 to 65535.") from None
    query = parse_qs(parts.query, keep_blank_values=True)
    if set(query) - {"starttls"}:
        raise ImproperlyConfigured(f"{usage}; starttls is the only query parameter it takes.")
    starttls = query.get("starttls", ["0"])[-1].strip().lower()
    if starttls not in {"1", "true", "yes", "on", "0", "false", "no", "off", ""}:
        raise ImproperlyConfigured(f"{usage}; starttls must be 1 or 0.")
    use_tls = starttls in {"1", "true", "yes", "on"}
    use_ssl = parts.scheme == "smtps"
    if use_ssl and use_tls:
        raise ImproperlyConfigured(f"{usage}; smtps:// is TLS already and takes no starttls.")
    return {
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }


# Outgoing mail is a row of outbox.OutgoingMail, sent by the task worker (`manage.py
# db_worker`, which `make run` starts) through the backend below: SMTP when EMAIL_URL is set,
# otherwise one .eml file per message in OUTBOX_MAIL_DIR.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OUTBOX_MAIL_DIR = BASE_DIR / ".mail"
if os.environ.get("EMAIL_URL"):
    _smtp = email_from_url(os.environ["EMAIL_URL"])
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _smtp["EMAIL_HOST"], _smtp["EMAIL_PORT"]
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _smtp["EMAIL_HOST_USER"], _smtp["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS, EMAIL_USE_SSL = _smtp["EMAIL_USE_TLS"], _smtp["EMAIL_USE_SSL"]
else:
    EMAIL_BACKEND = "outbox.backends.EmlFileBackend"
EMAIL_TIMEOUT = 10  # seconds; a server that hangs holds one worker that long, then a retry
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "crosstalk <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "crosstalk",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "core.requestid.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Where the site is reached from outside: the base of every link in a mail.
SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"

# crosstalk's own knobs.
CROSSTALK = {
    # Most comments one discussion page renders before "Load more comments".
    "PAGE_COMMENT_BUDGET": int(os.environ.get("CROSSTALK_PAGE_COMMENT_BUDGET", "200")),
    # Replies deeper than this are reached through "Continue this thread".
    "MAX_INLINE_DEPTH": 8,
    # Direct replies shown under one parent before "N more replies".
    "MAX_INLINE_REPLIES": 20,
    "ARTICLES_PER_PAGE": 10,
    # Close comments this many days after publication; 0 never closes them.
    "COMMENTS_CLOSE_AFTER_DAYS": int(os.environ.get("CROSSTALK_COMMENTS_CLOSE_AFTER_DAYS", "0")),
    # Screening defaults (see discussions/screening.py).
    "MAX_LINKS": 3,  # more links than this hold a comment for review
    "NEW_ACCOUNT_HOLD_COUNT": 0,  # hold the first K comments of an account; 0 = off
    "DUPLICATE_WINDOW_MINUTES": 10,
    "RATE_PER_MINUTE": 5,
    "RATE_PER_HOUR": 50,
    # Flags from distinct readers that hold a comment for review.
    "FLAGS_TO_HOLD": 3,
    # How long after an event its "immediately" mail waits for more events to join it.
    "MAIL_DELAY_SECONDS": int(os.environ.get("CROSSTALK_MAIL_DELAY_SECONDS", "60")),
    # When the daily notification digests go out (hour of the day, UTC).
    "DIGEST_HOUR": int(os.environ.get("CROSSTALK_DIGEST_HOUR", "7")),
    # How long a gunicorn worker trusts what it last read of an article's version before
    # answering an anonymous reader from the page cache (articles/page_cache.py): another
    # worker's write reaches anonymous readers within this many seconds; this worker's own
    # writes at once. 0 reads the version on every request.
    "PAGE_STATE_SECONDS": float(os.environ.get("CROSSTALK_PAGE_STATE_SECONDS", "1")),
    # HTTP caching of the anonymous article page (contract, section HTTP): a shared cache (a
    # CDN) may keep it SHARED_MAX_AGE seconds and serve it stale while it revalidates for
    # STALE_WHILE_REVALIDATE more; browsers revalidate every time (max-age=0, ETag → 304).
    # nginx's microcache under `make serve` holds it MICROCACHE_SECONDS (X-Accel-Expires).
    "SHARED_MAX_AGE": int(os.environ.get("CROSSTALK_SHARED_MAX_AGE", "5")),
    "STALE_WHILE_REVALIDATE": int(os.environ.get("CROSSTALK_STALE_WHILE_REVALIDATE", "30")),
    "MICROCACHE_SECONDS": int(os.environ.get("CROSSTALK_MICROCACHE_SECONDS", "1")),
}

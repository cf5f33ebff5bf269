"""Development settings: safe local defaults, then the shared settings. Refused in production."""

import os

from tongban.conf.devkeys import DEV_FIELD_KEYS, DEV_LOOKUP_KEY, DEV_SECRET_KEY, dev_oidc_key

os.environ.setdefault("TONGBAN_ENV", "development")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", DEV_SECRET_KEY)
os.environ.setdefault("TONGBAN_FIELD_KEYS", DEV_FIELD_KEYS)
os.environ.setdefault("TONGBAN_LOOKUP_KEY", DEV_LOOKUP_KEY)
os.environ.setdefault("TONGBAN_HTTPS", "false")
os.environ.setdefault("TONGBAN_LOG_FORMAT", "console")
if "TONGBAN_OIDC_PRIVATE_KEY" not in os.environ and "TONGBAN_OIDC_PRIVATE_KEY_FILE" not in os.environ:
    os.environ["TONGBAN_OIDC_PRIVATE_KEY"] = dev_oidc_key()

from tongban.conf.base import *  # noqa: E402,F403
from tongban.conf.base import STATIC_ROOT  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even when serving from finders

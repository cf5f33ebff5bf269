"""Test settings: the development defaults with a fast password hasher and inline tasks off."""

import atexit
import os
import shutil
import tempfile

from tongban.conf.devkeys import DEV_FIELD_KEYS, DEV_LOOKUP_KEY, DEV_SECRET_KEY, dev_oidc_key

os.environ.setdefault("TONGBAN_ENV", "test")
os.environ.setdefault("SECRET_KEY", DEV_SECRET_KEY)
os.environ.setdefault("TONGBAN_FIELD_KEYS", DEV_FIELD_KEYS)
os.environ.setdefault("TONGBAN_LOOKUP_KEY", DEV_LOOKUP_KEY)
os.environ.setdefault("TONGBAN_HTTPS", "false")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
# Embedding the documents of every small test catalogue would be slow; test_semantic covers the model.
os.environ.setdefault("TONGBAN_SEARCH_SEMANTIC", "false")
if "TONGBAN_LICENSE_KEY_DIR" not in os.environ:
    # Signing keys of this test process only (created on first use), removed when it exits.
    os.environ["TONGBAN_LICENSE_KEY_DIR"] = tempfile.mkdtemp(prefix="tongban-test-keys-")
    atexit.register(shutil.rmtree, os.environ["TONGBAN_LICENSE_KEY_DIR"], True)
if "TONGBAN_OIDC_PRIVATE_KEY" not in os.environ and "TONGBAN_OIDC_PRIVATE_KEY_FILE" not in os.environ:
    os.environ["TONGBAN_OIDC_PRIVATE_KEY"] = dev_oidc_key()

from tongban.conf.base import *  # noqa: E402,F403
from tongban.conf.base import STATIC_ROOT  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even when serving from finders
from tongban.conf.base import DATABASES, PASSWORD_HASHERS  # noqa: E402

# Argon2 is deliberately slow; tests only need a real hasher, not an expensive one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA foreign_keys=ON;"
# Tests need no shared cache; each test starts from an empty one (see conftest).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

"""Production start-up: `check --deploy` is clean with real secrets, and demo secrets/accounts are refused.

The settings are read once per process, so the production checks run ``manage.py`` in a subprocess
with a clean environment: none of the development values the test settings put into ``os.environ``.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tongban.accounts.models import User
from tongban.conf import env
from tongban.conf.devkeys import DEV_FIELD_KEYS, DEV_LOOKUP_KEY, DEV_SECRET_KEY
from tongban.utils.checks import assert_production_safe

ROOT = Path(settings.BASE_DIR)
MANAGE = str(ROOT / "manage.py")


def _real_looking_secrets() -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TONGBAN_FIELD_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "TONGBAN_LOOKUP_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "TONGBAN_OIDC_PRIVATE_KEY": pem,
    }


@pytest.fixture(scope="module")
def production_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A production environment with fresh secrets and a migrated SQLite database of its own."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_")  # e.g. DJANGO_ALLOW_ASYNC_UNSAFE set for browser tests
        and name not in env.REGISTRY
        and not (name.endswith("_FILE") and name[: -len("_FILE")] in env.REGISTRY)
    }
    db = tmp_path_factory.mktemp("production") / "tongban.sqlite3"
    environment = {
        **clean,
        **_real_looking_secrets(),
        "DJANGO_SETTINGS_MODULE": "tongban.conf.production",
        "DATABASE_URL": f"sqlite:///{db}",
        "ALLOWED_HOSTS": "tongban.example.gov.cn",
        # The sandbox provider and the demo carrier are refused in production; no real ones exist yet.
        "TONGBAN_PAYMENT_PROVIDERS": "",
        "TONGBAN_LOGISTICS_CARRIER": "none",
        "PYTHONPATH": str(ROOT / "src"),
    }
    migrated = _run([MANAGE, "migrate", "--noinput", "-v", "0"], environment)
    assert migrated.returncode == 0, migrated.stderr
    return environment


def _run(args: list[str], environment: dict[str, str], **overrides: str) -> subprocess.CompletedProcess[str]:
    """``python <args>`` in the repository root with exactly ``environment`` (plus ``overrides``)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**environment, **overrides},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _check_deploy(environment: dict[str, str], **overrides: str) -> subprocess.CompletedProcess[str]:
    return _run([MANAGE, "check", "--deploy", "--fail-level", "WARNING"], environment, **overrides)


def test_check_deploy_is_clean_with_real_secrets(production_env: dict[str, str]) -> None:
    result = _check_deploy(production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY is the public development value"),
        ({"TONGBAN_FIELD_KEYS": DEV_FIELD_KEYS}, "TONGBAN_FIELD_KEYS is the public development value"),
        ({"TONGBAN_LOOKUP_KEY": DEV_LOOKUP_KEY}, "TONGBAN_LOOKUP_KEY is the public development value"),
        ({"DEBUG": "true"}, "DEBUG is on"),
    ],
    ids=["secret-key", "field-keys", "lookup-key", "debug"],
)
def test_check_deploy_refuses_development_values(
    production_env: dict[str, str], overrides: dict[str, str], problem: str
) -> None:
    result = _check_deploy(production_env, **overrides)
    assert result.returncode != 0
    assert "tongban.E001" in result.stderr
    assert problem in result.stderr


def test_wsgi_starts_with_real_secrets(production_env: dict[str, str]) -> None:
    result = _run(["-c", "import tongban.wsgi"], production_env)
    assert result.returncode == 0, result.stderr


def test_wsgi_refuses_to_start_with_the_development_secret(production_env: dict[str, str]) -> None:
    result = _run(["-c", "import tongban.wsgi"], production_env, SECRET_KEY=DEV_SECRET_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Refusing to start in production" in result.stderr


@pytest.fixture
def production_settings(settings: Any) -> Any:
    """The in-process settings made to look like production with non-development secrets."""
    settings.TONGBAN_ENV = "production"
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.TONGBAN_FIELD_KEYS = "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    settings.TONGBAN_LOOKUP_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
    settings.TONGBAN_LICENSE_KEYS_AUTOCREATE = False  # conf/production.py defaults it off
    return settings


@pytest.mark.django_db
def test_production_start_passes_without_demo_accounts(production_settings: Any) -> None:
    User.objects.create_user("real", "pw", kind="natural_person")
    User.objects.create_user("retired-demo", "pw", kind="natural_person", is_demo=True, is_active=False)
    assert_production_safe()


@pytest.mark.django_db
def test_production_start_refuses_an_active_demo_account(production_settings: Any) -> None:
    User.objects.create_user("x", "pw", kind="natural_person", is_demo=True)
    with pytest.raises(ImproperlyConfigured, match="Active demo accounts"):
        assert_production_safe()


@pytest.mark.django_db
def test_demo_accounts_are_fine_outside_production(settings: Any) -> None:
    settings.TONGBAN_ENV = "development"
    User.objects.create_user("x", "pw", kind="natural_person", is_demo=True)
    assert_production_safe()

"""Start-up safety checks. Production refuses well-known development secrets and demo accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from tongban.conf.devkeys import DEV_VALUES


def production_problems(*, include_database: bool) -> list[str]:
    if settings.TONGBAN_ENV != "production":
        return []
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on.")
    problems += [
        f"{name} is the public development value."
        for name in ("SECRET_KEY", "TONGBAN_FIELD_KEYS", "TONGBAN_LOOKUP_KEY")
        if getattr(settings, name) in DEV_VALUES
    ]
    problems += _license_key_problems()
    if include_database:
        from tongban.accounts.models import User

        if User.objects.filter(is_demo=True, is_active=True).exists():
            problems.append("Active demo accounts with documented passwords exist; deactivate them.")
    return problems


def _license_key_problems() -> list[str]:
    """Licence signing keys: created deliberately (``manage.py license_keys``), kept private."""
    problems = []
    if settings.TONGBAN_LICENSE_KEYS_AUTOCREATE:
        problems.append(
            "TONGBAN_LICENSE_KEYS_AUTOCREATE is on; create signing keys with `manage.py license_keys "
            "generate` and turn it off."
        )
    key_dir = Path(settings.TONGBAN_LICENSE_KEY_DIR)
    try:
        mode = key_dir.stat().st_mode
    except FileNotFoundError:
        return problems
    if mode & 0o077:
        problems.append(
            f"The licence key directory {key_dir} has mode {oct(mode & 0o777)}: group or others can "
            "access it; use 0700."
        )
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_production_secrets(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(p, id="tongban.E001") for p in production_problems(include_database=False)]


def assert_production_safe() -> None:
    """Called by the WSGI entry point: a production process does not start with demo secrets."""
    problems = production_problems(include_database=True)
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + " ".join(problems))

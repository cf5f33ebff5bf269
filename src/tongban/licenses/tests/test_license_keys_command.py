"""``manage.py license_keys`` (list, generate, rotate, jwks), the production checks of the key store,
and the key cache of the verifier."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from tongban.audits.models import AuditEvent
from tongban.licenses import signing
from tongban.licenses.credentials.keys import KeyStore
from tongban.organizations.models import Department
from tongban.utils.checks import production_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_dir(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "keys"
    settings.TONGBAN_LICENSE_KEY_DIR = path
    return path


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("license_keys", *args, stdout=out)
    return out.getvalue()


def test_generate_list_and_rotate(key_dir: Path, gaj: Department) -> None:
    out = _run("generate", "--department", gaj.slug, "--alg", "SM2")
    [first] = KeyStore(key_dir).public_keys(gaj.uscc)
    assert first.alg == "SM2" and first.kid in out and "上海市公安局" in out
    listing = _run("list")
    assert first.kid in listing and "SM2" in listing and "active" in listing and "上海市公安局" in listing
    with pytest.raises(CommandError, match="rotate"):
        _run("generate", "--department", gaj.slug)

    out = _run("rotate", "--department", gaj.slug, "--alg", "EdDSA")
    old, new = KeyStore(key_dir).public_keys(gaj.uscc)
    assert (old.kid, old.status) == (first.kid, "retired")
    assert new.status == "active" and new.alg == "EdDSA" and new.kid in out
    events = AuditEvent.objects.filter(event__startswith="license.key_").order_by("seq")
    assert [(e.event, e.actor_label, e.channel) for e in events] == [
        ("license.key_generated", "cli", "cli"),
        ("license.key_rotated", "cli", "cli"),
    ]
    assert events[1].summary == {"kid": new.kid, "alg": "EdDSA", "department": gaj.slug}


def test_rotate_keeps_the_algorithm_unless_told(key_dir: Path, gaj: Department) -> None:
    _run("generate", "--department", gaj.slug, "--alg", "SM2")
    _run("rotate", "--department", gaj.slug)
    assert [r.alg for r in KeyStore(key_dir).public_keys(gaj.uscc)] == ["SM2", "SM2"]


def test_refusals(key_dir: Path, gaj: Department) -> None:
    with pytest.raises(CommandError, match="generate"):
        _run("rotate", "--department", gaj.slug)  # no key yet
    with pytest.raises(CommandError, match="No department"):
        _run("generate", "--department", "nowhere")
    with pytest.raises(CommandError):
        _run("generate", "--department", gaj.slug, "--alg", "RS256")
    assert "No keys" in _run("list")
    assert not AuditEvent.objects.filter(event__startswith="license.key_").exists()


def test_jwks_prints_the_published_document(key_dir: Path, gaj: Department, platform: Department) -> None:
    _run("generate", "--department", gaj.slug, "--alg", "SM2")
    _run("generate", "--department", platform.slug)
    document = json.loads(_run("jwks"))
    assert document["platform"] == platform.uscc
    assert {(k["dept"], k["alg"], k["status"]) for k in document["keys"]} == {
        (gaj.uscc, "SM2", "active"),
        (platform.uscc, "EdDSA", "active"),
    }


def test_jwks_needs_the_platform_department(key_dir: Path, gaj: Department) -> None:
    with pytest.raises(CommandError, match="platform_department_missing"):
        _run("jwks")


def test_new_keys_are_seen_within_one_clock_tick(
    key_dir: Path, gaj: Department, platform: Department
) -> None:
    """The directory's mtime moves in coarse ticks: a key created in the same tick is still found."""
    signing.generate_department_key(platform)
    assert len(signing.key_records()) == 1
    stat = key_dir.stat()
    record = signing.generate_department_key(gaj)
    os.utime(key_dir, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as if no tick had passed
    assert record.kid in signing.key_records()


# --- production checks ----------------------------------------------------------------------------------
def _key_problems() -> list[str]:
    return [p for p in production_problems(include_database=False) if "LICENSE" in p or "licence key" in p]


def test_production_refuses_autocreated_keys(settings: Any, key_dir: Path) -> None:
    settings.TONGBAN_ENV = "production"
    settings.TONGBAN_LICENSE_KEYS_AUTOCREATE = True
    assert any("TONGBAN_LICENSE_KEYS_AUTOCREATE" in p for p in _key_problems())
    settings.TONGBAN_LICENSE_KEYS_AUTOCREATE = False
    assert _key_problems() == []  # the directory does not exist yet: nothing to check


def test_production_refuses_a_readable_key_directory(settings: Any, key_dir: Path, gaj: Department) -> None:
    settings.TONGBAN_ENV = "production"
    settings.TONGBAN_LICENSE_KEYS_AUTOCREATE = False
    _run("generate", "--department", gaj.slug)
    assert _key_problems() == []  # created 0700
    key_dir.chmod(0o755)
    [problem] = _key_problems()
    assert "0o755" in problem and str(key_dir) in problem


def test_development_allows_autocreate(settings: Any, key_dir: Path) -> None:
    settings.TONGBAN_ENV = "development"
    settings.TONGBAN_LICENSE_KEYS_AUTOCREATE = True
    key_dir.mkdir(mode=0o755)
    assert _key_problems() == []

"""``tongban.conf.env.config``: the only way settings are read from the environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import pytest

from tongban.conf import env
from tongban.conf.env import UNSET, config, render_reference

# Names no real setting uses: REGISTRY is global, and other tests may read it.
PREFIX = "TBTEST_ENV_"


@pytest.fixture(autouse=True)
def _registry_restored() -> Iterator[None]:
    """Leave REGISTRY exactly as the settings filled it, whatever a test registers."""
    saved = dict(env.REGISTRY)
    yield
    env.REGISTRY.clear()
    env.REGISTRY.update(saved)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith(PREFIX)]:
        monkeypatch.delenv(name)


def test_required_variable_missing_names_it() -> None:
    with pytest.raises(ImproperlyConfigured, match=f"{PREFIX}REQUIRED is required: the help text"):
        config(f"{PREFIX}REQUIRED", help="the help text")


def test_default_when_unset_and_registered() -> None:
    assert config(f"{PREFIX}PLAIN", "fallback", help="h", group="Tests") == "fallback"
    var = env.REGISTRY[f"{PREFIX}PLAIN"]
    assert (var.default, var.group, var.kind, var.secret) == ("fallback", "Tests", "str", False)


def test_value_from_environment_wins_over_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}PLAIN", "from-env")
    assert config(f"{PREFIX}PLAIN", "fallback", help="h") == "from-env"


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " On "])
def test_bool_true(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(f"{PREFIX}FLAG", raw)
    assert config(f"{PREFIX}FLAG", False, help="h", kind="bool") is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off", ""])
def test_bool_false(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(f"{PREFIX}FLAG", raw)
    assert config(f"{PREFIX}FLAG", True, help="h", kind="bool") is False


def test_bool_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=f"{PREFIX}FLAG is not a valid bool"):
        config(f"{PREFIX}FLAG", False, help="h", kind="bool")


def test_int(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}COUNT", "42")
    assert config(f"{PREFIX}COUNT", 1, help="h", kind="int") == 42


@pytest.mark.parametrize("raw", ["4x", "", "1.5"])
def test_int_invalid(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(f"{PREFIX}COUNT", raw)
    with pytest.raises(ImproperlyConfigured, match=f"{PREFIX}COUNT is not a valid int"):
        config(f"{PREFIX}COUNT", 1, help="h", kind="int")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" a, b ,,c ", ["a", "b", "c"]), ("one", ["one"]), ("", []), (" , ", [])],
)
def test_list(monkeypatch: pytest.MonkeyPatch, raw: str, expected: list[str]) -> None:
    monkeypatch.setenv(f"{PREFIX}HOSTS", raw)
    assert config(f"{PREFIX}HOSTS", ["x"], help="h", kind="list") == expected


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown kind float"):
        config(f"{PREFIX}RATIO", 0.5, help="h", kind="float")


def test_choices_enforced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}MODE", "turbo")
    with pytest.raises(ImproperlyConfigured, match=f"{PREFIX}MODE must be one of slow, fast"):
        config(f"{PREFIX}MODE", "slow", help="h", choices=("slow", "fast"))
    monkeypatch.setenv(f"{PREFIX}MODE", "fast")
    assert config(f"{PREFIX}MODE", "slow", help="h", choices=("slow", "fast")) == "fast"


def test_value_from_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("  from-a-file\n", encoding="utf-8")
    monkeypatch.setenv(f"{PREFIX}TOKEN_FILE", str(secret))
    assert config(f"{PREFIX}TOKEN", help="h", secret=True) == "from-a-file"  # stripped, no default needed


def test_value_from_file_is_cast(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "n").write_text("7\n", encoding="utf-8")
    monkeypatch.setenv(f"{PREFIX}COUNT_FILE", str(tmp_path / "n"))
    assert config(f"{PREFIX}COUNT", 1, help="h", kind="int") == 7


def test_explicit_value_wins_over_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("from-a-file", encoding="utf-8")
    monkeypatch.setenv(f"{PREFIX}TOKEN_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv(f"{PREFIX}TOKEN", "explicit")
    assert config(f"{PREFIX}TOKEN", help="h") == "explicit"


def test_file_wins_over_empty_value(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("from-a-file", encoding="utf-8")
    monkeypatch.setenv(f"{PREFIX}TOKEN_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv(f"{PREFIX}TOKEN", "")
    assert config(f"{PREFIX}TOKEN", help="h") == "from-a-file"


def test_unreadable_file_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(f"{PREFIX}TOKEN_FILE", str(tmp_path / "does-not-exist"))
    with pytest.raises(ImproperlyConfigured, match=f"{PREFIX}TOKEN_FILE=.* cannot be read"):
        config(f"{PREFIX}TOKEN", "default", help="h")


def test_reference_lists_every_registered_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}API_KEY", "the-real-secret-value")
    config(f"{PREFIX}API_KEY", "public-dev-value", help="An API key.", group="Tests", secret=True)
    with pytest.raises(ImproperlyConfigured):
        config(f"{PREFIX}SIGNING_KEY", help="A signing key.", group="Tests", secret=True)
    config(f"{PREFIX}MODE", "slow", help="Speed.", group="Tests", choices=("slow", "fast"))
    config(f"{PREFIX}HOSTS", [], help="Hosts.", group="Tests", kind="list")

    text = render_reference()

    for name in env.REGISTRY:  # the settings' own variables and the ones above
        assert f"| `{name}` |" in text
    assert "## Tests" in text
    lines = {line.split("|")[1].strip(" `"): line for line in text.splitlines() if line.startswith("| `")}
    assert "(secret, development value)" in lines[f"{PREFIX}API_KEY"]
    assert "**required**" in lines[f"{PREFIX}SIGNING_KEY"]
    assert "str (slow / fast)" in lines[f"{PREFIX}MODE"] and "`slow`" in lines[f"{PREFIX}MODE"]
    assert "(empty)" in lines[f"{PREFIX}HOSTS"]
    # Neither a secret's default nor its configured value is ever printed.
    assert "public-dev-value" not in text and "the-real-secret-value" not in text


def test_settings_register_their_secrets() -> None:
    for name in ("SECRET_KEY", "TONGBAN_FIELD_KEYS", "TONGBAN_LOOKUP_KEY", "TONGBAN_OIDC_PRIVATE_KEY"):
        var = env.REGISTRY[name]
        assert var.secret and var.default is UNSET, name

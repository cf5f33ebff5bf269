"""Fixtures for the OIDC provider tests. The cache table and a fresh cache per test come from
``src/tongban/conftest.py``.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tongban.sso.models import Client
from tongban.sso.tests.rp import REDIRECT_URI, RegisteredClient


@pytest.fixture
def make_client(db: None) -> Any:
    def make(**fields: Any) -> RegisteredClient:
        secret = secrets.token_urlsafe(32)
        fields.setdefault("name", "不动产登记系统")
        fields.setdefault("client_type", Client.CLIENT_CONFIDENTIAL)
        fields.setdefault("redirect_uris", REDIRECT_URI)
        fields.setdefault("allowed_scopes", ["openid", "profile", "phone"])
        app = Client(client_secret=secret, **fields)
        app.full_clean()
        app.save()
        return RegisteredClient(app=app, secret=secret)

    return make

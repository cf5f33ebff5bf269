"""The ratings API (mounted at ``/api/v1/``)."""

from ninja import Router

router = Router(tags=["ratings"])

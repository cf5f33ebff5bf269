"""The servicedesk API (mounted at ``/api/v1/``)."""

from ninja import Router

router = Router(tags=["servicedesk"])

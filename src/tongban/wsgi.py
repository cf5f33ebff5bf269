"""WSGI entry point (gunicorn ``tongban.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.production")

application = get_wsgi_application()

from tongban.utils.checks import assert_production_safe  # noqa: E402

assert_production_safe()

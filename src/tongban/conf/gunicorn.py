"""gunicorn settings (``gunicorn -c python:tongban.conf.gunicorn tongban.wsgi:application``).

gunicorn's own messages (start-up, worker restarts, errors) go through the same structlog renderer as
the application, so every line of the web process is structured. Request lines come from
django-structlog with their request id, so gunicorn's access log stays off.
"""

import os

from tongban.utils.logging import build_logging_config

logconfig_dict = build_logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"), fmt=os.environ.get("TONGBAN_LOG_FORMAT", "json")
)
logconfig_dict["loggers"].update(
    {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    }
)
accesslog = None

"""Production settings: nothing is defaulted for secrets; demo values are refused at start-up."""

import os

os.environ.setdefault("TONGBAN_ENV", "production")
# Signing keys are created by an operator (manage.py license_keys), never on first use.
os.environ.setdefault("TONGBAN_LICENSE_KEYS_AUTOCREATE", "false")

from tongban.conf.base import *  # noqa: E402,F403

"""Production settings: nothing is defaulted for secrets; demo values are refused at start-up."""

import os

os.environ.setdefault("TONGBAN_ENV", "production")

from tongban.conf.base import *  # noqa: E402,F403

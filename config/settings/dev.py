"""Local development with DEBUG on: `DEBUG=1 make run`, and manage.py by default."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret-crosstalk"  # noqa: S105

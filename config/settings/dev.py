"""Local development: `make run` uses this module."""

import os

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)  # noqa: F405
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret-crosstalk"  # noqa: S105

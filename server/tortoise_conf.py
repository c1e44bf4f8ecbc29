"""Tortoise config for its command line (makemigrations, migrate, history)."""

from server.config import Settings
from server.db import tortoise_config

TORTOISE_ORM = tortoise_config(Settings().database_url)

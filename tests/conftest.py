"""Shared fixtures for every layer's tests."""

import os

# Tests never depend on the machine's language setting for messages.
os.environ.setdefault("UKM_LANG", "id")

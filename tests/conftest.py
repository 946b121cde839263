"""Shared fixtures for every layer's tests."""

import os

# Tests never depend on the machine's language setting for messages.
os.environ.setdefault("UKM_LANG", "id")
# Courses made by `ukm init` in tests get certificate keys: never in the tester's ~/.config.
if "UKM_KEYS_DIR" not in os.environ:
    import atexit
    import shutil
    import tempfile

    os.environ["UKM_KEYS_DIR"] = tempfile.mkdtemp(prefix="ukm-test-keys-")
    atexit.register(shutil.rmtree, os.environ["UKM_KEYS_DIR"], True)
# rich fixes a console's width from COLUMNS when the console is made (pytest-xdist's workers set
# COLUMNS=80); without it, the width is read at each print, so the width a CLI test asks for
# (CliRunner's env) holds whichever test imported the CLI first.
os.environ.pop("COLUMNS", None)

from hypothesis import settings  # noqa: E402

# Hypothesis' per-example deadline (200 ms) fails property tests on a busy 2-core CI machine
# without saying anything about the code; pytest-timeout still bounds every test.
settings.register_profile("ukm", deadline=None)
settings.load_profile("ukm")

"""nbgrader's submit, with the submission readable by its owner and the course only.

Plain nbgrader (0.9.6) leaves a submission in the inbound folder with files 0644 and the
folder 0777, hidden only by a random name: anyone who learns the name can read or change
it. On the workshop server the inbound folder is setgid to the course user's group
(:mod:`ukm_tools.hub.isolation`), so a new submission already belongs to that group; this
class then closes it to everyone else (folders 2770, files 0640). Switched on in the
participants' nbgrader configuration (``deploy/participant/nbgrader_config.py``)::

    c.ExchangeFactory.submit = "ukm_tools.hub.exchange.PrivateSubmit"

A participant can bypass it in their own terminal; that exposes only their own work, and
who submitted is still decided by the files' owner, not by this code.
"""

from __future__ import annotations

import os
import stat

from nbgrader.exchange.default.submit import ExchangeSubmit

DIR_MODE = 0o2770
FILE_MODE = 0o640


def close_tree(path: str) -> None:
    """Folders 2770 and regular files 0640 below ``path``; symlinks are left untouched."""
    for dirpath, _dirnames, filenames in os.walk(path):
        for name in filenames:
            full = os.path.join(dirpath, name)
            if stat.S_ISREG(os.lstat(full).st_mode):
                os.chmod(full, FILE_MODE)
        os.chmod(dirpath, DIR_MODE)


class PrivateSubmit(ExchangeSubmit):
    """``nbgrader submit`` whose inbound copy only its owner and the course can read."""

    def copy_files(self) -> None:
        super().copy_files()
        close_tree(os.path.join(self.inbound_path, self.assignment_filename))

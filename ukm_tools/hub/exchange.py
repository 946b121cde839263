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

    def do_copy(self, src, dest, log=None) -> None:
        super().do_copy(src, dest, log)
        # copytree copies the source folder's mode onto the copy, clearing the setgid bit it got
        # from the inbound folder; files nbgrader writes next (timestamp.txt) would then get the
        # participant's group, which the course cannot read, and she may neither set the bit again
        # nor chgrp to a group she is not in. A folder made afresh in the inbound folder inherits
        # both, so the copy's contents move into one (files keep the group they were made with).
        inbound = os.path.realpath(self.inbound_path)
        if os.path.dirname(os.path.realpath(dest)) != inbound or os.stat(dest).st_mode & stat.S_ISGID:
            return
        fresh = dest + ".ukm-tmp"
        os.mkdir(fresh)
        for name in os.listdir(dest):
            os.rename(os.path.join(dest, name), os.path.join(fresh, name))
        os.rmdir(dest)
        os.rename(fresh, dest)

    def copy_files(self) -> None:
        super().copy_files()
        close_tree(os.path.join(self.inbound_path, self.assignment_filename))

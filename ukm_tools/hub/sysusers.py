"""System users: one per participant and staff member, so file permissions and nbgrader's exchange
identify who did what (the uid that owns a submission is who submitted it).

The system user name is the hub user name, which is the roster id (``a-z0-9_-``, at most 32
characters, the limit of Linux user names). Users made here carry the comment
:data:`MARK` in their GECOS field; a name that already belongs to a system user without it
(``root``, ``postgres``, an employee's login...) is refused, never reused. Accounts get no
password (``useradd`` leaves it locked), so the only way in is the hub.

Needs root (``useradd``/``userdel``/``groupadd`` from Debian's ``passwd`` package).
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ukm_tools.errors import Problem, UkmError

#: GECOS comment of every system user this module creates.
MARK = "ukm-tools"
#: Linux user names: a letter first (a leading digit confuses tools that take uids too).
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class SystemUser:
    name: str
    uid: int
    gid: int
    home: Path


def require_root(what: str) -> None:
    if os.geteuid() != 0:
        raise UkmError("hub_needs_root", "user", what)


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise UkmError("hub_system_command_failed", "command", " ".join(argv[:2]), detail=detail[-1] if detail else "?")


def _created(name: str) -> SystemUser:
    """The user ``useradd`` just made (absent only when the system's user database is broken)."""
    user = lookup(name)
    if user is None:
        raise UkmError("hub_system_command_failed", "command", "useradd", detail=f"{name}: not found afterwards")
    return user


def lookup(name: str) -> SystemUser | None:
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None
    return SystemUser(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def is_ours(name: str) -> bool:
    try:
        return pwd.getpwnam(name).pw_gecos.split(",")[0] == MARK
    except KeyError:
        return False


def check_names(names: list[str]) -> None:
    """Every name usable as a system user and not taken by someone else; all problems at once."""
    problems = []
    for name in names:
        if not NAME_PATTERN.match(name):
            problems.append(Problem("hub_bad_username", "id_peserta", name))
        elif lookup(name) is not None and not is_ours(name):
            problems.append(Problem("hub_user_clash", "id_peserta", name))
    if problems:
        raise UkmError(problems=problems)


def ensure_group(name: str) -> int:
    """The gid of system group ``name``, created when missing."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        _run(["groupadd", "--system", name])
        return grp.getgrnam(name).gr_gid


def ensure_user(name: str, home_base: Path, groups: Sequence[str] = (), *, system: bool = False) -> SystemUser:
    """The system user ``name`` (created when missing; supplementary ``groups`` added).

    The home folder is ``home_base/name``, mode 0700, owned by the user. ``system=True`` (the
    course owner, whose services the hub runs) takes a uid from the system range.
    """
    require_root("ukm hub")
    check_names([name])
    for group in groups:
        ensure_group(group)
    user = lookup(name)
    if user is None:
        # No password is set (useradd leaves it locked): the only way in is through the hub.
        argv = ["useradd", "--comment", MARK, "--user-group", "--create-home", "--base-dir", str(home_base)]
        argv += ["--shell", "/bin/bash"] + (["--system"] if system else [])
        if groups:
            argv += ["--groups", ",".join(groups)]
        _run(argv + [name])
        user = _created(name)
    elif groups:
        _run(["usermod", "--append", "--groups", ",".join(groups), name])
    if user.home.is_dir():
        os.chown(user.home, user.uid, user.gid)
        os.chmod(user.home, 0o700)
    return user


def remove_user(name: str) -> bool:
    """Delete a system user made here, with its home folder; refuses anyone else's."""
    require_root("ukm hub")
    if lookup(name) is None:
        return False
    if not is_ours(name):
        raise UkmError("hub_user_clash", "user", name)
    _run(["userdel", "--remove", name])
    # userdel keeps the user's private group when another user still lists it; ours never do.
    try:
        grp.getgrnam(name)
        _run(["groupdel", name])
    except KeyError:
        pass
    return True


def remove_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        return
    _run(["groupdel", name])

"""Who may read what on the workshop server: ownership and modes, set once before the hub starts.

- The course folder (sources with solutions, the gradebook, every submission, feedback) is
  owned by the course user and mode 0700: participants cannot list or read anything in it.
- The exchange lives beside the course (participants must reach it) and is laid out the way
  nbgrader expects, tightened: its root 1777 (sticky: nobody renames another's folder), the
  course's outbound 0755 (released assignments are for everyone), inbound 3733 owned by the
  course user and its group (participants can drop a submission but not list the folder; the
  setgid bit gives each submission the course group, which :mod:`.exchange` keeps private).
- Every home folder is 0700 and belongs to its participant.
- The hub's own state (hub database, cookie secret, hashed codes) is root's, 0700.

Course operations on such a machine run as the course user (:func:`drop_to_course_owner`),
because nbgrader refuses exchange folders it does not own and files root creates in the
course folder would lock the formgrader service out.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from ukm_tools.course.ops import EXCHANGE_ROOT_MODE, INBOUND_MODE, load_config
from ukm_tools.errors import UkmError
from ukm_tools.hub import sysusers
from ukm_tools.hub.settings import HubSettings

#: File in the course folder naming the shared exchange (read by the course's nbgrader_config.py).
EXCHANGE_POINTER = "exchange.path"
COURSE_MODE = 0o700
STATE_MODE = 0o700


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    """chown without following symlinks (a planted link must not hand over its target)."""
    os.chown(path, uid, gid, follow_symlinks=False)
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def course_id(course_dir: Path) -> str:
    return load_config(course_dir).CourseDirectory.course_id


def prepare_course(settings: HubSettings) -> sysusers.SystemUser:
    """Course user, course folder, exchange and state folder as described above (idempotent)."""
    sysusers.require_root("ukm serve")
    owner = sysusers.ensure_user(settings.course_user, settings.home_base, system=True)
    course = settings.course_dir.resolve()
    exchange = settings.exchange_dir.resolve()
    (course / EXCHANGE_POINTER).write_text(str(exchange) + "\n", encoding="utf-8")
    if Path(load_config(course).Exchange.root).resolve() != exchange:
        raise UkmError("hub_course_config_old", "course_dir", str(course))
    cid = course_id(course)

    _chown_tree(course, owner.uid, owner.gid)
    os.chmod(course, COURSE_MODE)

    exchange.mkdir(parents=True, exist_ok=True)
    os.chown(exchange, owner.uid, owner.gid)
    os.chmod(exchange, EXCHANGE_ROOT_MODE)
    course_ex = exchange / cid
    for sub in ("", "outbound", "inbound", "feedback"):
        folder = course_ex / sub if sub else course_ex
        folder.mkdir(exist_ok=True)
        os.chown(folder, owner.uid, owner.gid)
    os.chmod(course_ex, 0o755)
    os.chmod(course_ex / "outbound", 0o755)
    os.chmod(course_ex / "inbound", INBOUND_MODE)
    os.chmod(course_ex / "feedback", 0o711)
    # Released assignments are the course user's and readable by all, as nbgrader makes them.
    _chown_tree(course_ex / "outbound", owner.uid, owner.gid)

    if settings.calculator_dir is not None:
        # The portal (as the course user) hands participants' cases to the calculator server here;
        # participants' own servers (other system users) cannot look in.
        from ukm_tools.calcserver.config import ServerConfig

        handoff = ServerConfig(folder=settings.calculator_dir).handoff_root
        handoff.mkdir(parents=True, exist_ok=True)
        os.chown(handoff, owner.uid, owner.gid)
        os.chmod(handoff, 0o700)

    settings.state_dir.mkdir(parents=True, exist_ok=True)
    os.chown(settings.state_dir, 0, 0)
    os.chmod(settings.state_dir, STATE_MODE)
    settings.home_base.mkdir(parents=True, exist_ok=True)
    return owner


def unreachable_for_others(*paths: Path) -> list[Path]:
    """Folders on the way to ``paths`` that other users cannot pass (no o+x), links followed or not.

    Participants' servers and the services run the venv's Python, the installed ukm_tools and
    deploy/ as other users; a checkout or a pyenv under /root (mode 0700) stops them.
    """
    blocked: list[Path] = []
    for path in paths:
        for route in {Path(os.path.abspath(path)), Path(path).resolve()}:
            for folder in [*reversed(route.parents), route]:
                if folder.is_dir() and not os.stat(folder).st_mode & 0o001 and folder not in blocked:
                    blocked.append(folder)
    return blocked


def paths_servers_need(settings: HubSettings) -> list[Path]:
    """What other users must reach: the venv's Python, this package, the hub configuration."""
    import ukm_tools
    from ukm_tools.hub.settings import DEPLOY_DIR

    return [settings.python, Path(ukm_tools.__file__).parent, DEPLOY_DIR]


def drop_to_course_owner(course_dir: Path) -> str | None:
    """When root works on a hub-prepared course, continue as its owner; returns that user's name.

    A course owned by a ukm-tools system user was prepared by ``ukm serve``: nbgrader refuses
    exchange folders it does not own, and files root writes into the course would lock the
    formgrader service (which runs as the owner) out. Other courses are left alone.
    """
    if os.geteuid() != 0:
        return None
    st = os.stat(course_dir)
    if st.st_uid == 0:
        return None
    try:
        entry = pwd.getpwuid(st.st_uid)
    except KeyError:
        return None
    if not sysusers.is_ours(entry.pw_name):
        return None
    os.setgroups([])
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)
    os.environ.update({"USER": entry.pw_name, "LOGNAME": entry.pw_name, "HOME": str(course_dir)})
    return entry.pw_name


def write_params_file(params_dir: Path, username: str, text: str, gid: int) -> Path:
    """A participant's exercise parameters, readable by them only (owner root, their group, 0640).

    The folder is root's (0711), so no path component is under a participant's control and
    nobody can list whose files are there.
    """
    params_dir.mkdir(parents=True, exist_ok=True)
    os.chown(params_dir, 0, 0)
    os.chmod(params_dir, 0o711)
    path = params_dir / f"{username}.json"
    tmp = params_dir / f".{username}.json.tmp"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o640)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chown(tmp, 0, gid)
    os.replace(tmp, path)
    return path


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

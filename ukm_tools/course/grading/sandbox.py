"""The grading sandbox: bubblewrap around each worker's zygote and the kernels it forks.

nbgrader starts each submission's kernel with the grader's rights, so plain nbgrader (0.9.6,
tried here with hostile notebooks) lets a notebook rewrite the gradebook, print the solutions,
change other submissions or leave a process behind that edits the gradebook after grading.
Here every kernel runs inside bubblewrap (:mod:`.provisioner` starts it): no network, IPC,
PID or user sharing (``--unshare-all``), uid 65534 with no capabilities, a cleared environment,
resource limits through ``prlimit`` and a PID namespace, so no process outlives its kernel.

What a kernel sees (the whole mount table):

- read-only: ``/`` (an empty tmpfs), /usr, a few harmless /etc files, /dev (null, zero,
  random...), the Python installation, the venv and the ``ukm_tools`` package — never the
  repository, the course folder, the gradebook or the answer keys;
- ``/stage`` read-only: the host's copy of the submission being graded;
- ``/scratch``: a size-limited tmpfs holding /tmp, HOME and the working folder (a copy of
  /stage made inside the sandbox), and a size-limited ``/dev/shm``; both are counted in the
  kernel's memory (:class:`~.settings.SandboxLimits`);
- ``/run/ukm`` writable: one fresh folder per kernel, named at random and created by the host
  before the kernel starts, holding only its connection file and its ipc sockets; the host
  removes it afterwards and never writes anywhere a kernel can.

Kernels talk to the grader over ZMQ ``ipc`` sockets in that folder: needed once the network is
unshared, and it also removes the TCP port races that made concurrent ``nbgrader autograde``
processes lose kernels.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import ukm_tools
from ukm_tools.course.grading.settings import SandboxLimits

BWRAP = "/usr/bin/bwrap"
PRLIMIT = "/usr/bin/prlimit"

#: Paths inside the sandbox.
STAGE = "/stage"
RUN = "/run/ukm"
SCRATCH = "/scratch"
BOX = f"{SCRATCH}/box"
TMP = f"{SCRATCH}/tmp"
HOME = f"{SCRATCH}/home"

#: Environment of every sandboxed process (the rest is cleared).
SANDBOX_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": HOME,
    "LANG": "C.UTF-8",
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "NBGRADER_EXECUTION": "autograde",
}


def sandbox_available() -> bool:
    return os.access(BWRAP, os.X_OK) and os.access(PRLIMIT, os.X_OK)


def _readonly_roots() -> list[str]:
    """Folders the kernel needs to read: Python install, venv, ukm_tools (not the repository)."""
    roots = {sys.base_prefix, sys.prefix, str(Path(ukm_tools.__file__).resolve().parent)}
    roots = {str(Path(r).resolve()) for r in roots}
    # /usr is bound whole; drop roots inside it and roots nested in other roots.
    kept: list[str] = []
    for root in sorted(roots):
        if root == "/usr" or root.startswith("/usr/"):
            continue
        if any(root.startswith(k + "/") for k in kept):
            continue
        kept.append(root)
    return kept


def mount_point(host_path: str) -> str:
    """Where a host folder is bound in the sandbox so that it keeps its path there.

    Inside, /tmp is a link into the scratch and bwrap cannot create a mount point through a
    link, so a folder under the host's /tmp (a venv in a temporary clone, as CI makes) is bound
    at the link's target: the same path, seen through /tmp, as on the host.
    """
    path = PurePosixPath(host_path)
    if path.is_relative_to("/tmp"):
        return str(PurePosixPath(TMP) / path.relative_to("/tmp"))
    return host_path


def bwrap_args(limits: SandboxLimits, stage: Path, run: Path) -> list[str]:
    """bubblewrap's command line (up to ``--``) for one worker's sandbox.

    ``stage`` (host) is bound read-only at :data:`STAGE`, ``run`` (host) writable at :data:`RUN`.
    """
    args = [
        BWRAP,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/sbin",
        "/sbin",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
    ]
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", "/etc/fonts", "/etc/mime.types"):
        if os.path.exists(path):  # harmless system files: loader cache, time zone, fonts
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev"]
    # Every RAM-backed writable place has a size, counted in the kernel's memory budget.
    args += ["--perms", "1777", "--size", str(int(limits.shm_bytes)), "--tmpfs", "/dev/shm"]
    args += ["--perms", "0755", "--size", str(int(limits.scratch_bytes)), "--tmpfs", SCRATCH]
    args += ["--perms", "1777", "--dir", TMP, "--symlink", TMP, "/tmp"]
    for root in _readonly_roots():
        args += ["--ro-bind", root, mount_point(root)]
    args += ["--ro-bind", str(stage), STAGE, "--bind", str(run), RUN]
    # The root and /dev are tmpfs bwrap made writable for itself: nothing may be written there.
    args += ["--remount-ro", "/dev", "--remount-ro", "/"]
    args += ["--chdir", SCRATCH, "--clearenv"]
    for key, value in SANDBOX_ENV.items():
        args += ["--setenv", key, value]
    return args


def prlimit_args(limits: SandboxLimits, nproc: int, cpu_seconds: int) -> list[str]:
    """``prlimit`` in front of the sandboxed process: address space, CPU, tasks, file size."""
    return [
        PRLIMIT,
        f"--as={int(limits.address_space_bytes)}",
        f"--cpu={int(cpu_seconds)}",
        f"--nproc={int(nproc)}",
        f"--fsize={int(limits.file_bytes)}",
    ]


_REFUSE = r"""#!/bin/sh
# Generated by ukm_tools.course.grading.sandbox: sandboxed kernels are forked by the ukm-zygote
# provisioner (named in kernel.json); a kernel started from this argv would run unsandboxed.
echo "ukm sandbox: kernels of this kernelspec start only through the ukm-zygote provisioner" >&2
exit 97
"""

_PLAIN = r"""#!/bin/sh
# Generated by ukm_tools.course.grading.sandbox: an UNSANDBOXED grading kernel (--no-sandbox).
set -eu
conn="$1"; shift
exec @PYTHON@ -m ipykernel_launcher -f "$conn" "$@" >>"$(dirname "$conn")/kernel.log" 2>&1
"""


def write_kernelspec(root: Path, *, sandbox: bool = True) -> Path:
    """Create ``root/kernels/python3`` (a kernelspec folder for JUPYTER_PATH); returns ``root``.

    With ``sandbox`` the kernelspec names the ``ukm-zygote`` provisioner (entry point in
    pyproject): kernels are forked by the worker's sandboxed zygote (:mod:`.provisioner`) and its
    argv only refuses to run. Without, argv starts a plain kernel with the grader's rights.
    """
    root = Path(root)
    kernel_dir = root / "kernels" / "python3"
    kernel_dir.mkdir(parents=True, exist_ok=True)
    wrapper = root / ("ukm-sandbox-kernel" if sandbox else "ukm-plain-kernel")
    wrapper.write_text(_REFUSE if sandbox else _PLAIN.replace("@PYTHON@", shlex.quote(sys.executable)))
    wrapper.chmod(0o755)
    spec: dict[str, Any] = {
        "argv": [str(wrapper), "{connection_file}"],
        "display_name": "Python 3 (ukm grading sandbox)" if sandbox else "Python 3 (ukm grading, NO sandbox)",
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": False},
    }
    if sandbox:
        spec["metadata"]["kernel_provisioner"] = {"provisioner_name": "ukm-zygote", "config": {}}
    (kernel_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return root

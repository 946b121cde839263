"""Warm kernel "zygote": runs INSIDE a worker's bubblewrap sandbox and forks one kernel per notebook.

Starting an ipykernel and importing pandas is two thirds of grading's CPU. The zygote imports
them once, then for each request forks a child that becomes an ipykernel (no exec), so a kernel
is ready in a fraction of the time. Safety rules (what broke when a fork-based kernel was tried
with nbgrader 0.9.6 and ipykernel on this stack, and the sandbox design in :mod:`.sandbox`):

- The zygote lives in the same sandbox its kernels do: it sees only what they see. It never
  holds the gradebook, solutions or answer keys; its memory is what every kernel inherits.
- It serves exactly one client, the worker that started it: after accepting that connection it
  removes its socket, so no kernel can talk to it and the worker never opens a path a kernel
  could have replaced.
- One kernel at a time. Before each kernel the scratch tmpfs is emptied and the working folder
  refilled from the read-only ``/stage``; when the kernel exits the zygote kills every other
  process of the sandbox (``kill(-1, SIGKILL)`` reaches everything in its PID namespace but
  itself and bwrap's init) and empties the scratch again, so nothing of one participant's
  kernel survives into the next.
- The zygote is not dumpable (no ptrace or /proc/pid/mem from its kernels). A kernel that
  kills or stops it takes only the sandbox down; the worker notices and starts a new one.
- No zmq context, thread or event loop exists before a fork (checked); children close
  inherited descriptors, reset signals, ``setsid()`` and reseed random generators.

Protocol on the one connection: a JSON line ``{"conn": path, "argv": [...], "env": {...}}`` per
kernel; replies ``{"pid": inner_pid}`` then, after the kernel and the sweep, ``{"exited": code}``.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time

from ukm_tools.course.grading.sandbox import BOX, HOME, SCRATCH, STAGE, TMP

#: What a fresh ipykernel imports (measured with ``sorted(sys.modules)`` in a kernel).
KERNEL_MODULES = [
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.iostream",
    "ipykernel.heartbeat",
    "ipykernel.parentpoller",
    "ipykernel.eventloops",
    "ipykernel.debugger",
    "ipykernel.comm",
    "IPython",
    "IPython.core.interactiveshell",
    "IPython.core.completer",
    "IPython.core.magics",
    "IPython.core.formatters",
    "IPython.core.display",
    "IPython.core.debugger",
    "IPython.display",
    "jupyter_client.session",
    "jupyter_client.jsonutil",
    "zmq",
    "zmq.asyncio",
    "zmq.eventloop.zmqstream",
    "tornado.ioloop",
    "tornado.queues",
    "comm",
    "psutil",
    "debugpy",
    "pygments.lexers.python",
    "pygments.formatters.terminal256",
    "jedi",
    "sqlite3",
    "pdb",
    "matplotlib_inline.backend_inline",
    # Tracebacks (every failing test cell formats one).
    "IPython.core.ultratb",
    "stack_data",
    "executing",
    "asttokens",
    "pure_eval",
]

PR_SET_DUMPABLE = 4


def _prctl(option: int, value: int) -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def preload(extra: list[str]) -> list[str]:
    """Import the kernel's modules and the course's usual imports; return those that failed."""
    failed = []
    for name in KERNEL_MODULES + extra:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional module only costs speed
            failed.append(name)
    return failed


def _check_fork_safe() -> None:
    if threading.active_count() != 1:
        raise RuntimeError(f"zygote has {threading.active_count()} threads; forking would be unsafe")
    zmq = sys.modules.get("zmq")
    if zmq is not None and zmq.Context._instance is not None:
        raise RuntimeError("a zmq context exists before fork")


def _mount_points() -> set[str]:
    """Mount points of this sandbox (field 5 of mountinfo, octal escapes decoded)."""
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        fields = [line.split(" ")[4] for line in f]
    return {re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), p) for p in fields}


def _empty(folder: str, mounts: set[str] | None = None) -> None:
    """Remove everything in ``folder`` except host folders bound there and the folders leading
    to them (a venv under the host's /tmp is bound below the scratch's tmp: see
    :func:`~.sandbox.mount_point`). Whether a path is a mount is read from the kernel's mount
    table, so a kernel's look-alike folder at a bound folder's path is removed like any other."""
    mounts = _mount_points() if mounts is None else mounts
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if path in mounts:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            if any(m.startswith(path + "/") for m in mounts):
                os.chmod(path, 0o755)  # a kernel may have closed it
                _empty(path, mounts)
            else:
                shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def _fresh_scratch(stage: bool) -> dict[str, str]:
    """Empty the scratch tmpfs and /dev/shm, make /tmp, HOME and the working folder afresh.

    Everything under /scratch goes (a kernel may have replaced a folder by a link); with
    ``stage`` the working folder is refilled from /stage. Returns the kernel's HOME, TMPDIR
    and config folders.
    """
    _empty(SCRATCH)
    _empty("/dev/shm")
    os.makedirs(TMP, 0o1777, exist_ok=True)  # kept when a bound host folder lies below it
    os.chmod(TMP, 0o1777)  # mkdir applies the umask
    os.mkdir(HOME, 0o700)
    if stage:
        shutil.copytree(STAGE, BOX, symlinks=True)
    else:
        os.mkdir(BOX, 0o700)
    return {
        "HOME": HOME,
        "TMPDIR": "/tmp",
        "IPYTHONDIR": f"{HOME}/.ipython",
        "MPLCONFIGDIR": f"{HOME}/.matplotlib",
    }


def _sweep() -> None:
    """Kill every process of this sandbox except the zygote (and bwrap's init)."""
    for _ in range(3):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            break
        time.sleep(0.005)


def _become_kernel(request: dict, base_env: dict[str, str], cpu_seconds: int) -> None:
    """In the forked child: turn into an ipykernel for ``request`` (never returns)."""
    code = 1
    try:
        os.setsid()
        import resource

        # The zygote's own CPU limit is generous (it lives for the whole run); a kernel gets its own.
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGPIPE, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        os.closerange(3, 65536)
        os.chdir(BOX)
        os.environ.clear()
        os.environ.update(base_env)
        os.environ.update({k: str(v) for k, v in request.get("env", {}).items() if k == "UKM_STUDENT_ID"})
        os.environ["PWD"] = BOX
        import random

        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        gc.unfreeze()
        sys.argv = ["ipykernel_launcher", "-f", request["conn"], *request.get("argv", [])]
        if sys.path and sys.path[0] != BOX:
            sys.path.insert(0, BOX)
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize()
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        # Skip interpreter teardown: forked ipykernels sometimes deadlock in it.
        os._exit(code)


def serve(sock_path: str, extra_modules: list[str], cpu_seconds: int = 600) -> None:
    failed = preload(extra_modules)
    if failed:
        print(f"zygote: could not preload {failed}", file=sys.stderr, flush=True)
    _prctl(PR_SET_DUMPABLE, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    base = {k: v for k, v in os.environ.items()}
    gc.collect()
    gc.freeze()
    try:
        os.unlink(sock_path)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(1)
    print("zygote: ready", file=sys.stderr, flush=True)
    # One client: the worker that started this sandbox. Nothing else can connect afterwards.
    conn, _ = listener.accept()
    listener.close()
    os.unlink(sock_path)
    reader = conn.makefile("rb")
    while True:
        line = reader.readline(1 << 16)
        if not line:
            return  # the worker closed the connection: the sandbox ends
        try:
            request = json.loads(line)
            env = dict(base, **_fresh_scratch(stage=True))
            _check_fork_safe()
            pid = os.fork()
            if pid == 0:
                conn.detach()  # the child closes every inherited descriptor itself
                _become_kernel(request, env, cpu_seconds)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
            _, status = os.waitpid(pid, 0)
            _sweep()
            _fresh_scratch(stage=False)
            conn.sendall(json.dumps({"exited": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
        except (OSError, ValueError) as exc:
            print(f"zygote: request failed: {exc}", file=sys.stderr, flush=True)
            return  # the worker sees the connection close and starts a fresh sandbox


if __name__ == "__main__":
    serve(
        sys.argv[1],
        [m for m in sys.argv[2].split(",") if m] if len(sys.argv) > 2 else [],
        int(sys.argv[3]) if len(sys.argv) > 3 else 600,
    )

"""Worker side of the warm kernels: a jupyter_client kernel provisioner backed by a sandboxed zygote.

nbgrader's Execute preprocessor starts kernels through jupyter_client; the engine's
``python3`` kernelspec names the ``ukm-zygote`` provisioner (entry point in pyproject), so the
unchanged nbgrader pipeline gets forked warm kernels by configuration alone.

For each kernel the provisioner copies the submission's autograded folder into the worker's
staging folder (read-only in the sandbox; the zygote copies it into the kernel's working folder),
creates a fresh, randomly named folder for the kernel in the sandbox's run folder (``mkdir``,
then its connection file with ``O_CREAT | O_EXCL | O_NOFOLLOW`` relative to a directory
descriptor, so nothing a kernel planted can redirect the write) and asks the zygote
(:mod:`.zygote`) to fork. It then controls the kernel from outside the sandbox by its host PID
(found through ``NSpid``): signals for interrupts, SIGKILL for shutdown, a pidfd to see it exit.
The zygote's "exited" reply confirms the sandbox was swept before the next kernel; then the
host empties the run folder. Without that reply the whole sandbox is torn down and a fresh one
started.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psutil
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from ukm_tools.course.grading.sandbox import RUN, bwrap_args, prlimit_args
from ukm_tools.course.grading.settings import SandboxLimits

#: The zygote's own CPU limit, in kernel lifetimes: it lives for the whole run, each kernel gets one.
ZYGOTE_CPU_FACTOR = 100
CONNECTION_FILE = "connection.json"


class ZygoteError(RuntimeError):
    """The worker's sandbox could not start or fork a kernel (infrastructure, not the participant)."""


def _open_dir(path: Path) -> int:
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)


def empty_folder(dir_fd: int) -> None:
    """Remove everything inside the open folder ``dir_fd`` without following any link."""
    for name in os.listdir(dir_fd):
        st = os.lstat(name, dir_fd=dir_fd)
        if stat.S_ISDIR(st.st_mode):
            shutil.rmtree(name, dir_fd=dir_fd)
        else:
            os.unlink(name, dir_fd=dir_fd)


class ZygoteSandbox:
    """One worker's sandbox with its zygote; started lazily, restarted when broken.

    ``root`` is the worker's private folder: ``stage/`` (bound read-only), ``zrun/`` (bound
    writable: per-kernel folders) and ``zygote.log`` (host only).
    """

    def __init__(self, root: Path, limits: SandboxLimits) -> None:
        self.root = Path(root)
        self.stage = self.root / "stage"
        self.run = self.root / "zrun"
        self.log_path = self.root / "zygote.log"
        self.limits = limits
        self.proc: subprocess.Popen | None = None
        self._conn: socket.socket | None = None
        self._reader: Any = None
        self._run_fd: int | None = None

    def start(self) -> None:
        self.stop()
        for folder in (self.root, self.stage, self.run):
            folder.mkdir(mode=0o700, exist_ok=True)
        # zrun's parent is private to the worker, so this descriptor stays the folder bwrap binds.
        self._run_fd = _open_dir(self.run)
        empty_folder(self._run_fd)  # what kernels of an earlier sandbox left
        used = sum(p.num_threads() for p in psutil.process_iter() if _same_uid(p))
        limits = self.limits
        args = (
            bwrap_args(limits, self.stage, self.run)
            + ["--"]
            + prlimit_args(limits, used + limits.extra_processes, limits.cpu_seconds * ZYGOTE_CPU_FACTOR)
            + [
                sys.executable,
                "-m",
                "ukm_tools.course.grading.zygote",
                f"{RUN}/zygote.sock",
                ",".join(limits.preload),
                str(limits.cpu_seconds),
            ]
        )
        log = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        finally:
            os.close(log)
        sock_path = self.run / "zygote.sock"
        deadline = time.monotonic() + limits.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ZygoteError(f"zygote exited with {self.proc.returncode}: {self._log_tail()}")
            try:
                if stat.S_ISSOCK(os.lstat(sock_path).st_mode):
                    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    try:
                        conn.connect(str(sock_path))
                    except OSError:
                        conn.close()
                        raise
                    self._conn, self._reader = conn, conn.makefile("rb")
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise ZygoteError(f"zygote did not start within {limits.start_timeout:g} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            with open(self.log_path, "rb") as fh:
                return fh.read()[-500:].decode(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = self._reader = None
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        self.proc = None
        if self._run_fd is not None:
            try:
                empty_folder(self._run_fd)
            except OSError:
                pass
            os.close(self._run_fd)
            self._run_fd = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and self._conn is not None

    def new_kernel_folder(self) -> tuple[str, Path]:
        """A fresh, unpredictable folder for the next kernel: (name, host path)."""
        if not self.alive():
            self.start()
        name = f"k-{secrets.token_hex(8)}"
        os.mkdir(name, 0o700, dir_fd=self._run_fd)  # EEXIST rather than reuse anything
        return name, self.run / name

    def prepare_stage(self, workdir: str) -> None:
        """Staging folder := a copy of the submission's autograded folder (links kept as links)."""
        fd = _open_dir(self.stage)
        try:
            empty_folder(fd)
        finally:
            os.close(fd)
        shutil.copytree(workdir, self.stage, symlinks=True, dirs_exist_ok=True)

    def spawn(
        self, folder: str, connection_info: Mapping[str, Any], extra_argv: list[str], env: dict[str, str]
    ) -> ForkedKernel:
        if not self.alive() or self._conn is None:
            raise ZygoteError("the sandbox stopped before its kernel could be forked")
        info = dict(connection_info)
        for key, value in list(info.items()):
            if isinstance(value, bytes):
                info[key] = value.decode()
        # The kernel binds its ipc sockets in its own folder, /run/ukm/<folder> inside the sandbox.
        info["ip"] = f"{RUN}/{folder}/kernel"
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self._run_fd)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(CONNECTION_FILE, flags, 0o400, dir_fd=dir_fd)
            with os.fdopen(fd, "w") as fh:
                json.dump(info, fh)
        finally:
            os.close(dir_fd)
        request = {
            "conn": f"{RUN}/{folder}/{CONNECTION_FILE}",
            "argv": extra_argv,
            "env": {"UKM_STUDENT_ID": env.get("UKM_STUDENT_ID", "")},
        }
        try:
            self._conn.settimeout(self.limits.start_timeout)
            self._conn.sendall(json.dumps(request).encode() + b"\n")
            inner = json.loads(self._reader.readline())["pid"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.stop()
            raise ZygoteError(f"zygote did not fork a kernel: {exc}") from exc
        outer = self._outer_pid(inner)
        return ForkedKernel(self, outer)

    def wait_exited(self, timeout: float) -> bool:
        """The zygote's confirmation that the kernel exited and the sandbox was swept."""
        if self._conn is None:
            return False
        try:
            self._conn.settimeout(timeout)
            return "exited" in json.loads(self._reader.readline() or b"{}")
        except (OSError, ValueError):
            return False

    def after_kernel(self) -> None:
        """Remove the kernel's folder and anything else it left in the run folder."""
        if self._run_fd is not None:
            empty_folder(self._run_fd)

    def _outer_pid(self, inner: int) -> int:
        """Host PID of the sandbox process whose PID inside the namespace is ``inner``."""
        if self.proc is None:
            raise ZygoteError("the sandbox stopped before its kernel was found")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            assert self.proc is not None  # started before its children are looked for
            for proc in psutil.Process(self.proc.pid).children(recursive=True):
                try:
                    with open(f"/proc/{proc.pid}/status") as fh:
                        for line in fh:
                            if line.startswith("NSpid:"):
                                ids = line.split()[1:]
                                if len(ids) >= 2 and int(ids[-1]) == inner:
                                    return proc.pid
                except (OSError, ValueError):
                    continue
            time.sleep(0.01)
        self.stop()
        raise ZygoteError(f"forked kernel {inner} not found")


def _same_uid(proc: psutil.Process) -> bool:
    try:
        return proc.uids().real == os.getuid()
    except psutil.Error:
        return False


class ForkedKernel:
    """A kernel forked by the zygote, controlled by its host PID."""

    def __init__(self, sandbox: ZygoteSandbox, pid: int) -> None:
        self.sandbox, self.pid = sandbox, pid
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except OSError:
            self._pidfd = None
        self.finished = False

    def poll(self) -> int | None:
        if self._pidfd is None:
            return 0
        ready, _, _ = select.select([self._pidfd], [], [], 0)
        return 0 if ready else None

    def signal(self, signum: int) -> None:
        if self.poll() is not None:
            return
        try:
            os.killpg(self.pid, signum)  # the kernel is its own session/group leader
        except ProcessLookupError:
            pass
        except PermissionError:
            os.kill(self.pid, signum)

    def finish(self) -> None:
        """Wait for the zygote's sweep, then clear the run folder; tear the sandbox down without it."""
        if self.finished:
            return
        self.finished = True
        self.signal(signal.SIGKILL)
        ok = self.sandbox.wait_exited(self.sandbox.limits.exit_timeout)
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
        if ok:
            self.sandbox.after_kernel()
        else:
            self.sandbox.stop()


class PromptKernelClient(AsyncKernelClient):
    """Kernel client whose readiness check does not wait out 0.2 s quiet periods.

    jupyter_client confirms readiness with a kernel_info round trip and then waits until IOPub
    has been silent for 0.2 s (twice). The kernel is local, so once a kernel_info reply and an
    IOPub message for it have arrived the channels are known to work; a short drain suffices.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        from queue import Empty

        deadline = time.monotonic() + (timeout if timeout is not None else 60)
        if not self.channels_running:
            self.start_channels()
        while True:
            if time.monotonic() > deadline:
                raise RuntimeError("Kernel didn't respond in time")
            msg_id = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info") from None
                continue
            if reply["msg_type"] != "kernel_info_reply" or reply["parent_header"].get("msg_id") != msg_id:
                continue
            self._handle_kernel_info_reply(reply)
            # The busy/idle status of that request proves the IOPub subscription is live.
            try:
                await self.iopub_channel.get_msg(timeout=0.5)
                break
            except Empty:
                continue
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.01)
            except Empty:
                break


_SANDBOX: ZygoteSandbox | None = None


def configure(root: Path, limits: SandboxLimits) -> ZygoteSandbox:
    """Set up this worker process's zygote sandbox (used by every provisioner instance)."""
    global _SANDBOX
    if _SANDBOX is not None:
        _SANDBOX.stop()
    _SANDBOX = ZygoteSandbox(root, limits)
    return _SANDBOX


def shutdown() -> None:
    if _SANDBOX is not None:
        _SANDBOX.stop()


class ZygoteProvisioner(LocalProvisioner):
    """Kernel provisioner handing out kernels forked by the worker's sandboxed zygote."""

    kernel: ForkedKernel | None = None
    folder: str | None = None

    @property
    def has_process(self) -> bool:
        return self.kernel is not None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        if _SANDBOX is None:
            raise ZygoteError("the ukm-zygote provisioner runs only inside a grading worker")
        # The kernel's sockets go in its own fresh folder: the client connects there.
        self.folder, host_folder = _SANDBOX.new_kernel_folder()
        if self.parent is None:
            raise ZygoteError("the ukm-zygote provisioner needs its kernel manager")
        self.parent.ip = str(host_folder / "kernel")
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if _SANDBOX is None or self.folder is None:
            raise ZygoteError("the ukm-zygote provisioner runs only inside a grading worker")
        env = kwargs.get("env") or {}
        cwd = os.path.realpath(kwargs.get("cwd") or os.getcwd())
        expected = env.get("UKM_SANDBOX_WORKDIR") or os.environ.get("UKM_SANDBOX_WORKDIR")
        if not expected or cwd != expected:
            raise ZygoteError(f"refusing to run a kernel in {cwd} (expected {expected})")
        _SANDBOX.prepare_stage(cwd)
        # cmd = [wrapper, connection_file, *extra kernel arguments]
        self.kernel = _SANDBOX.spawn(self.folder, self.connection_info, list(cmd[2:]), env)
        self.pid = self.pgid = self.kernel.pid
        self.cwd = cwd
        return self.connection_info

    async def poll(self) -> int | None:
        return None if self.kernel is not None and self.kernel.poll() is None else 0

    async def wait(self) -> int | None:
        if self.kernel is None:
            return 0
        while self.kernel.poll() is None:
            await asyncio.sleep(0.02)
        self.kernel.finish()
        self.kernel = None
        return 0

    async def send_signal(self, signum: int) -> None:
        if self.kernel is not None:
            self.kernel.signal(signum)

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        if self.kernel is not None:
            self.kernel.finish()
            self.kernel = None
        await super().cleanup(restart=restart)

    def get_shutdown_wait_time(self, recommended: float = 5.0) -> float:
        return 2.0

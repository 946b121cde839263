"""Worker side of the warm kernels: a jupyter_client kernel provisioner backed by a sandboxed zygote.

nbgrader's Execute preprocessor starts kernels through jupyter_client; the engine's
``python3`` kernelspec names the ``ukm-zygote`` provisioner (entry point in pyproject), so the
unchanged nbgrader pipeline gets forked warm kernels by configuration alone.

For each kernel the provisioner empties the worker's scratch folder, copies the submission's
autograded folder into it (the kernel's working folder is ``/box`` inside the sandbox), writes
the kernel a private connection file, and asks the zygote (:mod:`.zygote`) to fork. It then
controls the kernel from outside the sandbox by its host PID (found through ``NSpid``): signals
for interrupts, SIGKILL for shutdown, a pidfd to see it exit. The zygote's "exited" reply
confirms the sandbox was swept before the next kernel; if that reply does not come, the whole
sandbox is torn down and a fresh one started.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psutil
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from ukm_tools.course.grading.sandbox import SandboxLimits, bwrap_base_args
from ukm_tools.course.grading.zygote import BOX, RUN

#: Modules a course notebook usually imports, preloaded into the zygote.
DEFAULT_PRELOAD = ("numpy", "pandas")


class ZygoteError(RuntimeError):
    pass


class ZygoteSandbox:
    """One worker's sandbox with its zygote; started lazily, restarted when broken."""

    def __init__(self, root: Path, limits: SandboxLimits, preload: tuple[str, ...] = DEFAULT_PRELOAD) -> None:
        self.root = Path(root)
        self.box = self.root / "box"
        self.run = self.root / "zrun"
        self.limits = limits
        self.preload = preload
        self.proc: subprocess.Popen | None = None
        self._count = 0

    @property
    def sock_path(self) -> Path:
        return self.run / "zygote.sock"

    def start(self) -> None:
        self.stop()
        self.box.mkdir(parents=True, exist_ok=True)
        self.run.mkdir(parents=True, exist_ok=True)
        import sys

        used = sum(p.num_threads() for p in psutil.process_iter() if _same_uid(p))
        args = bwrap_base_args() + [
            "--bind",
            str(self.box),
            BOX,
            "--bind",
            str(self.run),
            RUN,
            "--chdir",
            BOX,
            "--",
            "/usr/bin/prlimit",
            f"--as={self.limits.memory_bytes}",
            f"--cpu={self.limits.cpu_seconds * 100}",
            f"--nproc={used + self.limits.extra_processes}",
            f"--fsize={self.limits.file_bytes}",
            sys.executable,
            "-m",
            "ukm_tools.course.grading.zygote",
            f"{RUN}/zygote.sock",
            ",".join(self.preload),
            str(self.limits.cpu_seconds),
        ]
        log = open(self.run / "zygote.log", "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ZygoteError(f"zygote exited with {self.proc.returncode}: {self._log_tail()}")
            if self.sock_path.exists():
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                        probe.connect(str(self.sock_path))
                        probe.sendall(b"\n")  # an empty request: the zygote logs and drops it
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise ZygoteError("zygote did not start within 120 s")

    def _log_tail(self) -> str:
        try:
            return (self.run / "zygote.log").read_text(errors="replace")[-500:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def prepare_box(self, workdir: str) -> None:
        """Scratch folder := a copy of the submission's autograded folder (links kept as links)."""
        for entry in list(self.box.iterdir()):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        shutil.copytree(workdir, self.box, symlinks=True, dirs_exist_ok=True)

    def spawn(self, connection_info: Mapping[str, Any], extra_argv: list[str], env: dict[str, str]) -> ForkedKernel:
        if not self.alive():
            self.start()
        self._count += 1
        info = dict(connection_info)
        for key, value in list(info.items()):
            if isinstance(value, bytes):
                info[key] = value.decode()
        # The kernel binds its ipc sockets under /run/ukm = the client's <root>/zrun.
        info["ip"] = f"{RUN}/kernel"
        name = f"conn-{self._count}.json"
        (self.run / name).write_text(json.dumps(info))
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        try:
            sock.connect(str(self.sock_path))
            request = {
                "conn": f"{RUN}/{name}",
                "argv": extra_argv,
                "env": {"UKM_STUDENT_ID": env.get("UKM_STUDENT_ID", "")},
            }
            sock.sendall(json.dumps(request).encode() + b"\n")
            reader = sock.makefile("rb")
            inner = json.loads(reader.readline())["pid"]
        except (OSError, ValueError, KeyError) as exc:
            sock.close()
            self.stop()
            raise ZygoteError(f"zygote did not fork a kernel: {exc}") from exc
        outer = self._outer_pid(inner)
        return ForkedKernel(self, outer, sock, reader)

    def _outer_pid(self, inner: int) -> int:
        """Host PID of the sandbox process whose PID inside the namespace is ``inner``."""
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

    def __init__(self, sandbox: ZygoteSandbox, pid: int, sock: socket.socket, reader) -> None:
        self.sandbox, self.pid, self._sock, self._reader = sandbox, pid, sock, reader
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

    def finish(self, timeout: float = 10) -> None:
        """Wait for the zygote's sweep; tear the sandbox down if it does not report."""
        if self.finished:
            return
        self.finished = True
        self.signal(signal.SIGKILL)
        ok = False
        try:
            self._sock.settimeout(timeout)
            ok = "exited" in json.loads(self._reader.readline() or b"{}")
        except (OSError, ValueError):
            ok = False
        finally:
            self._sock.close()
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        if not ok:
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


def configure(root: Path, limits: SandboxLimits, preload: tuple[str, ...] = DEFAULT_PRELOAD) -> ZygoteSandbox:
    """Set up this worker process's zygote sandbox (used by every provisioner instance)."""
    global _SANDBOX
    if _SANDBOX is not None:
        _SANDBOX.stop()
    _SANDBOX = ZygoteSandbox(root, limits, preload)
    return _SANDBOX


def shutdown() -> None:
    if _SANDBOX is not None:
        _SANDBOX.stop()


class ZygoteProvisioner(LocalProvisioner):
    """Kernel provisioner handing out kernels forked by the worker's sandboxed zygote."""

    kernel: ForkedKernel | None = None

    @property
    def has_process(self) -> bool:
        return self.kernel is not None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if _SANDBOX is None:
            raise ZygoteError("the ukm-zygote provisioner runs only inside a grading worker")
        env = kwargs.get("env") or {}
        cwd = os.path.realpath(kwargs.get("cwd") or os.getcwd())
        expected = env.get("UKM_SANDBOX_WORKDIR") or os.environ.get("UKM_SANDBOX_WORKDIR")
        if not expected or cwd != expected:
            raise ZygoteError(f"refusing to run a kernel in {cwd} (expected {expected})")
        _SANDBOX.prepare_box(cwd)
        # cmd = [wrapper, connection_file, *extra kernel arguments]
        self.kernel = _SANDBOX.spawn(self.connection_info, list(cmd[2:]), env)
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

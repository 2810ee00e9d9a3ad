"""The worker's side of the kernel fork server (`zygote.py`): a kernel manager that asks the
fork server for its kernel when the kernel spec is this interpreter's ipykernel, and falls back
to an ordinary launch whenever the fork server cannot help.

Set JUPYTER_DEPLOY_FORK_KERNELS=0 to always launch kernels the ordinary way.
"""

import ast
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

FORK_REPLY_TIMEOUT_S = 120.0  # a preload of a large library ahead of the fork can take a while


def fork_enabled() -> bool:
    return os.environ.get("JUPYTER_DEPLOY_FORK_KERNELS", "1").strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    )


class ForkedKernel:
    """Enough of `subprocess.Popen` for LocalProvisioner, for a kernel that is the fork server's
    child rather than ours. Its exit status is not ours to collect, so it reads as -1."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._process = psutil.Process(pid)

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                gone = self._process.status() == psutil.STATUS_ZOMBIE
            except psutil.Error:
                gone = True
            if gone:
                self.returncode = -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        try:
            self._process.wait(timeout)
        except psutil.TimeoutExpired as exc:
            raise subprocess.TimeoutExpired(str(self.pid), timeout or 0) from exc
        except psutil.Error:
            pass
        self.returncode = -1 if self.returncode is None else self.returncode
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(psutil.Error):
                self._process.send_signal(signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkServerClient:
    """Owns one fork server process. Any failure retires it; the caller then launches the
    ordinary way, and the next kernel gets a fresh server."""

    def __init__(self, log: TextIO | None = None) -> None:
        self.log = log if log is not None else sys.stderr
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._pending = 0  # replies owed for preloads sent without waiting
        self.preloaded: set[str] = set()
        self.never: set[str] = set()  # modules that tainted a server

    def _say(self, text: str) -> None:
        print(f"fork server: {text}", file=self.log)

    def _start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_deploy.runs.zygote", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log if self.log is not sys.stderr else None,
            cwd=str(Path.home()),
        )
        self._proc, self._buffer, self._pending = proc, b"", 0
        if self._reply(FORK_REPLY_TIMEOUT_S) is None:
            raise OSError("the fork server did not start")
        if self.preloaded:
            # A replacement server picks up what its predecessor had learnt.
            self._send({"op": "preload", "modules": sorted(self.preloaded - self.never)})
            self._pending += 1
        return proc

    def _send(self, request: dict[str, Any]) -> None:
        assert self._proc is not None
        assert self._proc.stdin is not None
        self._proc.stdin.write((json.dumps(request) + "\n").encode())
        self._proc.stdin.flush()

    def _reply(self, timeout: float) -> dict[str, Any] | None:
        assert self._proc is not None
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        reply: dict[str, Any] = json.loads(line)
        return reply

    def _settle_preloads(self) -> None:
        while self._pending:
            reply = self._reply(FORK_REPLY_TIMEOUT_S)
            if reply is None:
                raise OSError("no reply to a preload")
            self._pending -= 1
            if reply.get("tainted"):
                self.never.update(reply["tainted"])
                self._say(f"retired: importing {', '.join(reply['tainted'])} started threads")
                self.close()
                return

    def preload(self, modules: list[str]) -> None:
        """Ask the server to import these for the kernels it forks next, without waiting."""
        wanted = sorted(set(modules) - self.preloaded - self.never)
        if not wanted:
            return
        self.preloaded.update(wanted)
        try:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            self._send({"op": "preload", "modules": wanted})
            self._pending += 1
        except (OSError, ValueError) as exc:
            self._say(f"preload failed: {exc}")
            self.close()

    def fork(self, args: list[str], env: dict[str, str], cwd: str | None) -> ForkedKernel | None:
        try:
            self._settle_preloads()
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            self._send({"op": "fork", "args": args, "env": env, "cwd": cwd})
            reply = self._reply(FORK_REPLY_TIMEOUT_S)
            if reply is None:
                raise OSError("no reply to a fork")
            if "pid" not in reply:
                raise OSError(reply.get("error", "fork refused"))
            return ForkedKernel(int(reply["pid"]))
        except (OSError, ValueError, psutil.Error) as exc:
            self._say(f"{exc}; launching the kernel the ordinary way")
            self.close()
            return None

    def close(self) -> None:
        # The server holds nothing worth a polite exit (its kernels are stopped by their
        # managers), and unloading the libraries it preloaded would only slow the owner's exit.
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


def _forkable(cmd: list[str]) -> bool:
    """This interpreter running ipykernel: the only kernel a fork of this interpreter can be."""
    if len(cmd) < 4 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return False
    try:
        return os.path.samefile(cmd[0], sys.executable)
    except OSError:
        return False


class ForkingKernelManager(AsyncKernelManager):
    """jupyter_client's documented override point for launching kernels differently."""

    fork_server: ForkServerClient | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        provisioner = self.provisioner
        if (
            self.fork_server is not None
            and type(provisioner) is LocalProvisioner
            and _forkable(kernel_cmd)
        ):
            env = kw.get("env") or dict(os.environ)
            cwd = kw.get("cwd")
            process = self.fork_server.fork(kernel_cmd[3:], dict(env), str(cwd) if cwd else None)
            if process is not None:
                provisioner.process = process  # type: ignore[assignment]
                provisioner.pid = process.pid
                provisioner.pgid = process.pid  # the kernel leads its own session
                provisioner.cwd = cwd or Path.cwd()
                self._reconcile_connection_info(provisioner.connection_info)
                return
        await super()._async_launch_kernel(kernel_cmd, **kw)


def notebook_imports(notebook: dict[str, Any]) -> list[str]:
    """Modules the notebook imports at the top level of its code cells, in order."""
    names: list[str] = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        # IPython magics and shell escapes are not Python; blank them out, keep line numbers.
        lines = ["" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines()]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in _top_level(tree.body):
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.append(node.module)
    return list(dict.fromkeys(names))


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    nodes: list[ast.stmt] = []
    for node in body:
        nodes.append(node)
        if isinstance(node, ast.Try):  # `try: import x` / `except ImportError:` fallbacks
            nodes.extend(_top_level(node.body))
    return nodes

"""Benchmark: jupyter_deploy Runs (issue 3, "Performance") against papermill.

In one run, for a trivial two-cell notebook and for the example project's ``train.ipynb``:

* ``papermill-cli``  N sequential ``papermill`` command-line runs (one process + one kernel each);
* ``execute_nb``     N ``papermill.execute_notebook`` calls in a loop in this (warm) process;
* ``cells``          the notebook's code cells executed N times on ONE running kernel: the cells'
                     own execution time, the baseline the product's overhead is measured from;
* ``product``        ``jupyter deploy sweep NOTEBOOK -p P 0,...,N-1 --concurrency C --json``;
                     run again with the kernel fork server off (JUPYTER_DEPLOY_FORK_KERNELS=0).

Goal (issue 3): product per-run overhead = sweep wall / N - cells per run
                ≤ 25 % of the papermill CLI per-run time measured here.

Usage::

    python benchmarks/bench_runs.py [--runs 20] [--concurrency 2] [--json out.json]

Exit codes: 0 measured (goal PASS or MISS is in the report, not in the exit code), 1 a run failed
(a benchmark of failed runs is worthless), 2 bad command line, 3 the product's ``jupyter deploy
sweep`` is not available (peers measured; pass ``--peers-only`` to make that expected).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
BIN = Path(sys.executable).parent
GOAL_RATIO = 0.25
KERNEL_READY_TIMEOUT = 120.0
CELL_TIMEOUT = 600.0
# Generous: only here so that a hung child can never hang the benchmark forever.
PROCESS_TIMEOUT = 3600.0
# Files a previous run may have left in examples/; never copied into the benchmark project.
GENERATED = (".jupyter_deploy", "deploy-runs", "model", "metrics.json", ".ipynb_checkpoints")


class BenchError(Exception):
    """A measured run failed or the product's answer could not be verified."""


@dataclass(frozen=True)
class Case:
    """One notebook under test and the parameters each run gets."""

    key: str
    notebook: str  # relative to the project folder
    swept: str  # parameter that takes the values 0..N-1, one per run
    fixed: dict[str, int] = field(default_factory=dict)  # same value in every run

    def parameters(self, i: int) -> dict[str, int]:
        return {self.swept: i, **self.fixed}


CASES = (
    Case("trivial", "trivial.ipynb", "x"),
    Case("train", "train.ipynb", "random_state", {"n_estimators": 10}),
)


# --------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def version_of(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's warning, not a cost
    return env


def cpu_children() -> float:
    """CPU seconds (user + system) of all reaped descendants: a child's tree once it exits."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cpu_self_and_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime + cpu_children()


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    started_epoch: float  # time.time() at launch and at exit: to place the product's timestamps
    ended_epoch: float
    cpu_s: float  # CPU of the command's whole (reaped) process tree: its kernels included


def run_cmd(
    cmd: Sequence[str],
    cwd: Path,
    timeout: float = PROCESS_TIMEOUT,
    extra_env: dict[str, str] | None = None,
) -> Completed:
    """Run a command in its own process group; time it; kill the whole group on timeout."""
    start = time.perf_counter()
    started_epoch = time.time()
    cpu_before = cpu_children()
    with subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env={**child_env(), **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(cmd)}") from None
    wall = time.perf_counter() - start
    cpu = cpu_children() - cpu_before
    return Completed(proc.returncode, out, err, wall, started_epoch, time.time(), cpu)


def summary(times: Sequence[float], cpu: Sequence[float] = ()) -> dict[str, Any]:
    extra = {"cpu_total_s": sum(cpu), "cpu_mean_s": statistics.fmean(cpu)} if cpu else {}
    return {
        **extra,
        "n": len(times),
        "total_s": sum(times),
        "mean_s": statistics.fmean(times),
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "stdev_s": statistics.stdev(times) if len(times) > 1 else 0.0,
        "each_s": list(times),
    }


def product_revision() -> str:
    """The checkout's commit (read-only git), marked `+dirty` if jupyter_deploy/ has changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "jupyter_deploy"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+dirty" if dirty else head


def machine_notes() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    mem_gib: float | None = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": mem_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "product_revision": product_revision(),
        "load_avg_at_start": list(os.getloadavg()),
        # Affects every interpreter start-up: modules without a cached .pyc compile each time.
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        "versions": {
            d: version_of(d)
            for d in (
                "papermill",
                "nbclient",
                "nbformat",
                "ipykernel",
                "jupyter_client",
                "scikit-learn",
                "jupyter_deploy",
            )
        },
    }


# --------------------------------------------------------------------------- project


def code_cell(cell_id: str, source: str, tags: Sequence[str] = ()) -> dict[str, Any]:
    metadata: dict[str, Any] = {"tags": list(tags)} if tags else {}
    return {
        "id": cell_id,
        "cell_type": "code",
        "execution_count": None,
        "metadata": metadata,
        "outputs": [],
        "source": source,
    }


def write_trivial_notebook(path: Path) -> None:
    """Two code cells: `x = 1` (tagged `parameters`) and `y = x * 2`; nbformat 4."""
    nb = {
        "cells": [
            code_cell("parameters", "x = 1", ["parameters"]),
            code_cell("double", "y = x * 2"),
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1) + "\n")


def make_project(dest: Path) -> Path:
    """A copy of examples/ (a project: it holds jupyter-deploy.yaml) plus trivial.ipynb.

    The product runs any notebook inside a project folder, so the config needs no change.
    """
    shutil.copytree(EXAMPLES, dest, ignore=shutil.ignore_patterns(*GENERATED))
    write_trivial_notebook(dest / "trivial.ipynb")
    if not (dest / "jupyter-deploy.yaml").is_file():
        raise BenchError(f"{EXAMPLES} has no jupyter-deploy.yaml")
    return dest


# --------------------------------------------------------------------------- peers


def bench_papermill_cli(case: Case, project: Path, out_dir: Path, n: int) -> dict[str, Any]:
    times: list[float] = []
    cpu: list[float] = []
    for i in range(n):
        cmd = [
            str(BIN / "papermill"),
            case.notebook,
            str(out_dir / f"cli-{case.key}-{i:03d}.ipynb"),
        ]
        for name, value in case.parameters(i).items():
            cmd += ["-p", name, str(value)]
        done = run_cmd(cmd, cwd=project)
        if done.returncode != 0:
            raise BenchError(f"papermill CLI run {i} failed ({done.returncode}):\n{done.stderr}")
        times.append(done.wall_s)
        cpu.append(done.cpu_s)
    return summary(times, cpu)


def bench_execute_notebook(case: Case, project: Path, out_dir: Path, n: int) -> dict[str, Any]:
    import papermill  # imported here, once: the process is warm from then on

    cpu: list[float] = []

    def one(i: int, tag: str) -> float:
        cpu_before = cpu_self_and_children()
        start = time.perf_counter()
        papermill.execute_notebook(
            str(project / case.notebook),
            str(out_dir / f"exec-{case.key}-{tag}.ipynb"),
            parameters=case.parameters(i),
            cwd=str(project),
            progress_bar=False,
        )
        wall = time.perf_counter() - start
        cpu.append(cpu_self_and_children() - cpu_before)
        return wall

    warmup = one(0, "warmup")  # first call pays papermill/nbclient lazy imports; not counted
    cpu.clear()
    result = summary([one(i, f"{i:03d}") for i in range(n)], cpu)
    result["warmup_s"] = warmup
    return result


def code_cells(path: Path, injected: str) -> list[str]:
    """The notebook's code cells, with papermill's injected-parameters cell after `parameters`."""
    nb = json.loads(path.read_text())
    cells: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"]
        cells.append(source if isinstance(source, str) else "".join(source))
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cells.append(injected)
    return cells


class Kernel:
    """One running kernel (jupyter_client), for the cells baseline and kernel start timing."""

    def __init__(self, cwd: Path) -> None:
        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=KERNEL_READY_TIMEOUT)
        except BaseException:
            self.close()
            raise

    def run(self, code: str) -> None:
        errors: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            if msg["header"]["msg_type"] == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        reply = self.kc.execute_interactive(
            code, timeout=CELL_TIMEOUT, output_hook=hook, store_history=True
        )
        if reply["content"]["status"] != "ok" or errors:
            raise BenchError(f"cell failed: {errors or reply['content']}\n{code[:200]}")

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)


def bench_cells(case: Case, project: Path, n: int) -> dict[str, Any]:
    kernel = Kernel(project)
    try:
        times: list[float] = []
        for i in range(n):
            injected = "\n".join(f"{k} = {v!r}" for k, v in case.parameters(i).items())
            cells = code_cells(project / case.notebook, injected)
            start = time.perf_counter()
            for code in cells:
                kernel.run(code)
            times.append(time.perf_counter() - start)
    finally:
        kernel.close()
    result = summary(times)
    # The first run on the kernel pays the notebook's imports (sklearn for train); later ones
    # find them in sys.modules. A fresh kernel per run pays them every time.
    result["first_s"] = times[0]
    result["rest_mean_s"] = statistics.fmean(times[1:]) if n > 1 else times[0]
    return result


def bench_kernel_start_stop(cwd: Path, n: int) -> dict[str, Any]:
    """Start a bare kernel, wait until it answers, shut it down: what each papermill run pays."""
    times: list[float] = []
    for _ in range(n):
        start = time.perf_counter()
        Kernel(cwd).close()
        times.append(time.perf_counter() - start)
    return summary(times)


def bench_command_startup(cmd: Sequence[str], cwd: Path, n: int) -> dict[str, Any]:
    """A command that only starts and exits (`--version`): interpreter + import cost."""
    times: list[float] = []
    for _ in range(n):
        done = run_cmd(cmd, cwd=cwd, timeout=300)
        if done.returncode != 0:
            raise BenchError(f"`{' '.join(cmd)}` exited {done.returncode}: {done.stderr}")
        times.append(done.wall_s)
    result = summary(times)
    result["command"] = " ".join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd))
    return result


# --------------------------------------------------------------------------- product


def product_available() -> tuple[bool, str]:
    jupyter = BIN / "jupyter"
    if not jupyter.exists():
        return False, f"{jupyter} not found"
    done = run_cmd([str(jupyter), "deploy", "sweep", "--help"], cwd=REPO, timeout=120)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return False, lines[-1] if lines else f"exit code {done.returncode}"
    return True, "ok"


def parse_json_output(text: str, what: str) -> Any:
    """The command's JSON; tolerate lines printed before it (progress on stdout, say)."""
    text = text.strip()
    with contextlib.suppress(json.JSONDecodeError):
        return json.loads(text)
    for i, ch in enumerate(text):
        if ch in "{[" and (i == 0 or text[i - 1] == "\n"):
            with contextlib.suppress(json.JSONDecodeError):
                return json.loads(text[i:])
    raise BenchError(f"{what}: no JSON in its output:\n{text[:2000]}")


def runs_of(obj: Any) -> list[dict[str, Any]]:
    if isinstance(obj, list):
        return [r for r in obj if isinstance(r, dict)]
    if isinstance(obj, dict) and isinstance(obj.get("runs"), list):
        return [r for r in obj["runs"] if isinstance(r, dict)]
    return []


def parse_time(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def verify_runs(case: Case, runs: list[dict[str, Any]], n: int, source: str) -> None:
    bad = [r for r in runs if r.get("status") != "succeeded"]
    if bad:
        detail = "; ".join(f"{r.get('id')}: {r.get('status')} {r.get('error')}" for r in bad[:5])
        raise BenchError(f"{source}: {len(bad)} of {len(runs)} runs did not succeed: {detail}")
    if len(runs) != n:
        raise BenchError(f"{source}: expected {n} runs, found {len(runs)}")
    seen = sorted(int(r.get("parameters", {}).get(case.swept, -1)) for r in runs)
    if seen != list(range(n)):
        raise BenchError(f"{source}: runs had {case.swept} = {seen}, expected 0..{n - 1}")
    for r in runs:
        for name, value in case.fixed.items():
            if r.get("parameters", {}).get(name) != value:
                raise BenchError(f"{source}: run {r.get('id')} has {name}={r.get('parameters')}")


def bench_product(
    case: Case, project: Path, n: int, concurrency: int, fork: bool = True
) -> dict[str, Any]:
    jupyter = str(BIN / "jupyter")
    cmd = [
        jupyter,
        "deploy",
        "sweep",
        case.notebook,
        "-p",
        case.swept,
        ",".join(map(str, range(n))),
    ]
    for name, value in case.fixed.items():
        cmd += ["-p", name, str(value)]
    cmd += ["--concurrency", str(concurrency), "--json"]
    # fork=False: every kernel launched as papermill would, to measure what the fork server buys.
    done = run_cmd(
        cmd, cwd=project, extra_env={"JUPYTER_DEPLOY_FORK_KERNELS": "1" if fork else "0"}
    )
    if done.returncode != 0:
        raise BenchError(
            f"`{' '.join(cmd[1:])}` exited {done.returncode}:\n{done.stderr[-3000:]}"
            f"\n{done.stdout[-3000:]}"
        )
    answer = parse_json_output(done.stdout, "jupyter deploy sweep --json")
    sweep: dict[str, Any] | None = None
    if isinstance(answer, dict):  # {"sweep": Sweep, "runs": [...]}, or a bare Sweep
        bare = str(answer.get("id", "")).startswith("s-")
        sweep = answer if bare else answer.get("sweep")
    runs = runs_of(answer)
    sweep_id = (sweep or {}).get("id") or next((r.get("sweep_id") for r in runs), None)
    if not sweep_id:
        raise BenchError(f"sweep --json names no sweep id:\n{done.stdout[:2000]}")
    if runs:
        verify_runs(case, runs, n, "sweep --json")

    # Cross-check with the store, as a user would see it.
    listed = run_cmd([jupyter, "deploy", "runs", "--json"], cwd=project, timeout=300)
    if listed.returncode != 0:
        raise BenchError(f"`deploy runs --json` exited {listed.returncode}:\n{listed.stderr}")
    listing = parse_json_output(listed.stdout, "jupyter deploy runs --json")
    stored = [r for r in runs_of(listing) if r.get("sweep_id") == sweep_id]
    verify_runs(case, stored, n, "runs --json")
    stored_sweep = next(
        (
            sw
            for sw in (listing.get("sweeps") or [] if isinstance(listing, dict) else [])
            if isinstance(sw, dict) and sw.get("id") == sweep_id
        ),
        None,
    )
    stored_counts = (stored_sweep or {}).get("counts")
    if isinstance(stored_counts, dict) and stored_counts.get("succeeded") != n:
        raise BenchError(f"runs --json: sweep {sweep_id} counts {stored_counts}, expected {n} ok")

    durations = [float(r["duration_s"]) for r in stored if r.get("duration_s") is not None]
    created = [t for t in (parse_time(r.get("created_at")) for r in stored) if t is not None]
    starts = [t for t in (parse_time(r.get("started_at")) for r in stored) if t is not None]
    ends = [t for t in (parse_time(r.get("finished_at")) for r in stored) if t is not None]
    # Where the CLI's wall time goes, from the store's timestamps (same clock, ms resolution):
    # start-up until the runs are recorded, the runs themselves, then exit.
    timeline = None
    if created and starts and ends:
        timeline = {
            "cli_startup_s": min(created) - done.started_epoch,
            "first_run_queue_s": min(starts) - min(created),
            "runs_span_s": max(ends) - min(starts),
            "cli_exit_s": done.ended_epoch - max(ends),
        }
    return {
        "command": " ".join(["jupyter", *cmd[1:]]),
        "sweep_id": sweep_id,
        "succeeded": len(stored),
        "wall_s": done.wall_s,
        "per_run_s": done.wall_s / n,
        "cpu_total_s": done.cpu_s,
        "cpu_per_run_s": done.cpu_s / n,
        "run_duration_mean_s": statistics.fmean(durations) if durations else None,
        "run_duration_sum_s": sum(durations) if durations else None,
        "timeline": timeline,
        "counts_in_sweep_output": (sweep or {}).get("counts"),
        "counts_in_store": stored_counts,
    }


# --------------------------------------------------------------------------- report


def analyse(result: dict[str, Any]) -> None:
    """Per-run figures, ratios to papermill CLI, and the goal verdict (in place)."""
    cli = result["papermill_cli"]["mean_s"]
    cells = result["cells"]["mean_s"]
    per_run = {
        "papermill_cli": cli,
        "execute_notebook": result["execute_notebook"]["mean_s"],
        "cells": cells,
    }
    no_fork = result.get("product_no_fork")
    if isinstance(no_fork, dict) and "per_run_s" in no_fork:
        per_run["product_no_fork"] = no_fork["per_run_s"]
        result["no_fork_overhead_over_papermill_cli"] = (no_fork["per_run_s"] - cells) / cli
    product = result.get("product")
    if isinstance(product, dict) and "per_run_s" in product:
        per_run["product"] = product["per_run_s"]
        overhead = product["per_run_s"] - cells
        ratio = overhead / cli
        result["goal"] = {
            "overhead_s": overhead,
            "overhead_over_papermill_cli": ratio,
            "target": GOAL_RATIO,
            "verdict": "PASS" if ratio <= GOAL_RATIO else "MISS",
        }
    else:
        result["goal"] = {"verdict": "PENDING", "target": GOAL_RATIO}
    result["per_run_s"] = per_run
    result["ratio_to_papermill_cli"] = {k: v / cli for k, v in per_run.items()}


def print_table(key: str, result: dict[str, Any], n: int, concurrency: int) -> None:
    nb = result["notebook"]
    print(f"\n## {key}: {nb}  ({n} runs; params {result['params_example']})")
    print(f"{'method':<36}{'total s':>10}{'per run s':>11}{'x papermill CLI':>17}{'CPU s/run':>11}")
    ratio = result["ratio_to_papermill_cli"]
    rows: list[tuple[str, str, dict[str, Any]]] = [
        ("papermill CLI, sequential", "papermill_cli", result["papermill_cli"]),
        ("papermill.execute_notebook, loop", "execute_notebook", result["execute_notebook"]),
        ("cells on one running kernel", "cells", result["cells"]),
    ]
    for label, k, fig in rows:
        cpu = f"{fig['cpu_mean_s']:>11.3f}" if "cpu_mean_s" in fig else f"{'—':>11}"
        per = result["per_run_s"][k]
        print(f"{label:<36}{fig['total_s']:>10.2f}{per:>11.3f}{ratio[k]:>16.3f}x{cpu}")
    product = result.get("product")
    label = f"product sweep, concurrency {concurrency}"
    if isinstance(product, dict) and "per_run_s" in product:
        print(
            f"{label:<36}{product['wall_s']:>10.2f}{product['per_run_s']:>11.3f}"
            f"{ratio['product']:>16.3f}x{product['cpu_per_run_s']:>11.3f}"
        )
    else:
        reason = product.get("reason", "") if isinstance(product, dict) else ""
        print(f"{label:<36}{'pending':>10}{'—':>11}{'—':>17}{'—':>11}   ({reason})")
    no_fork = result.get("product_no_fork")
    if isinstance(no_fork, dict) and "per_run_s" in no_fork:
        print(
            f"{'  same, fork server off':<36}{no_fork['wall_s']:>10.2f}"
            f"{no_fork['per_run_s']:>11.3f}"
            f"{ratio['product_no_fork']:>16.3f}x{no_fork['cpu_per_run_s']:>11.3f}"
        )
    cells = result["cells"]
    print(
        f"  cells detail: first run {cells['first_s']:.3f} s (cold imports), "
        f"later runs {cells['rest_mean_s']:.3f} s; execute_notebook warm-up call "
        f"{result['execute_notebook']['warmup_s']:.2f} s (not counted)"
    )
    if isinstance(product, dict) and product.get("timeline"):
        tl = product["timeline"]
        print(
            f"  product timeline: CLI start-up {tl['cli_startup_s']:.2f} s, first run queued"
            f" {tl['first_run_queue_s']:.2f} s, runs {tl['runs_span_s']:.2f} s (each run"
            f" {product['run_duration_mean_s']:.2f} s on average),"
            f" CLI exit {tl['cli_exit_s']:.2f} s"
        )
    goal = result["goal"]
    if goal["verdict"] == "PENDING":
        print(f"  goal: overhead ≤ {GOAL_RATIO:.0%} of papermill CLI per run → PENDING")
    else:
        print(
            f"  product overhead per run = {result['per_run_s']['product']:.3f}"
            f" - {cells['mean_s']:.3f}"
            f" = {goal['overhead_s']:.3f} s = {goal['overhead_over_papermill_cli']:.1%} of"
            f" papermill CLI ({result['per_run_s']['papermill_cli']:.3f} s);"
            f" goal ≤ {GOAL_RATIO:.0%} → {goal['verdict']}"
        )
        if "no_fork_overhead_over_papermill_cli" in result:
            print(
                "  with the fork server off, overhead ="
                f" {result['no_fork_overhead_over_papermill_cli']:.1%} of papermill CLI"
            )


def print_notes(notes: dict[str, Any]) -> None:
    v = notes["versions"]
    print("# jupyter_deploy Runs benchmark")
    print(f"date       {notes['date']}")
    print(f"machine    {notes['cores']} cores, {notes['cpu_model']}, {notes['memory_gib']} GiB RAM")
    print(f"os         {notes['os']}")
    print(f"python     {notes['python']} ({notes['python_executable']})")
    print(f"product    jupyter_deploy at {notes['product_revision']}")
    print("versions   " + ", ".join(f"{k} {val}" for k, val in v.items()))
    print(f"load avg   {' '.join(f'{x:.2f}' for x in notes['load_avg_at_start'])} at start")
    if notes["PYTHONDONTWRITEBYTECODE"]:
        print("env        PYTHONDONTWRITEBYTECODE is set (no .pyc written)")


# --------------------------------------------------------------------------- main


def timed_step(label: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    log(f"{label} …")
    start = time.perf_counter()
    out = fn()
    log(f"{label}: done in {time.perf_counter() - start:.1f} s")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20, help="runs per method (default 20)")
    parser.add_argument("--concurrency", type=int, default=2, help="product sweep concurrency")
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    parser.add_argument(
        "--kernel-starts",
        type=int,
        default=10,
        help="samples of a bare kernel start+stop and of each CLI's start-up (default 10)",
    )
    parser.add_argument(
        "--only", choices=[c.key for c in CASES], action="append", help="only this notebook"
    )
    parser.add_argument(
        "--peers-only", action="store_true", help="skip the product (measure papermill only)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--no-fork-row",
        action="store_true",
        help="skip the extra product sweep with the kernel fork server turned off",
    )
    args = parser.parse_args(argv)
    if args.runs < 2 or args.concurrency < 1 or args.kernel_starts < 1:
        parser.error("--runs must be ≥ 2, --concurrency and --kernel-starts ≥ 1")

    notes = machine_notes()
    print_notes(notes)
    available, why = (False, "skipped (--peers-only)") if args.peers_only else product_available()
    if not available:
        log(f"product: pending — `jupyter deploy sweep` unavailable: {why}")

    report: dict[str, Any] = {
        "benchmark": "jupyter_deploy runs vs papermill (issue 3, Performance)",
        "machine": notes,
        "settings": {"runs": args.runs, "concurrency": args.concurrency, "goal": GOAL_RATIO},
        "notebooks": {},
    }
    tmp = Path(tempfile.mkdtemp(prefix="bench-runs-"))
    exit_code = 0
    try:
        # Two identical copies: papermill and the cells baseline write the example's outputs
        # into theirs; the product's project stays as a user would have it.
        peers = make_project(tmp / "peers")
        product_project = make_project(tmp / "project")
        out_dir = tmp / "out"
        out_dir.mkdir()
        report["kernel_start_stop"] = timed_step(
            f"bare kernel start+stop x{args.kernel_starts}",
            partial(bench_kernel_start_stop, peers, args.kernel_starts),
        )
        report["startup"] = {
            "papermill": timed_step(
                f"papermill --version x{args.kernel_starts}",
                partial(
                    bench_command_startup,
                    [str(BIN / "papermill"), "--version"],
                    peers,
                    args.kernel_starts,
                ),
            ),
            "jupyter_deploy": timed_step(
                f"jupyter deploy --version x{args.kernel_starts}",
                partial(
                    bench_command_startup,
                    [str(BIN / "jupyter"), "deploy", "--version"],
                    peers,
                    args.kernel_starts,
                ),
            ),
        }
        for case in CASES:
            if args.only and case.key not in args.only:
                continue
            result: dict[str, Any] = {
                "notebook": case.notebook,
                "params_example": case.parameters(0),
            }
            n = args.runs
            result["cells"] = timed_step(
                f"{case.key}: cells x{n} on one kernel", partial(bench_cells, case, peers, n)
            )
            result["papermill_cli"] = timed_step(
                f"{case.key}: papermill CLI x{n}",
                partial(bench_papermill_cli, case, peers, out_dir, n),
            )
            result["execute_notebook"] = timed_step(
                f"{case.key}: execute_notebook x{n}",
                partial(bench_execute_notebook, case, peers, out_dir, n),
            )
            if available:
                result["product"] = timed_step(
                    f"{case.key}: product sweep x{n} (concurrency {args.concurrency})",
                    partial(bench_product, case, product_project, n, args.concurrency),
                )
                if not args.no_fork_row:
                    result["product_no_fork"] = timed_step(
                        f"{case.key}: product sweep x{n}, fork server off",
                        partial(bench_product, case, product_project, n, args.concurrency, False),
                    )
            else:
                result["product"] = {"status": "pending", "reason": why}
            analyse(result)
            report["notebooks"][case.key] = result
            print_table(case.key, result, n, args.concurrency)
        ks = report["kernel_start_stop"]
        print(
            f"\nbare kernel start + stop (jupyter_client, python3): mean {ks['mean_s']:.3f} s,"
            f" median {ks['median_s']:.3f} s over {ks['n']}"
        )
        for su in report["startup"].values():
            print(f"command start-up only (`{su['command']}`): mean {su['mean_s']:.3f} s")
        if not available:
            exit_code = 3 if not args.peers_only else 0
    except BenchError as exc:
        print(f"\nBENCHMARK FAILED: {exc}", file=sys.stderr)
        report["failure"] = str(exc)
        exit_code = 1
    finally:
        report["exit_code"] = exit_code
        report["machine"]["load_avg_at_end"] = list(os.getloadavg())
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n")
            log(f"figures written to {args.json}")
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

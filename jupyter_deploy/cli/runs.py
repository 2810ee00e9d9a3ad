"""`jupyter deploy run | sweep | runs | cancel`: parameterized runs from a terminal or CI."""

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from .. import identity, safe_json
from ..config import CONFIG_FILE_NAME, find_project
from ..contract.runs import Run, RunList, Sweep
from ..errors import InvalidInput, NotFound
from ..fields import Concurrency, PathText, RunId, Seconds, Text, check
from ..project import open_project
from ..runs import Limits, RunService
from ..runs.records import STATUSES
from .arguments import typed
from .doctor import existing_dir
from .progress import Progress

_path = typed(PathText, "path")


def _project_of(notebook: str) -> tuple[Path, str]:
    path = Path(notebook).expanduser().resolve()
    if not path.is_file():
        raise NotFound(f"notebook {notebook!r} does not exist")
    project = find_project(path.parent)
    if project is None:
        raise InvalidInput(f"{notebook} is not inside a project (no {CONFIG_FILE_NAME} above it)")
    return project, path.relative_to(project).as_posix()


def project_option(parser: argparse.ArgumentParser) -> None:
    """`--project DIR`, read back by `project_dir`."""
    parser.add_argument(
        "--project", type=existing_dir, default=Path.cwd(), help="project folder (default: here)"
    )


def project_dir(args: argparse.Namespace) -> Path:
    project = find_project(args.project)
    if project is None:
        raise InvalidInput(f"no {CONFIG_FILE_NAME} in {args.project} or the folders above it")
    return project


def _value(name: str, text: str) -> Any:
    """A value typed on the command line: JSON when it parses (3, 0.5, true, "x"), else a
    string; either way bounded and free of what JSON cannot carry on (NaN, lone surrogates),
    like a REST body."""
    try:
        return safe_json.loads(text)
    except safe_json.NotJson:
        return check(Text, text, name)
    except safe_json.JsonProblem as problem:
        raise InvalidInput(f"{name}: {problem.what}") from None


def _single_values(pairs: list[list[str]]) -> dict[str, Any]:
    return {name: _value(name, value) for name, value in pairs}


def _sweep_values(pairs: list[list[str]]) -> dict[str, list[Any]]:
    values: dict[str, list[Any]] = {}
    for name, text in pairs:
        parsed = _value(name, text) if text.lstrip().startswith("[") else None
        options = parsed if isinstance(parsed, list) else [_value(name, v) for v in text.split(",")]
        values[name] = options
    return values


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(cell_timeout=args.cell_timeout, time_limit=args.time_limit)


async def _execute(project: Path, launch: Any, json_out: bool) -> int:
    async with open_project(project) as opened:
        service = opened.runs
        sweep, runs = await launch(service)
        progress = Progress(len(runs))
        if not json_out or sys.stderr.isatty():
            opened.events.subscribe(lambda topic, run: progress(run) if topic == "run" else None)
        ids = [r["id"] for r in runs]
        try:
            await service.wait(ids)
        except asyncio.CancelledError:
            for run_id in ids:
                await service.cancel(run_id)
            raise
        finally:
            progress.close()
        final = [service.get(i) for i in ids]
        if sweep is not None:  # the counts as they are now, not as they were at submission
            sweep = service.sweep_dict(service.records.sweep(sweep["id"]) or sweep)
    if json_out:
        print(safe_json.dumps({"sweep": sweep, "runs": final} if sweep else final[0], indent=2))
    else:
        _print_table(final)
    return 0 if all(r["status"] == "succeeded" for r in final) else 1


def cmd_run(args: argparse.Namespace) -> int:
    project, notebook = _project_of(args.notebook)
    values, limits = _single_values(args.parameter), _limits(args)

    async def launch(service: RunService) -> tuple[None, list[Run]]:
        run = await service.start_run(
            notebook, values, user=identity.resolve(project).name, limits=limits
        )
        return None, [run]

    return asyncio.run(_execute(project, launch, args.json))


def cmd_sweep(args: argparse.Namespace) -> int:
    project, notebook = _project_of(args.notebook)
    if not args.parameter:
        raise InvalidInput("a sweep needs at least one -p NAME V1,V2,...")
    values, limits = _sweep_values(args.parameter), _limits(args)

    async def launch(service: RunService) -> tuple[Sweep, list[Run]]:
        return await service.start_sweep(
            notebook,
            values,
            mode="zip" if args.zip else "grid",
            user=identity.resolve(project).name,
            limits=limits,
            concurrency=args.concurrency,
        )

    return asyncio.run(_execute(project, launch, args.json))


def _short(values: dict[str, Any], limit: int = 40) -> str:
    text = " ".join(f"{k}={json.dumps(v)}" for k, v in values.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: object) -> float:
    """A metric the sort kept for being a number."""
    assert isinstance(value, int | float)
    return float(value)


def _print_table(runs: list[Run]) -> None:
    if not runs:
        print("No runs yet. Start one with: jupyter deploy run NOTEBOOK -p NAME VALUE")
        return
    metric_names = sorted({m for r in runs for m in r["metrics"]})[:4]
    header = ["RUN", "STATUS", "PARAMETERS", *metric_names, "SECONDS"]
    rows = []
    for run in runs:
        metrics = [
            f"{run['metrics'][m]:.4g}"
            if isinstance(run["metrics"].get(m), float)
            else str(run["metrics"].get(m, ""))
            for m in metric_names
        ]
        seconds = f"{run['duration_s']:.1f}" if run["duration_s"] is not None else ""
        rows.append([run["id"], run["status"], _short(run["parameters"]), *metrics, seconds])
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    for line in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    for run in runs:
        if run["error"]:
            e = run["error"]
            where = f" (cell {e['cell_index']})" if e.get("cell_index") is not None else ""
            print(f"{run['id']}: {e['kind']}{where}: {e['ename']}: {e['evalue']}")


def cmd_runs(args: argparse.Namespace) -> int:
    async def read() -> RunList:
        async with open_project(project_dir(args)) as opened:
            opened.runs.reconcile()
            return opened.runs.listing(args.status)

    listing = asyncio.run(read())
    runs = listing["runs"]
    if args.sort:
        present = [r for r in runs if isinstance(r["metrics"].get(args.sort), int | float)]
        missing = [r for r in runs if r not in present]
        runs = (
            sorted(
                present, key=lambda r: _number(r["metrics"][args.sort]), reverse=not args.ascending
            )
            + missing
        )
    if args.json:
        print(safe_json.dumps({"runs": runs, "sweeps": listing["sweeps"]}, indent=2))
    else:
        _print_table(runs)
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    project = project_dir(args)

    async def cancel() -> Run:
        async with open_project(project) as opened:
            return await opened.runs.cancel(args.run_id)

    run = asyncio.run(cancel())
    print(f"{run['id']} {run['status']}")
    return 0


def _launch_options(parser: argparse.ArgumentParser) -> None:
    seconds = typed(Seconds, "seconds")
    parser.add_argument(
        "--cell-timeout",
        type=seconds,
        metavar="S",
        help="fail a cell running longer than S seconds",
    )
    parser.add_argument(
        "--time-limit", type=seconds, metavar="S", help="fail a run lasting longer than S seconds"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def register(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="run a notebook with parameters in an isolated workspace",
        description="Run NOTEBOOK with papermill in its own workspace and kernel."
        " Exits 1 if the run fails.",
    )
    run.add_argument("notebook", type=_path, help="the notebook, inside a project folder")
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a parameter value (JSON when it parses: 3, 0.5, true, '\"x\"'; else a string)",
    )
    _launch_options(run)
    run.set_defaults(func=cmd_run)

    sweep = commands.add_parser(
        "sweep",
        help="run a notebook over a grid (or zip) of parameter values",
        description="One run per combination of values. Exits 1 if any run fails.",
    )
    sweep.add_argument("notebook", type=_path, help="the notebook, inside a project folder")
    sweep.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUES"),
        help="comma-separated values (or a JSON list) for one parameter",
    )
    sweep.add_argument(
        "--zip", action="store_true", help="pair values element-wise instead of a grid"
    )
    sweep.add_argument(
        "--concurrency",
        type=typed(Concurrency, "count"),
        help="runs at once (default: the number of cores)",
    )
    _launch_options(sweep)
    sweep.set_defaults(func=cmd_sweep)

    listing = commands.add_parser("runs", help="list the project's runs and their metrics")
    project_option(listing)
    listing.add_argument("--status", choices=STATUSES, help="only runs with this status")
    listing.add_argument("--sort", metavar="METRIC", help="sort by a metric, best (highest) first")
    listing.add_argument("--ascending", action="store_true", help="with --sort: lowest first")
    listing.add_argument("--json", action="store_true", help="print runs and sweeps as JSON")
    listing.set_defaults(func=cmd_runs)

    cancel = commands.add_parser("cancel", help="cancel a queued or running run (safe to repeat)")
    cancel.add_argument("run_id", type=typed(RunId, "run id"), metavar="RUN_ID")
    project_option(cancel)
    cancel.set_defaults(func=cmd_cancel)

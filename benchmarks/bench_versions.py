"""Benchmark: promoting a run with a large model file (issue 4, "Performance").

In one run, on the same file and file system:

* ``limit``    the physical limit the issue names: ``md5sum FILE`` then ``cp FILE DEST``;
* ``promote``  ``Versions.promote`` of a run whose artifact is FILE (hash + copy into DVC's
               cache in one read, fsync, link into the local remote, git commit and tag);
* ``again``    promoting the same run again: the file is unchanged, so it must not be read;
* ``listing``  with ``--listing N`` (default 1000) versions made by promoting, what
               ``GET /jupyter-deploy/versions`` does per request: open the project's versions,
               list them with their stages, encode the JSON answer.

Each of ``--repeat`` rounds starts from an empty DVC cache and remote, so every ``promote`` really
moves the bytes, and from ``sync``: no earlier write is still in flight. The file was just
written, so it is in the page cache for both methods.

Goal (issue 4): promote ≤ 1.5x limit; again well under a second of data handling; listing 1,000
versions ≤ 300 ms.

Usage::

    python benchmarks/bench_versions.py [--size-mib 1024] [--repeat 3] [--json out.json]

Exit codes: 0 measured (PASS or MISS is in the report), 1 a step failed, 2 bad command line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from jupyter_deploy.runs.records import RunRecords, now
from jupyter_deploy.store import open_store
from jupyter_deploy.versions import Identity, Versions, stages

GOAL_RATIO = 1.5
LISTING_GOAL_MS = 300
RUN_ID = "r-be0c4a0000"
CONFIG = """model: big-model
notebook: train.ipynb
artifacts: [model/model.bin]
metrics: metrics.json
"""
NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def make_project(root: Path, size_mib: int) -> Path:
    project = root / "project"
    project.mkdir()
    (project / "jupyter-deploy.yaml").write_text(CONFIG)
    (project / "train.ipynb").write_text(json.dumps(NOTEBOOK))
    (project / ".gitignore").write_text("/.jupyter_deploy/\n/deploy-runs/\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "-c", "user.name=B", "-c", "user.email=b@x", "commit", "-qm", "project")

    ws = project / "deploy-runs" / RUN_ID
    (ws / "model").mkdir(parents=True)
    (ws / "train.ipynb").write_text(json.dumps(NOTEBOOK))
    (ws / "metrics.json").write_text('{"accuracy": 0.9}')
    block = os.urandom(1024 * 1024)
    with (ws / "model" / "model.bin").open("wb") as out:
        for i in range(size_mib):
            # Distinct blocks, so nothing downstream can shortcut repeated content.
            out.write(i.to_bytes(8, "little") + block[8:])
    RunRecords(open_store(project)).insert(
        None,
        [
            {
                "id": RUN_ID,
                "notebook": "train.ipynb",
                "parameters": {},
                "status": "succeeded",
                "created_at": now(),
                "created_by": "bench",
                "metrics": {"accuracy": 0.9},
            }
        ],
    )
    return project


def command(*argv: str) -> None:
    subprocess.run(list(argv), check=True, capture_output=True)


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def list_like_the_api(project: Path) -> None:
    versions = Versions(project)
    json.dumps({"versions": stages.with_stages(versions, versions.listing())})


def reset(project: Path, remote_root: Path) -> None:
    """An empty cache and remote, and no versions: the next promotion moves every byte."""
    shutil.rmtree(project / ".dvc" / "cache", ignore_errors=True)
    shutil.rmtree(remote_root, ignore_errors=True)
    tags = subprocess.run(
        ["git", "tag", "--list"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.split()
    if tags:
        git(project, "tag", "-d", *tags)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="model file size (MiB)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument(
        "--listing", type=int, default=1000, help="versions to list (0: skip; default 1000)"
    )
    args = parser.parse_args(argv)
    if args.size_mib < 1 or args.repeat < 1:
        parser.error("--size-mib and --repeat must be at least 1")

    with tempfile.TemporaryDirectory(prefix="jd-bench-versions-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["JUPYTER_DEPLOY_DATA_DIR"] = str(tmp / "data")
        log(f"writing a {args.size_mib} MiB model file …")
        project = make_project(tmp, args.size_mib)
        source = project / "deploy-runs" / RUN_ID / "model" / "model.bin"
        who = Identity("Bench", "bench@example.org")
        limit, promote, again = [], [], []
        for round_ in range(1, args.repeat + 1):
            dest = tmp / "copy.bin"
            os.sync()  # earlier writes still in flight would be charged to whoever runs next
            limit.append(
                timed(partial(command, "md5sum", str(source)))
                + timed(partial(command, "cp", str(source), str(dest)))
            )
            dest.unlink()
            reset(project, tmp / "data")
            os.sync()
            versions = Versions(project)
            promote.append(timed(partial(versions.promote, RUN_ID, who)))
            again.append(timed(partial(versions.promote, RUN_ID, who)))
            log(
                f"round {round_}: limit {limit[-1]:.2f} s, promote {promote[-1]:.2f} s,"
                f" again {again[-1]:.3f} s"
            )

        listing: list[float] = []
        count = 0
        if args.listing:
            versions = Versions(project)
            have = len(versions.numbers())
            log(f"promoting up to {args.listing} versions for the listing …")
            for _ in range(args.listing - have):
                versions.promote(RUN_ID, who)
            for _ in range(5):
                listing.append(timed(partial(list_like_the_api, project)))
            count = len(Versions(project).numbers())
            log(f"listing {count} versions: {', '.join(f'{t * 1000:.0f} ms' for t in listing)}")

    figures = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "os": platform.platform(),
        },
        "size_mib": args.size_mib,
        "limit_s": statistics.median(limit),
        "promote_s": statistics.median(promote),
        "again_s": statistics.median(again),
        "rounds": {"limit": limit, "promote": promote, "again": again},
        "listing": {
            "versions": count,
            "times_s": listing,
            "median_s": statistics.median(listing) if listing else None,
        },
    }
    ratio = figures["promote_s"] / figures["limit_s"]
    figures["ratio"] = ratio
    figures["verdict"] = "PASS" if ratio <= GOAL_RATIO else "MISS"
    print(f"# Promoting a run with a {args.size_mib} MiB model file ({args.repeat} rounds, median)")
    print(f"md5sum + cp (physical limit)     {figures['limit_s']:8.2f} s   1.00x")
    print(f"jupyter_deploy promote           {figures['promote_s']:8.2f} s   {ratio:.2f}x")
    print(f"promote again, file unchanged    {figures['again_s']:8.3f} s")
    print(f"goal: promote ≤ {GOAL_RATIO}x the limit → {figures['verdict']}")
    if listing:
        median_ms = statistics.median(listing) * 1000
        verdict = "PASS" if median_ms <= LISTING_GOAL_MS else "MISS"
        print(f"listing {count} versions (the API's work)  {median_ms:6.0f} ms (median of 5)")
        print(f"goal: ≤ {LISTING_GOAL_MS} ms → {verdict}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A small real project whose notebooks exercise the run engine's edge cases."""

from pathlib import Path

import nbformat
import psutil
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CONFIG = """model: edge-cases
notebook: write.ipynb
artifacts: [out/result.txt]
metrics: metrics.json
data: [data.txt]
"""

# The serving cell of write.ipynb: what a version's schema is read from.
SERVE = """from typing import TypedDict

class Query(TypedDict):
    text: str
    weight: float

def predict(queries: list[Query]) -> list[str]:
    return [q["text"] for q in queries]
"""


def write_notebook(path: Path, parameters: str, *cells: str, serve: str | None = None) -> None:
    nb = new_notebook(
        cells=[
            new_markdown_cell("test notebook"),
            new_code_cell(parameters, metadata={"tags": ["parameters"]}),
            *(new_code_cell(c) for c in cells),
            *([new_code_cell(serve, metadata={"tags": ["serve"]})] if serve else []),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, path)


def make_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "jupyter-deploy.yaml").write_text(CONFIG)
    (root / "data.txt").write_text("input data\n")
    write_notebook(
        root / "write.ipynb",
        "value = 0  # what this run writes\nlabel = 'x'",
        "import json, os, time\nos.makedirs('out', exist_ok=True)\n"
        "open('out/result.txt', 'w').write(str(value))\ntime.sleep(0.5)",
        "assert open('out/result.txt').read() == str(value), 'another run overwrote my output'\n"
        "assert open('data.txt').read() == 'input data\\n'\n"
        "json.dump({'value': value, 'nested': {'score': value * 2}}, open('metrics.json', 'w'))",
        serve=SERVE,
    )
    write_notebook(
        root / "fail.ipynb", "x = 1", "y = x + 1", "raise ValueError('boom at ' + str(y))"
    )
    write_notebook(root / "slow.ipynb", "seconds = 60", "import time\ntime.sleep(seconds)")
    write_notebook(
        root / "die.ipynb", "x = 1", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    )
    return root


# A cell that writes when its kernel process was created and when the cell began, in epoch
# seconds, to clock.json in the run's workspace (from /proc: precise to a clock tick).
CLOCK = """import json, os, time
_ticks = int(open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19])
_start = _ticks / os.sysconf('SC_CLK_TCK')
_uptime = float(open('/proc/uptime').read().split()[0])
json.dump({'kernel_created': time.time() - (_uptime - _start), 'cell_began': time.time()},
          open('clock.json', 'w'))
"""


def kernels_among(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Kernel processes: launched ones name ipykernel on their command line; forked ones keep the
    fork server's command line and are named "ipykernel" instead."""
    return [p for p in processes if p.name() == "ipykernel" or "ipykernel" in " ".join(p.cmdline())]

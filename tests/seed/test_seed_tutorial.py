"""The founding document: every cell of MXNet's autograd tutorial runs on ndgrad and displays exactly what
MXNet 1.9.1 displays for it (golden data recorded by tests/data/seed/generate.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .notebook import extract_cells

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "autograd_tutorial.txt"
GOLDEN = json.loads((ROOT / "tests" / "data" / "seed" / "autograd_tutorial.mxnet-1.9.1.json").read_text())


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed tutorial not found at {SEED} (shared/ lies beside the repository)")
    return SEED.read_text()


def test_golden_covers_every_seed_cell(seed_text):
    assert [c["code"] for c in GOLDEN["cells"]] == extract_cells(seed_text)
    assert len(GOLDEN["cells"]) == 14


def test_every_cell_displays_what_mxnet_displays(seed_text):
    # a fresh process, as the notebook's kernel: the random stream starts where MXNet's does
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from notebook import run_notebook; "
            "print(json.dumps(run_notebook(open(sys.argv[2]).read(), 'ndgrad')))")
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(SEED)], capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    cells = json.loads(out)
    for got, want in zip(cells, GOLDEN["cells"], strict=True):
        assert got["display"] == want["display"], f"cell differs:\n{got['code']}"


def test_example_script_prints_the_tutorial():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "autograd_tutorial.py")], capture_output=True,
                         text=True, check=True, cwd=ROOT, env=env).stdout
    assert out == "".join(c["display"] for c in GOLDEN["cells"])

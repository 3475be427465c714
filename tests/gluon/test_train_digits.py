"""The Gluon demo (examples/train_digits.py) runs, learns, and writes its plot."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

for _module in ("sklearn", "tqdm", "matplotlib", "threadpoolctl"):
    pytest.importorskip(_module)

DEMO = Path(__file__).resolve().parents[2] / "examples" / "train_digits.py"


def test_demo_learns_and_plots(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("train_digits", DEMO)
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    out = tmp_path / "curves.png"
    accuracy = demo.main(["--epochs", "2", "--out", str(out)])
    assert accuracy > 0.8
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "test accuracy:" in capsys.readouterr().out

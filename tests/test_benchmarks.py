"""The benchmark workloads compute what their NumPy floors compute (no timing here: see benchmarks/)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import ndgrad

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import workloads


@pytest.mark.parametrize("name", ["tiny_ops", "seed_loop", "big_elementwise"])
def test_gradient_workloads_match_their_floors(name):
    step, ops = getattr(workloads, f"make_{name}")(ndgrad)
    floor, floor_ops = getattr(workloads, f"floor_{name}")()
    assert ops == floor_ops
    np.testing.assert_allclose(step().asnumpy(), floor(), rtol=2e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["mlp_train", "cnn_train"])
def test_training_workloads_lower_the_loss(name):
    step, _ = getattr(workloads, f"make_{name}")(ndgrad)
    first = step().mean().asscalar()
    for _ in range(5):
        last = step().mean().asscalar()
    assert np.isfinite(first) and last < first

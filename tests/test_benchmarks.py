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


def test_combine_pairs_each_round_with_the_other_frameworks():
    import run

    def round_(alone, mxnet, ratio):
        stats = {"median_s": 1.0, "iqr_s": 0.0}
        return {"w": {"ndgrad": stats, "floor": stats, "ratio": ratio, "ops_per_step": 1, "alone_s": alone,
                      "mxnet_s": mxnet}}
    # the machine slows down in the second round: each round's own ratio stays 0.5
    res = run._combine([round_(1.0, 2.0, 1.1), round_(3.0, 6.0, 1.3), round_(1.2, 2.4, 1.2)])["w"]
    assert res["vs_mxnet"] == 0.5 and res["round_vs_mxnet"] == [0.5, 0.5, 0.5]
    assert res["alone_s"] == 1.2 and res["mxnet_s"] == 2.4 and res["ratio"] == 1.2
    assert "vs_torch" not in res

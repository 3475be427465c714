"""lr schedules against MXNet 1.9.1 goldens (tests/data/optdata/gen_optimizer.py)."""
from pathlib import Path

import numpy as np
import pytest

import ndgrad as mx

GOLD = np.load(Path(__file__).resolve().parents[1] / "data" / "optdata" / "optimizer.npz")
S = mx.lr_scheduler

SCHEDS = {
    "factor": lambda: S.FactorScheduler(step=3, factor=0.5, stop_factor_lr=0.01, base_lr=0.1),
    "factor_warm": lambda: S.FactorScheduler(step=3, factor=0.5, base_lr=0.1, warmup_steps=4, warmup_begin_lr=0.01),
    "multi": lambda: S.MultiFactorScheduler(step=[2, 5, 9], factor=0.3, base_lr=1.0),
    "multi_warm": lambda: S.MultiFactorScheduler(step=[5, 8], factor=0.5, base_lr=1.0, warmup_steps=3,
                                                 warmup_mode="constant", warmup_begin_lr=0.1),
    "poly": lambda: S.PolyScheduler(max_update=10, base_lr=0.5, pwr=2, final_lr=0.01),
    "poly_warm": lambda: S.PolyScheduler(max_update=12, base_lr=0.5, pwr=1.5, warmup_steps=3),
    "cosine": lambda: S.CosineScheduler(max_update=10, base_lr=0.5, final_lr=0.05),
    "cosine_warm": lambda: S.CosineScheduler(max_update=12, base_lr=0.5, warmup_steps=4, warmup_begin_lr=0.1),
}


@pytest.mark.parametrize("key", sorted(SCHEDS))
def test_schedule_matches_mxnet(key):
    s = SCHEDS[key]()
    np.testing.assert_allclose([s(i) for i in range(15)], GOLD[f"sched/{key}"], rtol=1e-12)


def test_argument_errors():
    with pytest.raises(ValueError):
        S.FactorScheduler(step=0)
    with pytest.raises(ValueError):
        S.FactorScheduler(step=2, factor=1.5)
    with pytest.raises(ValueError):
        S.MultiFactorScheduler(step=[3, 2])
    with pytest.raises(ValueError):
        S.CosineScheduler(max_update=0)
    with pytest.raises(ValueError):
        S.PolyScheduler(max_update=10, base_lr=0.1, warmup_begin_lr=0.5, warmup_steps=2)
    with pytest.raises(ValueError):
        S.CosineScheduler(max_update=10, warmup_mode="exp")

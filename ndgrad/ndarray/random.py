"""Random sampling with MXNet's CPU stream: MT19937 generators, one 32-bit word per float32 sample.

MXNet keeps a bank of generators; generator ``i`` is seeded with ``127 * seed + i`` (seed 0 at start-up).
A call drawing ``n`` values splits them over ``ceil(n / 64)`` generators (at most the bank's size), each
filling a contiguous chunk of ``ceil(n / threads)`` values, and every generator continues across calls.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..base import np_dtype
from ..context import Context
from .creation import _place, _shape
from .ndarray import NDArray

__all__ = ["seed", "uniform"]

_MIN_PER_THREAD = 64
_NUM_STATES = 1024
_SEED_MAGIC = 127


class _Bank:
    """MXNet's bank of per-thread MT19937 generators, created lazily."""

    def __init__(self, seed_state: int = 0):
        self.seed_state = seed_state
        self.states: dict[int, np.random.RandomState] = {}

    def state(self, i: int) -> np.random.RandomState:
        rs = self.states.get(i)
        if rs is None:
            rs = self.states[i] = np.random.RandomState((_SEED_MAGIC * self.seed_state + i) % 2**32)
        return rs

    def words(self, n: int) -> np.ndarray:
        """``n`` raw 32-bit words, chunked over generators as MXNet's sampler kernels do."""
        if n == 0:
            return np.zeros(0, np.uint32)
        threads = min(-(-n // _MIN_PER_THREAD), _NUM_STATES)
        step = -(-n // threads)
        return np.concatenate([self.state(i).randint(0, 2**32, size=min(step, n - i * step), dtype=np.uint32)
                               for i in range(threads) if i * step < n])


_bank = _Bank()


def seed(seed_state: int, ctx: Any = "all") -> None:
    """Seed the generators (``mx.random.seed``)."""
    global _bank
    _bank = _Bank(int(seed_state))


def _unit_float32(n: int) -> np.ndarray:
    return (_bank.words(n).astype(np.float64) / 2.0**32).astype(np.float32)


def uniform(low: float = 0.0, high: float = 1.0, shape: Any = (), dtype: Any = None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs: Any) -> NDArray:
    """Draw samples from a uniform distribution on [low, high)."""
    shape = _shape(shape if shape != () else (1,))
    n = int(np.prod(shape))
    u = _unit_float32(n)
    raw = (np.float32(low) + np.float32(high - low) * u).reshape(shape).astype(np_dtype(dtype), copy=False)
    res = _place(raw, ctx)
    return res if out is None else res.copyto(out)

"""The benchmark workloads, written as an MXNet user writes them, each beside a hand-written NumPy floor.

Every ``make_*`` takes the framework module (``ndgrad``, or the real ``mxnet`` when run under its venv)
and returns ``(step, ops_per_step)``; every ``floor_*`` returns the same math in plain NumPy.
"""
from __future__ import annotations

import numpy as np

TINY_OPS = 200
BIG_N = 4 * 1024 * 1024


def make_tiny_ops(mx):
    """200 recorded element-wise ops on a 2x2 array, then backward."""
    nd, autograd = mx.nd, mx.autograd
    x = nd.array([[0.1, 0.2], [0.3, 0.4]])
    x.attach_grad()

    def step():
        with autograd.record():
            y = x
            for _ in range(TINY_OPS // 4):
                y = y * 1.01
                y = y + 0.01
                y = nd.tanh(y)
                y = y * x
        y.backward()
    return step, TINY_OPS


def floor_tiny_ops():
    x = np.array([[0.1, 0.2], [0.3, 0.4]], dtype=np.float32)

    def step():
        tape, y = [], x
        for _ in range(TINY_OPS // 4):
            y = y * np.float32(1.01)
            y = y + np.float32(0.01)
            y = np.tanh(y)
            tape.append((y, x))
            y = y * x
        g, gx = np.ones_like(y), np.zeros_like(x)
        for t, xv in reversed(tape):
            gx += g * t
            g = g * xv
            g = g * (1 - t * t)
            g = g * np.float32(1.01)
        return gx
    return step, TINY_OPS


def _seed_f(x):
    x = x * 2
    while x.norm().asscalar() < 1000:
        x = x * 2
    if x.sum().asscalar() >= 0:
        y = x[0]
    else:
        y = x[1]
    return y


SEED_X = [0.09762704, 0.18568921]
# recorded ops per call: one doubling per norm test, the norm tests themselves, the sum and the pick
SEED_OPS = 2 * int(np.ceil(np.log2(1000 / np.linalg.norm(SEED_X)))) + 2


def make_seed_loop(mx):
    """The tutorial's control-flow function: record, backward; reported per recorded op."""
    nd, autograd = mx.nd, mx.autograd
    x = nd.array(SEED_X)
    x.attach_grad()

    def step():
        with autograd.record():
            y = _seed_f(x)
        y.backward()
    return step, SEED_OPS


def floor_seed_loop():
    x = np.array(SEED_X, dtype=np.float32)

    def step():
        y, k = x * 2, 2.0
        while float(np.sqrt((y * y).sum())) < 1000:
            y = y * 2
            k *= 2
        grad = np.zeros_like(x)
        grad[0 if float(y.sum()) >= 0 else 1] = k
        return grad
    return step, SEED_OPS


def make_big_elementwise(mx):
    """``(sin(x) * x**2 + exp(-x)).sum()`` on 4M float32, forward and backward."""
    nd, autograd = mx.nd, mx.autograd
    x = nd.array(np.random.default_rng(0).uniform(-1, 1, BIG_N).astype(np.float32))
    x.attach_grad()

    def step():
        with autograd.record():
            y = (nd.sin(x) * x**2 + nd.exp(-x)).sum()
        y.backward()
        x.grad.wait_to_read()
    return step, 1


def floor_big_elementwise():
    x = np.random.default_rng(0).uniform(-1, 1, BIG_N).astype(np.float32)

    def step():
        s = np.sin(x)
        x2 = x * x
        e = np.exp(-x)
        _ = (s * x2 + e).sum()
        return np.cos(x) * x2 + s * (2 * x) - e
    return step, 1

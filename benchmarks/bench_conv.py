"""Convolution/pooling speed: the conv/pool part of a LeNet training step (forward + backward).

    python benchmarks/bench_conv.py            # wall-clock and CPU time per step, min and median of 30

LeNet here is conv5(6, pad 2) - pool - conv5(16) - pool on a 64 x 1 x 28 x 28 float32 batch (the dense
layers are left out), with avg pooling + sigmoid (d2l's LeNet) and with max pooling + relu; a wider
20/50-filter variant (MXNet's tutorial LeNet) is timed too.
"""
from __future__ import annotations

import time

import numpy as np

from ndgrad import autograd, nd


def lenet_step(c1: int, c2: int, pad: int, pool: str, act):
    rng = np.random.default_rng(0)
    x = nd.array(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
    params = [nd.array(rng.standard_normal((c1, 1, 5, 5)).astype(np.float32) * 0.1), nd.zeros((c1,)),
              nd.array(rng.standard_normal((c2, c1, 5, 5)).astype(np.float32) * 0.1), nd.zeros((c2,))]
    for p in params:
        p.attach_grad()
    w1, b1, w2, b2 = params

    def step():
        with autograd.record():
            h = act(nd.Convolution(x, w1, b1, kernel=(5, 5), pad=(pad, pad), num_filter=c1))
            h = nd.Pooling(h, kernel=(2, 2), stride=(2, 2), pool_type=pool)
            h = act(nd.Convolution(h, w2, b2, kernel=(5, 5), num_filter=c2))
            h = nd.Pooling(h, kernel=(2, 2), stride=(2, 2), pool_type=pool)
            loss = nd.sum(h)
        loss.backward()
    return step


def timeit(step, repeat: int = 30) -> tuple[float, float, float]:
    for _ in range(3):
        step()
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall) * 1e3, float(np.median(wall)) * 1e3, min(cpu) * 1e3


def main() -> None:
    configs = [("LeNet 6/16, avg pool, sigmoid", (6, 16, 2, "avg", nd.sigmoid)),
               ("LeNet 6/16, max pool, relu", (6, 16, 2, "max", nd.relu)),
               ("LeNet 20/50, max pool, relu", (20, 50, 0, "max", nd.relu))]
    for name, cfg in configs:
        best, median, cpu = timeit(lenet_step(*cfg))
        print(f"{name:32s} wall min {best:6.2f} ms  median {median:6.2f} ms  cpu min {cpu:6.2f} ms")


if __name__ == "__main__":
    main()

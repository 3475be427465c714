"""The benchmark workloads written for PyTorch (CPU), for the reference column of ``run.py``.

Each ``make_<name>()`` mirrors ``workloads.make_<name>`` step for step and returns ``(step, ops_per_step)``.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

import workloads


def make_tiny_ops():
    x = torch.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)

    def step():
        y = x
        for _ in range(workloads.TINY_OPS // 4):
            y = y * 1.01
            y = y + 0.01
            y = torch.tanh(y)
            y = y * x
        y.backward(torch.ones_like(y))
    return step, workloads.TINY_OPS


def make_seed_loop():
    x = torch.tensor(workloads.SEED_X, requires_grad=True)

    def step():
        y = x * 2
        while y.norm().item() < 1000:
            y = y * 2
        y = y[0] if y.sum().item() >= 0 else y[1]
        y.backward()
    return step, workloads.SEED_OPS


def make_big_elementwise():
    x = torch.tensor(np.random.default_rng(0).uniform(-1, 1, workloads.BIG_N).astype(np.float32),
                     requires_grad=True)

    def step():
        (torch.sin(x) * x**2 + torch.exp(-x)).sum().backward()
    return step, 1


def _train_step(net, x, y):
    opt = torch.optim.SGD(net.parameters(), lr=workloads.LR)
    data, label = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(net(data), label).backward()
        opt.step()
    return step, 1


def make_mlp_train():
    sizes = workloads.MLP_SIZES
    net = nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2]), nn.ReLU(),
                        nn.Linear(sizes[2], sizes[3]))
    return _train_step(net, *workloads._mlp_data())


def make_cnn_train():
    net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                        nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84),
                        nn.ReLU(), nn.Linear(84, 10))
    return _train_step(net, *workloads._cnn_data())

"""The tape does not leak: memory stays flat over many recorded training steps."""
from __future__ import annotations

import gc
import tracemalloc

import numpy as np

import ndgrad as mx
from ndgrad import autograd, gluon, nd


def _train_steps(steps: int, net, trainer, loss_fn, x, y) -> None:
    for _ in range(steps):
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(x.shape[0])


def test_memory_is_flat_over_training_steps():
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Dense(32, activation="relu"), gluon.nn.Dense(4))
    net.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    rng = np.random.default_rng(0)
    x, y = nd.array(rng.standard_normal((16, 8))), nd.array(rng.integers(0, 4, 16))
    _train_steps(20, net, trainer, loss_fn, x, y)  # warm up: optimizer states, caches
    gc.collect()
    tracemalloc.start()
    try:
        _train_steps(50, net, trainer, loss_fn, x, y)
        gc.collect()
        after_50 = tracemalloc.get_traced_memory()[0]
        _train_steps(1000, net, trainer, loss_fn, x, y)
        gc.collect()
        after_1050 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after_1050 - after_50 < 64 * 1024, f"grew by {after_1050 - after_50} bytes over 1,000 steps"


def test_unreleased_graphs_are_collected_without_backward():
    x = nd.ones((256, 256))
    x.attach_grad()
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(5):
            with autograd.record():
                (x * 2).sum()
        gc.collect()
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(50):
            with autograd.record():
                (x * 2).sum()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert grown < 256 * 256 * 4, f"recorded graphs that were never used held {grown} bytes"

"""Trainer: MXNet 1.9.1 training steps, rescaling, stale gradients, learning rate, states, misuse."""
from __future__ import annotations

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import autograd, gluon, nd
from ndgrad.gluon import nn
from ndgrad.test_utils import assert_almost_equal

from ._helpers import golden

_, TRAIN = golden("training")


def small_net():
    net = nn.HybridSequential()
    net.add(nn.Dense(8, activation="relu"), nn.Dense(3))
    for name, p in net._collect_params_with_prefix().items():
        p._load_init(nd.array(TRAIN["init:" + name]), mx.cpu())
    return net


@pytest.mark.parametrize("opt,params", [("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-3}),
                                        ("adam", {"learning_rate": 0.01})])
def test_training_steps_match_mxnet(opt, params):
    net = small_net()
    trainer = gluon.Trainer(net.collect_params(), opt, params)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    x, y = nd.array(TRAIN["x"]), nd.array(TRAIN["y"])
    losses = []
    for _ in range(3):
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(10)
        losses.append(loss.mean().asscalar())
    assert_almost_equal(np.array(losses), TRAIN[f"{opt}/losses"], rtol=1e-5, atol=1e-6)
    for name, p in net._collect_params_with_prefix().items():
        assert_almost_equal(p.data(), TRAIN[f"{opt}/final:{name}"], rtol=1e-4, atol=1e-6, names=(name, "mxnet"))


def one_param(value=1.0):
    p = gluon.Parameter("w", shape=(1,))
    p._load_init(nd.array([value]), mx.cpu())
    return p


def test_step_rescales_by_batch_size():
    p = one_param()
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 1.0})
    with autograd.record():
        y = p.data() * 8
    y.backward()
    trainer.step(4)  # w -= 1.0 * 8 / 4
    assert p.data().asscalar() == pytest.approx(-1.0)


def test_stale_gradient_raises_and_can_be_ignored():
    a, b = one_param(), gluon.Parameter("b", shape=(1,))
    b._load_init(nd.array([2.0]), mx.cpu())
    trainer = gluon.Trainer([a, b], "sgd", {"learning_rate": 0.5})
    with autograd.record():
        y = a.data() * 2
    y.backward()
    with pytest.raises(UserWarning, match="Gradient of Parameter `b` on context cpu\\(0\\) has not been updated"):
        trainer.step(1)
    with autograd.record():
        y = a.data() * 2
    y.backward()
    trainer.step(1, ignore_stale_grad=True)
    assert b.data().asscalar() == 2.0  # skipped
    with pytest.raises(UserWarning, match="has not been updated by backward since last `step`"):
        trainer.step(1)  # a's gradient was consumed by the last step


def test_null_grad_params_are_skipped():
    p, q = one_param(), one_param(3.0)
    q.grad_req = "null"
    trainer = gluon.Trainer([p, q], "sgd", {"learning_rate": 1.0})
    with autograd.record():
        y = p.data() * q.data()
    y.backward()
    trainer.step(1)
    assert p.data().asscalar() == pytest.approx(-2.0) and q.data().asscalar() == 3.0


def test_learning_rate_and_optimizer_instance():
    p = one_param()
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 0.2})
    assert trainer.learning_rate == pytest.approx(0.2)
    trainer.set_learning_rate(0.05)
    assert trainer.learning_rate == pytest.approx(0.05)
    opt = mx.optimizer.SGD(learning_rate=0.3)
    trainer2 = gluon.Trainer([one_param()], opt)
    assert trainer2.optimizer is opt
    with pytest.raises(mx.MXNetError, match="optimizer_params must be None"):
        gluon.Trainer([one_param()], opt, {"learning_rate": 0.1})


def test_allreduce_then_update_equals_step():
    p1, p2 = one_param(), one_param()
    t1 = gluon.Trainer([p1], "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    t2 = gluon.Trainer([p2], "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    for _ in range(2):
        for p in (p1, p2):
            with autograd.record():
                y = p.data() ** 2
            y.backward()
        t1.step(2)
        t2.allreduce_grads()
        t2.update(2)
    assert p1.data().asscalar() == pytest.approx(p2.data().asscalar())


def test_multi_context_gradients_are_summed():
    p = gluon.Parameter("w", shape=(1,))
    p._load_init(nd.array([1.0]), [mx.cpu(0), mx.cpu(1)])
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 1.0})
    for ctx, k in ((mx.cpu(0), 2.0), (mx.cpu(1), 4.0)):
        with autograd.record():
            y = p.data(ctx) * k
        y.backward()
    trainer.step(1)
    assert [d.asscalar() for d in p.list_data()] == [pytest.approx(-5.0), pytest.approx(-5.0)]


def test_save_load_states(tmp_path):
    p = one_param()
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    with autograd.record():
        y = p.data() * 3
    y.backward()
    trainer.step(1)
    f = str(tmp_path / "t.states")
    trainer.save_states(f)
    q = one_param(p.data().asscalar())
    trainer2 = gluon.Trainer([q], "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    trainer2.load_states(f)
    for param, tr in ((p, trainer), (q, trainer2)):
        with autograd.record():
            y = param.data() * 3
        y.backward()
        tr.step(1)
    assert q.data().asscalar() == pytest.approx(p.data().asscalar())


def test_misuse_errors():
    with pytest.raises(mx.MXNetError, match="has not been initialized"):
        gluon.Trainer(nn.Dense(2).collect_params(), "sgd")
    with pytest.raises(ValueError, match="list or dict of Parameters"):
        gluon.Trainer(one_param(), "sgd")
    with pytest.raises(ValueError, match="got list of"):
        gluon.Trainer([1], "sgd")
    a = gluon.Parameter("a", shape=(1,))
    a._load_init(nd.array([1.0]), mx.cpu(1))
    with pytest.raises(mx.MXNetError, match="same set of contexts"):
        gluon.Trainer([one_param(), a], "sgd")


def test_trainer_over_deferred_block_after_initialize():
    net = nn.Dense(2)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with autograd.record():
        y = net(nd.ones((4, 3))).sum()
    y.backward()
    trainer.step(4)
    assert net.weight.shape == (2, 3)


def test_lr_mult_and_wd_mult_reach_the_optimizer():
    p, q = one_param(), gluon.Parameter("q", shape=(1,))
    q._load_init(nd.array([1.0]), mx.cpu())
    p.lr_mult = 0.0
    q.wd_mult = 0.0
    trainer = gluon.Trainer([p, q], "sgd", {"learning_rate": 1.0, "wd": 0.5})
    with autograd.record():
        y = p.data() + q.data()
    y.backward()
    trainer.step(1)
    assert p.data().asscalar() == 1.0  # frozen by lr_mult
    assert q.data().asscalar() == pytest.approx(0.0)  # gradient 1, no weight decay

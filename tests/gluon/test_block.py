"""Block / HybridBlock / containers behaviour (MXNet 1.9.1 semantics)."""
from __future__ import annotations

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import autograd, gluon, nd
from ndgrad.gluon import nn
from ndgrad.gluon.contrib import nn as cnn

from ._helpers import DATA, SHARED


def fill(block, seed=0):
    """Give every Parameter a value (random, running_var positive) without an initializer."""
    rng = np.random.RandomState(seed)
    for p in block.collect_params().values():
        value = rng.uniform(0.5, 1.5, p.shape) if "running_var" in p.name else rng.uniform(-1, 1, p.shape)
        p._load_init(nd.array(value), mx.cpu())
    return block


def mlp():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(5, activation="relu", in_units=3), nn.Dense(2, in_units=5))
    return fill(net)


def test_children_registered_by_attribute_and_type_change_refused():
    class Net(gluon.Block):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.a = nn.Dense(2, in_units=2)
                self.b = nn.Dense(2, in_units=2)

        def forward(self, x):
            return self.b(self.a(x))

    net = Net()
    assert list(net._children) == ["a", "b"]
    assert len(net.collect_params()) == 4
    with pytest.raises(TypeError, match="Changing attribute type"):
        net.a = 3
    net.register_child(nn.Dense(1, in_units=1))
    assert "2" in net._children
    assert "(a): Dense(2 -> 2, linear)" in repr(net)


def test_hybridblock_refuses_plain_block_child():
    seq = nn.HybridSequential()
    with pytest.raises(ValueError, match="Children of HybridBlock must also be HybridBlock"):
        seq.add(nn.Lambda("tanh"))


def test_hybridize_gives_identical_results():
    net = mlp()
    x = nd.array(np.random.RandomState(1).randn(4, 3))
    y0 = net(x).asnumpy()
    net.hybridize(static_alloc=True, static_shape=True)
    assert net._active and net[0]._active
    np.testing.assert_array_equal(net(x).asnumpy(), y0)
    with pytest.raises(NotImplementedError):
        net.export("model")


def test_sequential_indexing_slicing_len():
    net = mlp()
    assert len(net) == 2 and isinstance(net[0], nn.Dense) and isinstance(net[-1], nn.Dense)
    head = net[:1]
    assert isinstance(head, nn.HybridSequential) and len(head) == 1
    assert head[0] is net[0]
    x = nd.ones((1, 3))
    np.testing.assert_allclose(net[1](head(x)).asnumpy(), net(x).asnumpy())
    seq = nn.Sequential()
    seq.add(nn.Dense(2, in_units=3))
    with pytest.warns(UserWarning, match="Consider using HybridSequential"):
        seq.hybridize()


def test_forward_hooks_and_apply():
    net = mlp()
    calls = []
    pre = net[0].register_forward_pre_hook(lambda blk, inputs: calls.append(("pre", blk.name)))
    post = net[0].register_forward_hook(lambda blk, inputs, out: calls.append(("post", out.shape)))
    net(nd.ones((2, 3)))
    assert calls == [("pre", net[0].name), ("post", (2, 5))]
    pre.detach()
    post.detach()
    net(nd.ones((2, 3)))
    assert len(calls) == 2
    seen = []
    assert net.apply(lambda b: seen.append(type(b).__name__)) is net
    assert seen == ["Activation", "Dense", "Dense", "HybridSequential"]


def test_cast():
    net = mlp()
    net.cast("float64")
    assert net[0].weight.data().dtype == np.float64
    assert net(nd.ones((1, 3), dtype="float64")).dtype == np.float64


def test_forward_before_initialize_is_a_clear_error():
    net = nn.Dense(2, in_units=3)
    with pytest.raises(mx.MXNetError, match="has not been initialized"):
        net(nd.ones((1, 3)))


def test_input_features_must_match_in_units():
    net = mlp()
    with pytest.raises(mx.MXNetError, match="in_units=3"):
        net(nd.ones((2, 4)))


def test_deferred_shape_inferred_at_first_forward():
    net = nn.HybridSequential()
    net.add(nn.Dense(4, activation="relu"), nn.BatchNorm(), nn.Dense(2, flatten=False))
    net.initialize()
    assert net[0].weight.shape == (4, 0)
    y = net(nd.ones((3, 2, 5)))
    assert y.shape == (3, 2)
    assert net[0].weight.shape == (4, 10) and net[1].gamma.shape == (4,) and net[2].weight.shape == (2, 4)


def test_custom_block_with_unknown_shape_explains():
    class Scale(gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            self.w = self.params.get("w", shape=(0,), allow_deferred_init=True)

        def hybrid_forward(self, F, x, w):
            return x * w

    blk = Scale()
    blk.initialize()
    with pytest.raises(gluon.DeferredInitializationError, match="infer_shape"):
        blk(nd.ones((2,)))


def test_lambda_and_hybrid_lambda():
    assert nn.Lambda("tanh")(nd.zeros((2,))).asnumpy().tolist() == [0.0, 0.0]
    assert nn.Lambda(lambda x: x + 1)(nd.zeros((1,))).asnumpy().tolist() == [1.0]
    assert nn.HybridLambda("relu")(nd.array([-1.0, 2.0])).asnumpy().tolist() == [0.0, 2.0]
    assert nn.HybridLambda(lambda F, x: F.relu(x) * 2)(nd.array([-1.0, 2.0])).asnumpy().tolist() == [0.0, 4.0]
    with pytest.raises(mx.MXNetError, match="not found"):
        nn.Lambda("no_such_function")


def test_concurrent_and_identity():
    net = cnn.HybridConcurrent(axis=1)
    with net.name_scope():
        net.add(nn.Dense(2, in_units=3), cnn.Identity())
    fill(net)
    x = nd.ones((4, 3))
    assert net(x).shape == (4, 5)
    seq = cnn.Concurrent(axis=0)
    seq.add(nn.Lambda(lambda x: x), nn.Lambda(lambda x: x * 2))
    assert seq(nd.ones((1, 2))).asnumpy().tolist() == [[1, 1], [2, 2]]


def test_summary(capsys):
    net = mlp()
    net.summary(nd.ones((2, 3)))
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "        Layer (type)                                Output Shape         Param #"
    assert out[3] == "               Input                                      (2, 3)               0"
    assert "             Dense-2                                      (2, 5)              20" in out
    assert "   Total params: 32" in out and "Unique parameters in model: 32" in out


def test_zero_grad_through_block():
    net = mlp()
    with autograd.record():
        y = net(nd.ones((2, 3))).sum()
    y.backward()
    assert np.abs(net[0].weight.grad().asnumpy()).sum() > 0
    net.collect_params().zero_grad()
    assert np.abs(net[0].weight.grad().asnumpy()).sum() == 0


def test_collect_params_select():
    net = mlp()
    assert [k.split("_")[-1] for k in net.collect_params(".*weight").keys()] == ["weight", "weight"]
    assert len(net.collect_params("nothing")) == 0


def test_save_load_parameters_roundtrip(tmp_path):
    net = mlp()
    f = str(tmp_path / "net.params")
    net.save_parameters(f)
    assert sorted(nd.load(f)) == ["0.bias", "0.weight", "1.bias", "1.weight"]
    other = nn.HybridSequential()
    other.add(nn.Dense(5, activation="relu"), nn.Dense(2))
    other.load_parameters(f, ctx=mx.cpu())
    x = nd.ones((2, 3))
    np.testing.assert_allclose(other(x).asnumpy(), net(x).asnumpy())
    small = nn.HybridSequential()
    small.add(nn.Dense(5, activation="relu"))
    with pytest.raises(mx.MXNetError, match="is not present"):
        small.load_parameters(f)
    small.load_parameters(f, ignore_extra=True)
    big = nn.HybridSequential()
    big.add(nn.Dense(5), nn.Dense(2), nn.Dense(1))
    with pytest.raises(AssertionError, match="is missing"):
        big.load_parameters(f)
    big.load_parameters(f, allow_missing=True)
    typed = nn.HybridSequential()
    typed.add(nn.Dense(5, dtype="float64"), nn.Dense(2, dtype="float64"))
    with pytest.raises(AssertionError, match="cast_dtype=True"):
        typed.load_parameters(f)
    typed.load_parameters(f, cast_dtype=True)
    assert typed[0].weight.data().dtype == np.float64


def test_loads_mxnet_lenet_and_reproduces_output(tmp_path):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(6, 5, activation="relu"), nn.MaxPool2D(2), nn.Conv2D(16, 5, activation="relu"),
                nn.MaxPool2D(2), nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"),
                nn.BatchNorm(), nn.Dense(10))
    net.load_parameters(str(SHARED / "lenet.params"))
    io = np.load(SHARED / "lenet.input_output.npz")
    np.testing.assert_allclose(net(nd.array(io["x"])).asnumpy(), io["y"], rtol=1e-4, atol=1e-5)
    with mx.name.NameManager():
        full = nn.HybridSequential()
        with full.name_scope():
            full.add(nn.Conv2D(6, 5, activation="relu"), nn.MaxPool2D(2), nn.Conv2D(16, 5, activation="relu"),
                     nn.MaxPool2D(2), nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"),
                     nn.BatchNorm(), nn.Dense(10))
    full.collect_params().load(str(SHARED / "lenet_fullnames.params"))  # full prefixed names
    np.testing.assert_allclose(full(nd.array(io["x"])).asnumpy(), io["y"], rtol=1e-4, atol=1e-5)
    out = tmp_path / "again.params"
    net.save_parameters(str(out))
    assert out.read_bytes() == (SHARED / "lenet.params").read_bytes()


def test_forward_leaves_the_current_context_alone():
    net = nn.HybridSequential()
    net.add(nn.Dense(2, in_units=3), nn.Dense(1, in_units=2))
    for p in net.collect_params().values():
        p._load_init(nd.ones(p.shape), mx.cpu(1))
    assert net(nd.ones((1, 3), ctx=mx.cpu(1))).context == mx.cpu(1)
    assert mx.current_context() == mx.cpu(0)


def test_dropout_layer_modes():
    drop = nn.Dropout(0.5)
    x = nd.ones((200, 50))
    assert (drop(x).asnumpy() == 1).all()  # predict mode: identity
    with autograd.record():
        y = drop(x).asnumpy()
    kept = y != 0
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_allclose(y[kept], 2.0)  # survivors scaled by 1 / (1 - rate)


def test_load_parameters_dtype_source_saved(tmp_path):
    net = mlp()
    f = str(tmp_path / "net.params")
    net.save_parameters(f)
    typed = nn.HybridSequential()
    typed.add(nn.Dense(5, dtype="float64"), nn.Dense(2, dtype="float64"))
    typed.load_parameters(f, cast_dtype=True, dtype_source="saved")
    assert typed[0].weight.data().dtype == np.float32 and typed[0].weight.dtype == np.float32


def test_shared_parameters_and_deduplicated_save(tmp_path):
    net = nn.HybridSequential()
    with net.name_scope():
        first = nn.Dense(3, in_units=3)
        net.add(first, nn.Dense(3, in_units=3, params=first.params))
    assert net[1].weight is net[0].weight
    assert len(net.collect_params()) == 2
    fill(net)
    f = str(tmp_path / "shared.params")
    net.save_parameters(f, deduplicate=True)
    assert sorted(nd.load(f)) == ["0.bias", "0.weight"]
    net.save_parameters(f)
    assert sorted(nd.load(f)) == ["0.bias", "0.weight", "1.bias", "1.weight"]
    other = nn.HybridSequential()
    with other.name_scope():
        a = nn.Dense(3, in_units=3)
        other.add(a, nn.Dense(3, in_units=3, params=a.params))
    other.load_parameters(str(tmp_path / "shared.params"))
    np.testing.assert_array_equal(other[1].weight.data().asnumpy(), net[0].weight.data().asnumpy())


def test_summary_matches_mxnet_text(capsys):
    net = nn.HybridSequential()
    net.add(nn.Conv2D(3, 3), nn.Activation("relu"), nn.Flatten(), nn.Dense(4), nn.BatchNorm(), nn.Dense(2))
    net.initialize()  # deferred: shapes complete at the first forward
    net.summary(nd.ones((2, 1, 5, 5)))
    assert capsys.readouterr().out == (DATA / "summary.txt").read_text()

"""Parameter, Constant and ParameterDict behaviour (MXNet 1.9.1 semantics)."""
from __future__ import annotations

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import autograd, gluon, nd
from ndgrad.gluon import nn
from ndgrad.gluon.parameter import DeferredInitializationError

from ._helpers import DATA


def loaded(name="w", shape=(2, 3), value=None, **kwargs):
    """A Parameter initialized from ``value`` without an initializer."""
    p = gluon.Parameter(name, shape=shape, **kwargs)
    value = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) if value is None else value
    p._load_init(nd.array(value), mx.cpu())
    return p


def test_repr_and_defaults():
    p = gluon.Parameter("w", shape=(2, 3))
    assert repr(p) == "Parameter w (shape=(2, 3), dtype=<class 'numpy.float32'>)"
    assert p.grad_req == "write" and p.lr_mult == 1.0 and p.wd_mult == 1.0
    assert gluon.Parameter("b", shape=4).shape == (4,)


def test_uninitialized_access_errors():
    p = gluon.Parameter("w", shape=(2, 3))
    with pytest.raises(mx.MXNetError, match="Parameter 'w' has not been initialized"):
        p.data()
    with pytest.raises(RuntimeError, match="has not been initialized"):
        p.grad()
    with pytest.raises(RuntimeError, match="has not been initialized"):
        p.list_ctx()


def test_deferred_error_message():
    d = nn.Dense(2)
    d.initialize()
    with pytest.raises(DeferredInitializationError, match="initialization was deferred") as err:
        d.weight.data()
    assert isinstance(err.value, mx.MXNetError)
    assert "in_units" in str(err.value)


def test_invalid_shape_without_deferral():
    p = gluon.Parameter("w", shape=(2, 0))
    with pytest.raises(mx.MXNetError, match="invalid shape"):
        p.initialize()


def test_data_grad_and_zero_grad():
    p = loaded()
    assert p.data().shape == (2, 3) and p.list_data()[0] is p.data()
    assert p.list_ctx() == [mx.cpu()]
    with autograd.record():
        y = (p.data() * p.data()).sum()
    y.backward()
    np.testing.assert_allclose(p.grad().asnumpy(), 2 * p.data().asnumpy())
    assert p.list_grad()[0] is p.grad()
    p.zero_grad()
    assert p.grad().asnumpy().sum() == 0


def test_set_data_and_shape_checks():
    p = loaded()
    p.set_data(nd.ones((2, 3)))
    assert p.data().asnumpy().sum() == 6
    with pytest.raises(AssertionError, match="incompatible"):
        p.set_data(nd.ones((3, 2)))
    q = gluon.Parameter("q", shape=(2, 0))
    q.shape = (2, 5)
    assert q.shape == (2, 5)
    with pytest.raises(AssertionError):
        q.shape = (3, 5)


def test_grad_req_null_detaches_and_back():
    p = loaded()
    p.grad_req = "null"
    with pytest.raises(RuntimeError, match="grad_req='null'"):
        p.grad()
    x = p.data()
    with autograd.record():
        y = x * 2
    assert y._node is None  # not in the graph
    p.grad_req = "add"
    assert p.grad().shape == (2, 3)
    with pytest.raises(AssertionError, match="grad_req must be one of"):
        p.grad_req = "bad"


def test_grad_req_add_accumulates():
    p = loaded(grad_req="add")
    for _ in range(2):
        with autograd.record():
            y = p.data().sum()
        y.backward()
    np.testing.assert_allclose(p.grad().asnumpy(), 2 * np.ones((2, 3)))


def test_not_differentiable_forces_null():
    p = gluon.Parameter("w", shape=(1,), differentiable=False)
    assert p.grad_req == "null"
    p.grad_req = "write"
    assert p.grad_req == "null"


def test_cast_and_reset_ctx():
    p = loaded()
    p.cast("float64")
    assert p.data().dtype == np.float64 and p.grad().dtype == np.float64
    p.reset_ctx(mx.cpu(1))
    assert p.list_ctx() == [mx.cpu(1)]
    assert p.data(mx.cpu(1)).context == mx.cpu(1)
    with pytest.raises(RuntimeError, match="was not initialized on context"):
        p.data(mx.cpu(0))
    with pytest.raises(NotImplementedError):
        p.var()


def test_multi_context_data():
    p = gluon.Parameter("w", shape=(2,))
    p._load_init(nd.array([1.0, 2.0]), [mx.cpu(0), mx.cpu(1)])
    assert len(p.list_data()) == 2
    assert p.data(mx.cpu(1)).context == mx.cpu(1)
    p.set_data(nd.array([3.0, 4.0]))
    assert p.list_data()[1].asnumpy().tolist() == [3.0, 4.0]


def test_constant():
    c = gluon.Constant("c", nd.array([1.0, 2.0]))
    assert c.grad_req == "null"
    with pytest.warns(UserWarning, match="does not support grad_req"):
        c.grad_req = "write"
    c.initialize()
    assert c.data().asnumpy().tolist() == [1.0, 2.0]


def test_parameter_dict_get_update_setattr():
    pd = gluon.ParameterDict("net_")
    w = pd.get("weight", shape=(2, 0))
    assert w.name == "net_weight"
    assert pd.get("weight", shape=(2, 3)) is w and w.shape == (2, 3)  # unknown dims filled
    with pytest.raises(AssertionError, match="desired attribute does not match"):
        pd.get("weight", shape=(4, 3))
    assert pd.get("weight", dtype="float32") is w
    other = gluon.ParameterDict("o_")
    other.get("bias", shape=(2,))
    pd.update(other)
    assert list(pd.keys()) == ["net_weight", "o_bias"]
    clash = gluon.ParameterDict("net_")
    clash.get("weight", shape=(1,))
    with pytest.raises(AssertionError, match="different Parameters with the same name"):
        pd.update(clash)
    pd.setattr("lr_mult", 0.5)
    assert all(p.lr_mult == 0.5 for p in pd.values())
    assert "net_weight" in pd and len(pd) == 2
    assert repr(pd).startswith("net_ (\n  Parameter net_weight")


def test_parameter_dict_shared_and_constant():
    base = gluon.ParameterDict("a_")
    w = base.get("w", shape=(1,))
    shared = gluon.ParameterDict("a_", shared=base)
    assert shared.get("w") is w
    with pytest.raises(KeyError, match="No constant named"):
        base.get_constant("c")
    c = base.get_constant("c", [1.0, 2.0])
    assert base.get_constant("c") is c
    with pytest.raises(AssertionError, match="doesn't match"):
        base.get_constant("c", [3.0, 4.0])


def test_parameter_dict_save_load_prefix(tmp_path):
    pd = gluon.ParameterDict("net_")
    for name, shape in [("weight", (2, 3)), ("bias", (2,))]:
        pd.get(name, shape=shape)._load_init(nd.array(np.random.rand(*shape)), mx.cpu())
    f = str(tmp_path / "p.params")
    pd.save(f, strip_prefix="net_")
    assert sorted(nd.load(f)) == ["bias", "weight"]
    with pytest.raises(mx.MXNetError, match="does not start with"):
        pd.save(f, strip_prefix="other_")
    pd2 = gluon.ParameterDict("net_")
    pd2.get("weight", shape=(2, 0))
    pd2.get("bias", shape=(2,))
    pd2.load(f, mx.cpu(), restore_prefix="net_")
    np.testing.assert_array_equal(pd2["net_weight"].data().asnumpy(), pd["net_weight"].data().asnumpy())
    pd3 = gluon.ParameterDict("x_")
    pd3.get("weight", shape=(2, 3))
    with pytest.raises(AssertionError, match="not present in ParameterDict"):
        pd3.load(f, mx.cpu(), restore_prefix="x_")
    pd3.load(f, mx.cpu(), restore_prefix="x_", ignore_extra=True)
    pd4 = gluon.ParameterDict("x_")
    pd4.get("gamma", shape=(2,))
    with pytest.raises(AssertionError, match="is missing"):
        pd4.load(f, mx.cpu(), restore_prefix="x_", ignore_extra=True)


def test_initialization_matches_mxnet_stream():
    """Default Uniform(0.07), zeros for biases, Xavier, and deferred Parameters initialized at the first
    forward pass draw the same numbers as MXNet 1.9.1 after ``mx.random.seed(42)``."""
    expected = dict(np.load(DATA / "init.npz"))
    with mx.name.NameManager():
        mx.random.seed(42)
        net = nn.HybridSequential()
        net.add(nn.Dense(3, in_units=2), nn.Dense(2), nn.BatchNorm(), nn.Conv2D(2, 2, in_channels=1))
        net.initialize()
        net[1](nd.ones((1, 3)))
        net2 = nn.Dense(2, in_units=2)
        net2.initialize(mx.init.Xavier())
        got = {p.name: p.data().asnumpy() for p in [*net.collect_params().values(), *net2.collect_params().values()]
               if p._data is not None}
    assert sorted(got) == sorted(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(got[name], value, rtol=1e-6, err_msg=name)


def test_reinitialize_warns_unless_forced():
    p = gluon.Parameter("w", shape=(2,), init="ones")
    p.initialize()
    with pytest.warns(UserWarning, match="already initialized"):
        p.initialize(init="zeros")
    assert p.data().asnumpy().tolist() == [1.0, 1.0]
    p.initialize(init="zeros", force_reinit=True)
    assert p.data().asnumpy().tolist() == [0.0, 0.0]

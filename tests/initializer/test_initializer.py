"""Initializers against MXNet 1.9.1 goldens (tests/data/optdata/gen_initializer.py) and statistics."""
import json
from pathlib import Path

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import nd

GOLD = np.load(Path(__file__).resolve().parents[1] / "data" / "optdata" / "initializer.npz")


def init(initializer, name, shape, attrs=None):
    arr = nd.zeros(shape)
    initializer(mx.init.InitDesc(name, attrs), arr)
    return arr.asnumpy()


def test_seeded_sequence_matches_mxnet():
    mx.random.seed(7)
    np.testing.assert_allclose(init(mx.init.Uniform(), "fc_weight", (3, 4)), GOLD["uniform"], rtol=1e-6)
    np.testing.assert_allclose(init(mx.init.Uniform(0.5), "fc_weight", (70,)), GOLD["uniform_scale"], rtol=1e-6)
    np.testing.assert_allclose(init(mx.init.Xavier(), "conv_weight", (4, 3, 2, 2)), GOLD["xavier"], rtol=1e-6)
    np.testing.assert_allclose(init(mx.init.Xavier(factor_type="in", magnitude=2), "fc_weight", (5, 6)),
                               GOLD["xavier_in"], rtol=1e-6)
    np.testing.assert_allclose(init(mx.init.create("xavier", factor_type="out"), "fc_weight", (5, 6)),
                               GOLD["xavier_out"], rtol=1e-6)
    np.testing.assert_allclose(init(mx.init.Orthogonal(), "fc_weight", (4, 6)), GOLD["orth_wide"], rtol=1e-4,
                               atol=1e-6)
    np.testing.assert_allclose(init(mx.init.Orthogonal(scale=2.0), "fc_weight", (6, 2, 2)), GOLD["orth_tall"],
                               rtol=1e-4, atol=1e-6)
    np.testing.assert_array_equal(init(mx.init.Uniform(), "fc_bias", (5,)), GOLD["bias"])
    np.testing.assert_array_equal(init(mx.init.Uniform(), "bn_gamma", (5,)), GOLD["gamma"])
    np.testing.assert_array_equal(init(mx.init.Uniform(), "bn_beta", (5,)), GOLD["beta"])
    np.testing.assert_array_equal(init(mx.init.Uniform(), "fc_bias", (2, 3), {"__init__": mx.init.One().dumps()}),
                                  GOLD["attr_init"])
    np.testing.assert_array_equal(init(mx.init.Uniform(), "x_weight", (2, 3), {"__init__": "zeros"}),
                                  GOLD["attr_init_name"])
    np.testing.assert_allclose(nd.random.uniform(shape=(5,)).asnumpy(), GOLD["after"], rtol=1e-6)


def test_deterministic_initializers():
    np.testing.assert_allclose(init(mx.init.Bilinear(), "up_weight", (2, 1, 4, 4)), GOLD["bilinear"], rtol=1e-6)
    np.testing.assert_allclose(init(mx.init.Bilinear(), "up_weight", (1, 2, 3, 5)), GOLD["bilinear_odd"], rtol=1e-6)
    np.testing.assert_array_equal(init(mx.init.Uniform(), "lstm_bias", (8,),
                                       {"__init__": mx.init.LSTMBias(2.5).dumps()}), GOLD["lstmbias"])
    np.testing.assert_allclose(init(mx.init.Constant(0.3), "c_weight", (2, 2)), GOLD["constant"], rtol=1e-7)
    mixed = mx.init.Mixed(["bias$", ".*"], [mx.init.Zero(), mx.init.Constant(2.0)])
    a, b = nd.ones((2,)), nd.ones((2,))
    with pytest.warns(DeprecationWarning, match="InitDesc"):  # plain-string names are deprecated, as MXNet
        mixed("fc_bias", a)
        mixed("fc_weight", b)
    np.testing.assert_array_equal(np.concatenate([a.asnumpy(), b.asnumpy()]), GOLD["mixed"])


def test_dumps_and_create():
    got = sorted([mx.init.Constant(np.array([1.0, 2.0])).dumps(), mx.init.MSRAPrelu().dumps(),
                  mx.init.Uniform().dumps(), mx.init.Xavier(factor_type="in").dumps()])
    assert [json.loads(s) for s in got] == [json.loads(s) for s in GOLD["dumps"]]
    x = mx.init.create(mx.init.Xavier(factor_type="in").dumps())
    assert isinstance(x, mx.init.Xavier) and x.factor_type == "in"
    assert isinstance(mx.init.create("zeros"), mx.init.Zero) and isinstance(mx.init.create("ONES"), mx.init.One)
    u = mx.init.Uniform(0.3)
    assert mx.init.create(u) is u
    assert mx.init.Uniform(0.3) == u and mx.init.Uniform(0.2) != u
    with pytest.raises(mx.MXNetError, match="not registered"):
        mx.init.create("nope")

    @mx.init.register
    class MyInit(mx.init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 7

    np.testing.assert_array_equal(init(mx.init.create("myinit"), "a_weight", (2,)), [7, 7])


def test_name_dispatch_running_stats_and_errors():
    u = mx.init.Uniform()
    np.testing.assert_array_equal(init(u, "bn_running_mean", (3,)), 0)
    np.testing.assert_array_equal(init(u, "bn_running_var", (3,)), 1)
    np.testing.assert_array_equal(init(u, "bn_moving_var", (3,)), 1)
    with pytest.raises(ValueError, match="Unknown initialization pattern"):
        init(u, "something", (3,))
    with pytest.raises(ValueError, match="vector"):
        init(mx.init.Xavier(), "fc_weight", (3,))


def test_normal_statistics_and_seed():
    mx.random.seed(11)
    a = init(mx.init.Normal(0.5), "w_weight", (200, 100))
    mx.random.seed(11)
    b = init(mx.init.Normal(0.5), "w_weight", (200, 100))
    np.testing.assert_array_equal(a, b)
    assert abs(a.mean()) < 0.02 and abs(a.std() - 0.5) < 0.02 and a.dtype == np.float32
    m = init(mx.init.MSRAPrelu(factor_type="in"), "c_weight", (64, 32, 3, 3))
    assert abs(m.std() - np.sqrt(2.0 / (1 + 0.25 ** 2) / (32 * 9))) < 0.01 * m.std() + 2e-3
    x = init(mx.init.Xavier(rnd_type="gaussian", magnitude=2), "f_weight", (300, 200))
    assert abs(x.std() - np.sqrt(2.0 / 250)) < 0.005


def test_orthogonal_is_orthogonal():
    w = init(mx.init.Orthogonal(scale=1.0, rand_type="normal"), "q_weight", (5, 8))
    np.testing.assert_allclose(w @ w.T, np.eye(5), atol=1e-5)


def test_load_initializer():
    src = {"arg:fc_weight": nd.array([[1.0, 2.0]]), "fc_bias": nd.array([3.0])}
    ld = mx.init.Load(src, default_init=mx.init.Constant(9.0))
    a, b, c = nd.zeros((1, 2)), nd.zeros((1,)), nd.zeros((2,))
    ld("fc_weight", a)
    ld("fc_bias", b)
    with pytest.warns(DeprecationWarning, match="InitDesc"):  # the default init gets a plain-string name
        ld("other_weight", c)
    np.testing.assert_array_equal(a.asnumpy(), [[1, 2]])
    np.testing.assert_array_equal(b.asnumpy(), [3])
    np.testing.assert_array_equal(c.asnumpy(), [9, 9])
    with pytest.raises(mx.MXNetError, match="Shape mismatch"):
        ld("fc_weight", nd.zeros((2, 2)))


def test_float16_target():
    mx.random.seed(7)
    arr = nd.zeros((3, 4), dtype="float16")
    mx.init.Uniform()(mx.init.InitDesc("fc_weight"), arr)
    assert arr.dtype == np.float16
    # MXNet 1.9.1 samples a float16 target through doubles (two words per value), so these are not the float32
    # golden's values; printed by MXNet itself for this seed and call
    want = [[0.05844, 0.0697, -0.02893, -0.0519], [0.0152, 0.06076, 0.03842, 0.01819],
            [0.00851, 0.02502, -0.05893, -0.02998]]
    np.testing.assert_allclose(arr.asnumpy(), want, rtol=1e-3)


def test_fused_rnn_matches_mxnet():
    mx.random.seed(3)
    fused = mx.init.FusedRNN(None, 3, 2, "lstm", True, forget_bias=1.5)
    got = init(mx.init.Uniform(0.2), "lstm_parameters", GOLD["fused_lstm"].shape, {"__init__": fused})
    np.testing.assert_allclose(got, GOLD["fused_lstm"], rtol=1e-6)
    gru = mx.init.FusedRNN(mx.init.Uniform(0.5).dumps(), 2, 1, "gru")  # a dumps() string works too
    got = init(mx.init.Zero(), "gru_parameters", GOLD["fused_gru"].shape, {"__init__": gru})
    np.testing.assert_allclose(got, GOLD["fused_gru"], rtol=1e-6)
    with pytest.raises(mx.MXNetError, match="Invalid parameters size"):
        init(mx.init.Zero(), "p", (7,), {"__init__": gru})

"""nn and loss/output ops against MXNet 1.9.1 (golden data in tests/data/nnops/, recorded by generate.py
from the cases in cases.py), plus behaviour the op table cannot express: Dropout statistics, BatchNorm's
moving statistics, output ops ignoring the head gradient, and second-order gradients through them."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import autograd, nd
from ndgrad.base import MXNetError
from ndgrad.test_utils import check_gradient

DATA = Path(__file__).resolve().parents[1] / "data" / "nnops"
_spec = importlib.util.spec_from_file_location("nnops_cases", DATA / "cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
GOLDEN = np.load(DATA / "mxnet_1.9.1.npz")


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_matches_mxnet(case):
    got = cases.run(mx, case)
    want = {k.split("/", 1)[1]: GOLDEN[k] for k in GOLDEN.files if k.split("/", 1)[0] == case.name}
    assert sorted(got) == sorted(want)
    for key, w in want.items():
        g = got[key]
        assert g.shape == w.shape, f"{case.name} {key}: shape {g.shape} != MXNet's {w.shape}"
        assert g.dtype == w.dtype, f"{case.name} {key}: dtype {g.dtype} != MXNet's {w.dtype}"
        np.testing.assert_allclose(g, w, rtol=2e-4, atol=2e-5, err_msg=f"{case.name} {key}")


# ------------------------------------------------------------------------------------------ Dropout
def test_dropout_scales_kept_elements_and_zeroes_about_p():
    x = nd.ones((200, 50))
    with autograd.record():
        y = nd.Dropout(x, p=0.3)
    v = y.asnumpy()
    kept = v[v != 0]
    np.testing.assert_allclose(kept, np.float32(1 / 0.7), rtol=1e-6)
    assert abs((v == 0).mean() - 0.3) < 0.02
    assert y.dtype == np.float32


def test_dropout_is_identity_outside_training_and_active_with_always():
    x = nd.array(np.arange(12.0).reshape(3, 4))
    y = nd.Dropout(x, p=0.5)
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    y[:] = 5  # the output is a new array, as in MXNet
    assert x.asnumpy()[0, 0] == 0
    with autograd.record(train_mode=False):
        np.testing.assert_array_equal(nd.Dropout(x, p=0.5).asnumpy(), x.asnumpy())
    y = nd.Dropout(nd.ones((100, 100)), p=0.5, mode="always").asnumpy()
    assert 0.4 < (y == 0).mean() < 0.6


def test_dropout_gradient_is_the_mask_and_axes_share_draws():
    x = nd.ones((6, 40))
    x.attach_grad()
    with autograd.record():
        y = nd.Dropout(x, p=0.5, axes=(0,))
    y.backward()
    v = y.asnumpy()
    assert (v == v[:1]).all()  # one draw per column
    np.testing.assert_array_equal(x.grad.asnumpy(), v)


def test_dropout_follows_the_seed():
    mx.random.seed(42)
    with autograd.train_mode():
        a = nd.Dropout(nd.ones((5, 7))).asnumpy()
    mx.random.seed(42)
    with autograd.train_mode():
        b = nd.Dropout(nd.ones((5, 7))).asnumpy()
    np.testing.assert_array_equal(a, b)
    mx.random.seed(0)


# ------------------------------------------------------------------------------------------ BatchNorm
def test_batchnorm_moving_stats_update_on_backward_only():
    rng = np.random.default_rng(0)
    x = nd.array(rng.standard_normal((8, 3, 4)))
    gamma, beta = nd.ones(3), nd.zeros(3)
    mm, mv = nd.zeros(3), nd.ones(3)
    x.attach_grad()
    with autograd.record():
        y = nd.BatchNorm(x, gamma, beta, mm, mv, momentum=0.9)
    np.testing.assert_array_equal(mm.asnumpy(), np.zeros(3))  # as MXNet: nothing yet
    y.backward()
    xn = x.asnumpy()
    np.testing.assert_allclose(mm.asnumpy(), 0.1 * xn.mean(axis=(0, 2)), rtol=1e-5)
    np.testing.assert_allclose(mv.asnumpy(), 0.9 + 0.1 * xn.var(axis=(0, 2)), rtol=1e-5)
    with autograd.train_mode():  # training without recording: batch statistics, no update
        nd.BatchNorm(x, gamma, beta, mm, mv)
    np.testing.assert_allclose(mm.asnumpy(), 0.1 * xn.mean(axis=(0, 2)), rtol=1e-5)


def test_batchnorm_inference_uses_moving_stats():
    x = nd.array([[1.0, 2.0], [3.0, 6.0]])
    y = nd.BatchNorm(x, nd.array([2.0, 1.0]), nd.array([0.5, 0.0]), nd.array([1.0, 2.0]), nd.array([4.0, 1.0]),
                     eps=0.0, fix_gamma=False)
    np.testing.assert_allclose(y.asnumpy(), [[0.5, 0.0], [2.5, 4.0]])


def test_batchnorm_second_order_through_batch_statistics():
    rng = np.random.default_rng(1)
    inputs = [rng.uniform(-2, 2, (4, 3)), rng.uniform(0.5, 2, 3), rng.uniform(-1, 1, 3)]

    def grad_of_loss(x, g, b):
        with autograd.record():
            y = nd.BatchNorm(x, g, b, nd.zeros(3, dtype="float64"), nd.ones(3, dtype="float64"), fix_gamma=False)
            loss = (y * y * y).sum()
        return autograd.grad(loss, [x, g], create_graph=True)

    def f(x, g, b):
        for a in (x, g):
            if a._node is None:
                a.attach_grad()
        return grad_of_loss(x, g, b)

    check_gradient(f, inputs, wrt=(0, 1), rtol=1e-4, atol=1e-6)


def test_batchnorm_bad_shapes_raise():
    with pytest.raises(MXNetError, match="BatchNorm"):
        nd.BatchNorm(nd.ones((2, 3)), nd.ones(4), nd.ones(3), nd.ones(3), nd.ones(3))


# ------------------------------------------------------------------------------------------ output ops
def _second_order(op, inputs):
    """check_gradient of x -> d(op(x, label))/dx recorded with create_graph=True."""
    def f(x, label):
        if x._node is None:
            x.attach_grad()
        with autograd.record():
            y = op(x, label)
        return autograd.grad(y, [x], create_graph=True)
    check_gradient(f, inputs, wrt=(0,), rtol=1e-4, atol=1e-6)


def test_softmax_output_second_order_is_the_softmax_jacobian():
    rng = np.random.default_rng(2)
    _second_order(lambda x, y: nd.SoftmaxOutput(x, y, grad_scale=0.5),
                  [rng.uniform(-2, 2, (3, 4)), np.array([0.0, 3.0, 1.0])])


def test_logistic_regression_output_second_order():
    rng = np.random.default_rng(3)
    _second_order(nd.LogisticRegressionOutput, [rng.uniform(-2, 2, (3, 2)), rng.uniform(0, 1, (3, 2))])


def test_svm_output_second_order():
    rng = np.random.default_rng(4)
    _second_order(lambda x, y: nd.SVMOutput(x, y, margin=1.5), [rng.uniform(-2, 2, (3, 4)), np.array([0.0, 3.0, 1.0])])


def test_output_ops_ignore_the_head_gradient():
    x = nd.array([[1.0, 2.0, 3.0]])
    x.attach_grad()
    with autograd.record():
        y = nd.SoftmaxOutput(x, nd.array([2.0]))
    y.backward(nd.array([[5.0, -7.0, 11.0]]))
    p = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(x.grad.asnumpy(), [p - [0, 0, 1]], rtol=1e-6)
    with autograd.record():
        y = nd.MakeLoss(x, grad_scale=3.0)
    y.backward(nd.array([[5.0, -7.0, 11.0]]))
    np.testing.assert_array_equal(x.grad.asnumpy(), [[3.0, 3.0, 3.0]])


# ------------------------------------------------------------------------------------------ FullyConnected
def test_fully_connected_keeps_float32_and_checks_shapes():
    x, w, b = nd.ones((2, 3)), nd.ones((4, 3)), nd.ones(4)
    for a in (x, w, b):
        a.attach_grad()
    with autograd.record():
        y = nd.FullyConnected(x, w, b, num_hidden=4)
    y.backward()
    assert y.dtype == x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32
    np.testing.assert_array_equal(b.grad.asnumpy(), [2.0] * 4)
    with pytest.raises(MXNetError, match="FullyConnected"):
        nd.FullyConnected(x, w, b, num_hidden=5)
    with pytest.raises(MXNetError, match="bias"):
        nd.FullyConnected(x, w, num_hidden=4)


def test_gluon_style_calls():
    x = nd.ones((2, 3, 4))
    y = nd.BatchNorm(x, nd.ones(3), nd.zeros(3), nd.zeros(3), nd.ones(3), name="fwd", eps=1e-5, momentum=0.9,
                     fix_gamma=True, use_global_stats=False, axis=1, cudnn_off=False)
    assert y.shape == x.shape
    assert nd.Dropout(x, p=0.2, axes=(), name="fwd", cudnn_off=False).shape == x.shape
    assert nd.LeakyReLU(x, act_type="leaky", slope=0.1, name="fwd").shape == x.shape
    assert nd.LeakyReLU(x, gamma=nd.ones(3), act_type="prelu", name="fwd").shape == x.shape
    assert nd.LayerNorm(x, gamma=nd.ones(4), beta=nd.zeros(4), axis=-1, eps=1e-5).shape == x.shape
    assert x.softmax(axis=1).shape == x.shape


# ------------------------------------------------------------------------------------------ RNN
def _rnn_args(mode, layers, bidirectional, steps=4, batch=2, inputs=3, hidden=2, dtype="float64"):
    from ndgrad.ops.rnn import rnn_param_size
    rng = np.random.default_rng(5)
    dirs = 2 if bidirectional else 1
    size = rnn_param_size(mode, layers, bidirectional, inputs, hidden)
    arrays = [rng.uniform(-1, 1, (steps, batch, inputs)), rng.uniform(-0.6, 0.6, size),
              rng.uniform(-1, 1, (layers * dirs, batch, hidden))]
    if mode == "lstm":
        arrays.append(rng.uniform(-1, 1, (layers * dirs, batch, hidden)))
    return [a.astype(dtype) for a in arrays]


@pytest.mark.parametrize("mode,layers,bidirectional", [("lstm", 2, True), ("gru", 1, True), ("rnn_tanh", 2, False)])
def test_rnn_gradient_matches_numeric(mode, layers, bidirectional):
    def f(*xs):
        return nd.RNN(*xs, state_size=2, num_layers=layers, bidirectional=bidirectional, mode=mode,
                      state_outputs=True)
    args = _rnn_args(mode, layers, bidirectional)
    check_gradient(f, args, rtol=1e-4, atol=1e-6, full_jacobian_max=0)


def test_rnn_second_order_through_the_unrolled_steps():
    args = _rnn_args("gru", 1, False, steps=3)

    def f(x, params, state):
        for a in (x, params):
            if a._node is None:
                a.attach_grad()
        with autograd.record():
            y = nd.RNN(x, params, state, state_size=2, num_layers=1, mode="gru")
            loss = (y * y).sum()
        return autograd.grad(loss, [x, params], create_graph=True)

    check_gradient(f, args, wrt=(0,), rtol=1e-4, atol=1e-6, full_jacobian_max=0)


def test_rnn_lstm_state_clip_bounds_the_cell_state():
    x, params, h0, c0 = (nd.array(a) for a in _rnn_args("lstm", 1, False, dtype="float32"))
    params = params * 5
    _, _, c = nd.RNN(x, params, h0, c0, state_size=2, num_layers=1, mode="lstm", state_outputs=True,
                     lstm_state_clip_min=-0.2, lstm_state_clip_max=0.3)
    assert c.asnumpy().min() >= -0.2 - 1e-7 and c.asnumpy().max() <= 0.3 + 1e-7


def test_rnn_shapes_and_errors():
    x, params, h0 = (nd.array(a) for a in _rnn_args("rnn_relu", 2, True, dtype="float32"))
    out = nd.RNN(x, params, h0, state_size=2, num_layers=2, bidirectional=True, mode="rnn_relu")
    assert out.shape == (4, 2, 4) and out.dtype == np.float32
    with pytest.raises(MXNetError, match="parameters"):
        nd.RNN(x, params[:5], h0, state_size=2, num_layers=2, bidirectional=True, mode="rnn_relu")
    with pytest.raises(MXNetError, match="sequence_length"):
        nd.RNN(x, params, h0, state_size=2, num_layers=2, bidirectional=True, mode="rnn_relu",
               use_sequence_length=True)


@pytest.mark.parametrize("mode,layers", [("lstm", 2), ("gru", 1)])
def test_rnn_sequence_length_matches_running_each_sequence_alone(mode, layers):
    args = [nd.array(a) for a in _rnn_args(mode, layers, True, steps=5, batch=3)]
    lengths = [5, 2, 3]
    kw = dict(state_size=2, num_layers=layers, bidirectional=True, mode=mode, state_outputs=True)
    out = nd.RNN(*args, nd.array(lengths), use_sequence_length=True, **kw)
    for i, n in enumerate(lengths):
        alone = nd.RNN(args[0][:n, i:i + 1], args[1], *(s[:, i:i + 1] for s in args[2:]), **kw)
        np.testing.assert_allclose(out[0].asnumpy()[:n, i], alone[0].asnumpy()[:, 0], rtol=1e-5, atol=1e-7)
        assert not out[0].asnumpy()[n:, i].any()
        for got, want in zip(out[1:], alone[1:]):
            np.testing.assert_allclose(got.asnumpy()[:, i], want.asnumpy()[:, 0], rtol=1e-5, atol=1e-7)


# ------------------------------------------------------------------------------------------ CTC
def test_ctc_gradient_and_second_order_match_numeric():
    rng = np.random.default_rng(7)
    x = rng.uniform(-2, 2, (5, 2, 4))
    label = nd.array([[1, 2, 0], [3, 3, 1]], dtype="float64")

    def loss(x):
        return nd.CTCLoss(x, label)

    check_gradient(loss, [x], rtol=1e-4, atol=1e-6, full_jacobian_max=0)

    def grad(x):
        if x._node is None:
            x.attach_grad()
        with autograd.record():
            y = nd.CTCLoss(x, label)
        return autograd.grad(y, [x], create_graph=True)

    check_gradient(grad, [x], rtol=1e-4, atol=1e-6, full_jacobian_max=0)


def test_ctc_impossible_alignment_is_inf():
    x = nd.zeros((2, 1, 3))
    assert np.isinf(nd.CTCLoss(x, nd.array([[1, 1, 1]])).asnumpy()).all()

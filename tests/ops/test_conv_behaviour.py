"""Convolution-family behaviour against MXNet 1.9.1 goldens (tests/data/conv), shape conventions, errors,
float32 preservation and higher-order gradients."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ndgrad import autograd, nd
from ndgrad.base import MXNetError
from ndgrad.ops import conv as conv_ops
from ndgrad.ops.registry import fn
from ndgrad.test_utils import check_gradient

DATA = Path(__file__).resolve().parents[1] / "data" / "conv"
META = json.loads((DATA / "golden.json").read_text())
GOLD = np.load(DATA / "golden.npz")


def _fn(op):
    return getattr(fn, op)  # the registry's table: the contrib ops are not in nd's top level


def _attrs(attrs):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in attrs.items()}


@pytest.mark.parametrize("wide", [0, 10**9], ids=["batch-last", "per-image"])
@pytest.mark.parametrize("case", META["cases"], ids=lambda c: c["id"])
def test_matches_mxnet(case, wide, monkeypatch):
    # both column layouts of the convolution kernels (picked by size in normal use) on every case
    monkeypatch.setattr(conv_ops, "_WIDE", wide)
    cid = case["id"]
    xs = [nd.array(GOLD[f"{cid}/in/{name}"]) for name in case["inputs"]]
    for name, x in zip(case["inputs"], xs):
        if name in case["grads"]:
            x.attach_grad()
    with autograd.record():
        y = _fn(case["op"])(*xs, **_attrs(case["attrs"]))
    want = GOLD[f"{cid}/out"]
    assert y.shape == want.shape
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-4, atol=1e-5)
    y.backward(nd.array(GOLD[f"{cid}/head"]))
    for name, x in zip(case["inputs"], xs):
        if name in case["grads"]:
            assert x.grad.dtype == np.float32
            np.testing.assert_allclose(x.grad.asnumpy(), GOLD[f"{cid}/grad/{name}"], rtol=1e-4, atol=1e-5,
                                       err_msg=f"{cid}: gradient of {name}")


def test_golden_covers_every_public_op():
    assert {c["op"] for c in META["cases"]} == {"Convolution", "Deconvolution", "Pooling", "UpSampling",
                                                "_contrib_BilinearResize2D", "_contrib_AdaptiveAvgPooling2D",
                                                "im2col", "col2im"}


@pytest.mark.parametrize("shape,kernel,stride,pad,conv,want", [
    ((1, 1, 7, 6), (3, 3), (2, 2), (1, 1), "valid", (4, 3)),
    ((1, 1, 7, 6), (3, 3), (2, 2), (1, 1), "full", (4, 4)),
    ((1, 1, 7, 6), (2, 2), (2, 2), (0, 0), "full", (4, 3)),
    ((1, 1, 7, 6), (3, 3), (2, 2), (0, 0), "full", (3, 3)),
])
def test_pooling_output_shapes(shape, kernel, stride, pad, conv, want):
    y = nd.Pooling(nd.ones(shape), kernel=kernel, stride=stride, pad=pad, pooling_convention=conv)
    assert y.shape == shape[:2] + want


def test_pooling_defaults_and_global():
    x = nd.ones((1, 2, 5, 5))
    assert nd.Pooling(x, kernel=(2, 2)).shape == (1, 2, 4, 4)  # stride defaults to 1
    assert nd.Pooling(x, kernel=(2, 2), global_pool=True, pad=(1, 1), stride=(2, 2)).shape == (1, 2, 1, 1)
    assert nd.Pooling(x, global_pool=True, pool_type="avg").shape == (1, 2, 1, 1)


def test_pooling_same_convention_is_1d_only():
    y = nd.Pooling(nd.arange(7).reshape((1, 1, 7)), kernel=(3,), stride=(2,), pooling_convention="same")
    assert y.shape == (1, 1, 4)
    np.testing.assert_allclose(y.asnumpy().ravel(), [1, 3, 5, 6])
    with pytest.raises(MXNetError, match="same"):
        nd.Pooling(nd.ones((1, 1, 4, 4)), kernel=(2, 2), pooling_convention="same")


def test_max_pooling_gradient_goes_to_first_maximum_and_skips_padding():
    x = nd.array([[[[1, 1, 0], [1, 0, 0], [0, 0, 0]]]])
    x.attach_grad()
    with autograd.record():
        y = nd.Pooling(x, kernel=(2, 2), stride=(1, 1))
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy()[0, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])
    x = -nd.ones((1, 1, 3, 3))
    x.attach_grad()
    with autograd.record():
        y = nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pad=(1, 1))
    np.testing.assert_array_equal(y.asnumpy(), -np.ones((1, 1, 2, 2)))
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy()[0, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_lp_pooling_keeps_sign_as_mxnet():
    y = nd.array([[[[-1, -2], [-3, -4]]]])
    np.testing.assert_allclose(nd.Pooling(y, kernel=(2, 2), pool_type="lp", p_value=1).asnumpy(), [[[[-10]]]])
    np.testing.assert_allclose(nd.Pooling(y, kernel=(2, 2), pool_type="lp", p_value=3).asnumpy(),
                               [[[[-np.cbrt(100)]]]], rtol=1e-6)
    with pytest.raises(MXNetError, match="p_value"):
        nd.Pooling(y, kernel=(2, 2), pool_type="lp")


def test_bias_arguments_follow_no_bias():
    x, w = nd.ones((1, 2, 5, 5)), nd.ones((3, 2, 3, 3))
    with pytest.raises(MXNetError, match="bias"):
        nd.Convolution(x, w, kernel=(3, 3), num_filter=3)
    with pytest.raises(MXNetError, match="bias"):
        nd.Convolution(x, w, nd.ones(3), kernel=(3, 3), num_filter=3, no_bias=True)
    assert nd.Convolution(x, w, kernel=(3, 3), num_filter=3, no_bias=True).shape == (1, 3, 3, 3)
    wd = nd.ones((2, 3, 3, 3))
    assert nd.Deconvolution(x, wd, kernel=(3, 3), num_filter=3).shape == (1, 3, 7, 7)  # no_bias defaults True
    with pytest.raises(MXNetError, match="bias"):
        nd.Deconvolution(x, wd, nd.ones(3), kernel=(3, 3), num_filter=3)


def test_deconvolution_shapes():
    x, w = nd.ones((1, 2, 5, 5)), nd.ones((2, 3, 3, 3))
    kw = dict(kernel=(3, 3), stride=(2, 2), num_filter=3)
    assert nd.Deconvolution(x, w, pad=(1, 1), adj=(1, 1), **kw).shape == (1, 3, 10, 10)
    assert nd.Deconvolution(x, w, target_shape=(10, 10), **kw).shape == (1, 3, 10, 10)
    assert nd.Deconvolution(x, w, target_shape=(8, 9), pad=(1, 1), adj=(1, 1), **kw).shape == (1, 3, 8, 9)
    with pytest.raises(MXNetError, match="target shape"):
        nd.Deconvolution(x, w, target_shape=(9, 12), **kw)


def test_weight_shape_is_checked():
    with pytest.raises(MXNetError, match="weight"):
        nd.Convolution(nd.ones((1, 4, 5, 5)), nd.ones((4, 4, 3, 3)), kernel=(3, 3), num_filter=4, num_group=2,
                       no_bias=True)
    with pytest.raises(MXNetError, match="kernel"):
        nd.Convolution(nd.ones((1, 4, 5)), nd.ones((3, 4, 3, 3)), kernel=(3, 3), num_filter=3, no_bias=True)


@pytest.mark.parametrize("op,shapes,attrs", [
    ("Convolution", [(2, 3, 6, 5), (4, 3, 3, 2), (4,)], dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), num_filter=4)),
    ("Convolution", [(2, 4, 7), (6, 2, 3), (6,)], dict(kernel=(3,), num_filter=6, num_group=2)),
    ("Deconvolution", [(2, 3, 4, 3), (3, 2, 3, 3)], dict(kernel=(3, 3), stride=(2, 2), num_filter=2)),
    ("Pooling", [(2, 3, 5, 6)], dict(kernel=(2, 3), stride=(2, 2), pad=(1, 1))),
    ("Pooling", [(1, 2, 4, 4, 3)], dict(kernel=(2, 2, 2), pool_type="avg")),
])
def test_channels_last_layouts_match_channels_first(op, shapes, attrs):
    """NWC/NHWC/NDHWC give the channels-first results transposed (weights are (out, *kernel, in))."""
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal(s) for s in shapes]
    nd_ = len(shapes[0]) - 2
    last = {1: "NWC", 2: "NHWC", 3: "NDHWC"}[nd_]

    def moved(a):
        return np.moveaxis(a, 1, -1) if a.ndim > 1 else a

    want = getattr(nd, op)(*[nd.array(x, dtype=np.float64) for x in xs], **attrs).asnumpy()

    def f(*arrays):
        return getattr(nd, op)(*arrays, layout=last, **attrs)

    got = f(*[nd.array(moved(x), dtype=np.float64) for x in xs])
    np.testing.assert_allclose(got.asnumpy(), moved(want), rtol=1e-10, atol=1e-12)
    check_gradient(f, [moved(x) for x in xs])


def test_channels_last_second_order():
    rng = np.random.default_rng(1)
    x0, w0 = rng.standard_normal((1, 5, 5, 2)), rng.standard_normal((3, 2, 2, 2))
    v = nd.array(rng.standard_normal((1, 5, 5, 2)), dtype=np.float64)

    def f(w):
        x = nd.array(x0, dtype=np.float64)
        x.attach_grad()
        with autograd.record():
            h = nd.Convolution(x, w, kernel=(2, 2), num_filter=3, no_bias=True, layout="NHWC")
            y = (nd.Pooling(h * h, kernel=(2, 2), layout="NHWC", pool_type="lp", p_value=2)).sum()
        (gx,) = autograd.grad(y, [x], create_graph=True)
        return (gx * v).sum()

    check_gradient(f, [w0])


def test_layout_must_fit_the_kernel():
    with pytest.raises(MXNetError, match="layout"):
        nd.Convolution(nd.ones((1, 2, 5, 5)), nd.ones((3, 2, 3, 3)), kernel=(3, 3), num_filter=3, no_bias=True,
                       layout="NCW")


def test_float32_stays_float32_and_workspace_args_are_accepted():
    x, w, b = nd.ones((2, 3, 6, 6)), nd.ones((4, 3, 3, 3)), nd.zeros(4)
    y = nd.Convolution(x, w, b, kernel=(3, 3), num_filter=4, workspace=2048, cudnn_tune="fastest",
                       cudnn_off=True, layout="NCHW")
    assert y.dtype == np.float32
    assert nd.Pooling(y, kernel=(2, 2), cudnn_off=True).dtype == np.float32


def _lenet_like(x, w1, w2):
    h = nd.Convolution(x, w1, kernel=(3, 3), stride=(1, 1), pad=(1, 1), num_filter=2, no_bias=True)
    h = nd.Pooling(nd.tanh(h), kernel=(2, 2), stride=(2, 2), pool_type="avg")
    h = nd.Convolution(h, w2, kernel=(2, 2), dilate=(1, 1), num_filter=2, no_bias=True)
    return nd.Pooling(h * h, kernel=(2, 2), stride=(1, 1), pool_type="max")


def test_third_order_gradient_of_a_conv_net():
    """grad of grad of a small conv net (double backward through Convolution and Pooling), checked
    numerically: d/dw1 of sum(d loss / d x * v)."""
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((1, 1, 6, 6))
    v = nd.array(rng.standard_normal((1, 1, 6, 6)), dtype=np.float64)
    w2 = nd.array(rng.standard_normal((2, 2, 2, 2)), dtype=np.float64)

    def f(w1):
        x = nd.array(x0, dtype=np.float64)
        x.attach_grad()
        with autograd.record():
            y = _lenet_like(x, w1, w2).sum()
        (gx,) = autograd.grad(y, [x], create_graph=True)
        return (gx * v).sum()

    check_gradient(f, [rng.standard_normal((2, 1, 3, 3))])


@pytest.mark.parametrize("wide", [0, 10**9], ids=["batch-last", "per-image"])
def test_pooled_buffers_are_not_shared_between_live_graphs(wide, monkeypatch):
    """Convolution keeps its im2col columns for the weight gradient in a reused buffer; graphs alive at
    the same time (and calls in between) must each keep their own."""
    monkeypatch.setattr(conv_ops, "_WIDE", wide)
    rng = np.random.default_rng(0)
    xs = [nd.array(rng.standard_normal((2, 3, 6, 6)).astype(np.float32)) for _ in range(4)]
    w = nd.array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32))
    kw = dict(kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=True)

    def wgrad(x):
        w.attach_grad()
        with autograd.record():
            y = nd.Convolution(x, w, **kw)
        y.backward()
        return w.grad.asnumpy().copy()

    alone = [wgrad(x) for x in xs]
    w.attach_grad()
    with autograd.record():
        ys = [nd.Convolution(x, w, **kw) for x in xs]
    nd.Convolution(xs[0] * 2, w, **kw)  # an unrecorded call in between
    for y, want in zip(ys, alone):
        (g,) = autograd.grad(y, [w], retain_graph=True)
        np.testing.assert_allclose(g.asnumpy(), want, rtol=1e-5, atol=1e-5)


def test_workspace_stays_bounded():
    ws = conv_ops._Workspace()
    ws.MAX_BYTES = 1000
    held = [ws.get((50,), np.float32) for _ in range(4)]  # 200 bytes each: three pooled, all distinct
    assert len({id(b) for b in held}) == 4
    assert ws.nbytes == 600
    big = ws.get((400,), np.float32)  # 1600 bytes: never pooled, evicts the older shape to try
    assert big.shape == (400,) and ws.nbytes <= ws.MAX_BYTES
    del held
    a = ws.get((30,), np.float32)
    b = ws.get((30,), np.float32)
    assert a is not b  # a is still referenced here
    pooled = id(a)
    del a
    c = ws.get((30,), np.float32)
    assert id(c) == pooled  # handed out again once only the pool holds it
    assert c is not b and ws.nbytes <= ws.MAX_BYTES

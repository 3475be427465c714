"""x[key] and x[key] = value against MXNet 1.9.1's recorded answers (tests/data/indexlinalg/getitem.json)."""
import json
from pathlib import Path

import numpy as np
import pytest

from ndgrad import autograd, nd
from ndgrad.base import MXNetError

GOLD = json.loads((Path(__file__).parents[1] / "data" / "indexlinalg" / "getitem.json").read_text())


def _key(src):
    return eval(src, {"nd": nd, "np": np})


@pytest.mark.parametrize("case", GOLD["get"], ids=lambda c: f"{c['key']}@{c['shape_in']}")
def test_getitem_matches_mxnet(case):
    shape = tuple(case["shape_in"])
    x = nd.arange(int(np.prod(shape))).reshape(shape)
    if "error" in case:
        with pytest.raises({"IndexError": IndexError, "ValueError": ValueError}.get(case["error"], MXNetError)):
            x[_key(case["key"])]
        return
    y = x[_key(case["key"])]
    assert y.shape == tuple(case["shape"])
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.asnumpy().ravel(), case["value"])
    before = y.asnumpy().copy()
    x[:] = x + 100
    shares = not np.array_equal(before, y.asnumpy())
    assert shares == case["shares"], "memory sharing differs from MXNet"


@pytest.mark.parametrize("case", GOLD["set"], ids=lambda c: f"{c['key']}={c['value_src']}")
def test_setitem_matches_mxnet(case):
    x = nd.arange(24).reshape((2, 3, 4))
    if "error" in case:
        with pytest.raises({"IndexError": IndexError, "ValueError": ValueError}.get(case["error"], MXNetError)):
            x[_key(case["key"])] = _key(case["value_src"])
        return
    x[_key(case["key"])] = _key(case["value_src"])
    np.testing.assert_array_equal(x.asnumpy().ravel(), case["result"])


def test_getitem_gradient_adds_repeated_rows():
    x = nd.arange(12).reshape((3, 4))
    x.attach_grad()
    with autograd.record():
        y = x[[0, 2, 2]]
    y.backward(nd.arange(12).reshape((3, 4)))
    np.testing.assert_array_equal(x.grad.asnumpy().ravel(), GOLD["grad_repeat"])


def test_setitem_on_recorded_array_raises():
    x = nd.ones((2, 2))
    x.attach_grad()
    with autograd.record():
        y = x * 2
        with pytest.raises(MXNetError):
            y[0] = 1


# ----------------------------------------------------------------------------- ops vs MXNet (ops.npz)
OPS = np.load(Path(__file__).parents[1] / "data" / "indexlinalg" / "ops.npz")
CASES = sorted({k.split("/")[0] for k in OPS.files})


@pytest.mark.parametrize("name", CASES)
def test_op_matches_mxnet(name):
    src = str(OPS[f"{name}/src"])
    ins = [OPS[k] for k in sorted(k for k in OPS.files if k.startswith(name + "/in"))]
    xs = [nd.array(a, dtype=a.dtype) for a in ins]
    wrt = [i for i in range(len(ins)) if f"{name}/grad{i}" in OPS.files]
    for i in wrt:
        xs[i].attach_grad()
    with autograd.record():
        y = eval(src, {"L": nd.linalg, "nd": nd, "x": xs})
    ys = y if isinstance(y, (list, tuple)) else [y]
    for i, o in enumerate(ys):
        want = OPS[f"{name}/out{i}"]
        assert o.shape == want.shape, f"output {i}: shape {o.shape} != MXNet {want.shape}"
        assert o.dtype == want.dtype.type
        np.testing.assert_allclose(o.asnumpy(), want, rtol=1e-5, atol=1e-6)
    if wrt:
        autograd.backward(ys, [nd.array(OPS[f"{name}/head{i}"], dtype=OPS[f"{name}/head{i}"].dtype)
                               for i in range(len(ys))])
        for i in wrt:
            np.testing.assert_allclose(xs[i].grad.asnumpy(), OPS[f"{name}/grad{i}"], rtol=1e-5, atol=1e-6,
                                       err_msg=f"gradient of input {i}")


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("call", [
    lambda: nd.linalg.inverse(nd.ones((3, 4))),
    lambda: nd.linalg.det(nd.ones((2, 3))),
    lambda: nd.linalg.gelqf(nd.ones((4, 3))),
    lambda: nd.linalg.potrf(-nd.ones((2, 2))),
    lambda: nd.linalg.gemm2(nd.ones((2, 3)), nd.ones((2, 3))),
    lambda: nd.linalg.extractdiag(nd.ones((3, 4))),
    lambda: nd.batch_dot(nd.ones((2, 3)), nd.ones((3, 2))),
    lambda: nd.dot(nd.ones(3), nd.ones(3), transpose_a=True),
    lambda: nd.gather_nd(nd.ones((2, 3)), nd.array([[0, 2]])),
    lambda: nd.SequenceReverse(nd.ones((2, 3, 1)), axis=1),
    lambda: nd.Embedding(nd.array([0]), nd.ones((3, 2)), input_dim=4, output_dim=2),
    lambda: nd.slice_axis(nd.ones((2, 3)), axis=2, begin=0, end=1),
    lambda: nd.contrib.while_loop(lambda i: i < 1, lambda i: (i, i + 1), nd.zeros(1)),
])
def test_bad_input_raises_mxnet_error_naming_the_op(call):
    with pytest.raises(MXNetError) as info:
        call()
    msg = str(info.value)
    assert any(name in msg for name in ("dot", "inverse", "det", "gelqf", "potrf", "gemm2", "extractdiag", "batch_dot",
                                        "gather_nd", "SequenceReverse", "Embedding", "slice_axis", "while_loop"))


def test_inverse_error_names_shape():
    with pytest.raises(MXNetError, match=r"\(3, 4\)"):
        nd.linalg.inverse(nd.ones((3, 4)))


# ----------------------------------------------------------------------------- control flow
def test_foreach_structure_and_gradient():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        data = nd.linalg.gemm2(nd.array([[1.0], [2.0]]), x.reshape((1, 2)))  # rows x, 2x
        out, st = nd.contrib.foreach(lambda d, s: (d * s[0], [s[0] * d]), data, [nd.ones(2)])
        y = out.sum() + st[0].sum()
    y.backward()
    assert out.shape == (2, 2) and isinstance(st, list)
    np.testing.assert_allclose(x.grad.asnumpy(), [9.0, 17.0])  # MXNet 1.9.1 gives [9, 17]


def test_foreach_lists_of_data_and_outputs():
    out, st = nd.contrib.foreach(lambda xs, s: ([xs[0], xs[0] + xs[1]], s + 1),
                                 [nd.arange(4).reshape((2, 2)), nd.ones((2, 2))], nd.zeros(1))
    assert isinstance(out, list) and len(out) == 2 and isinstance(st, nd.NDArray)
    np.testing.assert_array_equal(out[1].asnumpy(), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(st.asnumpy(), [2])


def test_while_loop_pads_outputs_and_keeps_structure():
    outs, final = nd.contrib.while_loop(lambda i, s: i < 3, lambda i, s: ([s * 2, i], [i + 1, s + i]),
                                        [nd.array([0]), nd.array([1])], max_iterations=5)
    assert [o.shape for o in outs] == [(5, 1), (5, 1)]
    np.testing.assert_array_equal(outs[0].asnumpy()[:3].ravel(), [2, 2, 4])  # MXNet: rows past 3 undefined
    np.testing.assert_array_equal([f.asscalar() for f in final], [3, 4])
    single, last = nd.contrib.while_loop(lambda i: i < 2, lambda i: (i * 3, i + 1), nd.array([0]), max_iterations=3)
    assert isinstance(single, nd.NDArray) and single.shape == (3, 1) and last.asscalar() == 2
    none, last = nd.contrib.while_loop(lambda i: i < 0, lambda i: (i, i + 1), nd.array([0]), max_iterations=3)
    assert none == [] and last.asscalar() == 0


def test_while_loop_gradient_second_order():
    x = nd.array([1.5])
    x.attach_grad()
    with autograd.record():
        _, (_i, p) = nd.contrib.while_loop(lambda i, p: i < 3, lambda i, p: ([], [i + 1, p * x]),
                                          [nd.array([0]), nd.array([1.0])], max_iterations=10)
        (g,) = autograd.grad(p, [x], create_graph=True)  # d x^3 = 3 x^2
    g.backward()
    np.testing.assert_allclose(g.asnumpy(), [3 * 1.5 ** 2])
    np.testing.assert_allclose(x.grad.asnumpy(), [6 * 1.5])


def test_cond_picks_a_branch():
    a, b = nd.contrib.cond(nd.array([0]), lambda: [nd.ones(2), nd.ones(1)], lambda: [nd.zeros(2), nd.zeros(1)])
    assert a.asnumpy().tolist() == [0, 0] and b.shape == (1,)
    assert nd.contrib.cond(nd.array([2]), lambda: nd.ones(2), lambda: nd.zeros(2)).asnumpy().tolist() == [1, 1]


def test_linalg_keeps_float32():
    a = nd.array(np.eye(3) * 2)
    for f in (nd.linalg.potrf, nd.linalg.inverse, nd.linalg.det, nd.linalg.sumlogdiag):
        assert f(a).dtype == np.float32
    assert all(o.dtype == np.float32 for o in nd.linalg.syevd(a) + nd.linalg.gelqf(a) + nd.linalg.slogdet(a))


def test_control_flow_nested_structures():
    def body(x, s):
        (a, b), c = s
        return [x + a, [x * 2]], [[a + 1, b], c + x]
    out, st = nd.contrib.foreach(body, nd.arange(4).reshape((2, 2)), [[nd.zeros(2), nd.ones(1)], nd.zeros(2)])
    # MXNet 1.9.1: outputs [[[0, 1], [3, 4]], [[[0, 2], [4, 6]]]], states [[[2, 2], [1]], [2, 4]]
    np.testing.assert_array_equal(out[0].asnumpy(), [[0, 1], [3, 4]])
    np.testing.assert_array_equal(out[1][0].asnumpy(), [[0, 2], [4, 6]])
    np.testing.assert_array_equal(st[0][0].asnumpy(), [2, 2])
    np.testing.assert_array_equal(st[1].asnumpy(), [2, 4])
    outs, final = nd.contrib.while_loop(lambda a, b: a[0] < 2, lambda a, b: ([a[0], [b]], [[a[0] + 1], b * 2]),
                                        [[nd.zeros(1)], nd.ones(1)], max_iterations=3)
    np.testing.assert_array_equal(outs[0].asnumpy()[:2].ravel(), [0, 1])
    np.testing.assert_array_equal(outs[1][0].asnumpy()[:2].ravel(), [1, 2])
    assert final[0][0].asscalar() == 2 and final[1].asscalar() == 4

# ruff: noqa: E501
"""Record MXNet 1.9.1's answers for indexing, linalg and contrib (run with /work/main/.venv-mxnet/bin/python).

Writes getitem.json (x[key] shapes/values/memory sharing, x[key] = value results) and ops.npz (op outputs
and gradients for fixed inputs).
"""
import json
import os

import numpy as np
from mxnet import autograd, nd

HERE = os.path.dirname(os.path.abspath(__file__))

# keys are written as Python source so the test can rebuild them with nd = ndgrad.nd
GET_KEYS = [
    "1", "-1", "(1,)", "(1, 2)", "(1, 2, 3)", "(-1, -2, -3)", "slice(1, 3)", "slice(None, None, 2)",
    "slice(None, None, -1)", "slice(-3, None)", "slice(5, 10)", "(slice(None), 1)", "(1, slice(1, 3))",
    "(slice(None), slice(None), 2)", "(slice(None), slice(0, 3, 2))", "(slice(1, 2), slice(None), slice(1, 3))",
    "None", "(None, 1)", "(1, None)", "(slice(None), None, 1)", "Ellipsis", "(Ellipsis, 1)", "(1, Ellipsis)",
    "(Ellipsis, None)", "(0, Ellipsis, 0)", "[0, 2]", "[1, 0, 1]", "([0, 1], [2, 0])", "([0, 1], [2, 0], [1, 3])",
    "(slice(None), [0, 2])", "(1, [0, 2])", "([0, 1], slice(None), [1, 3])", "([[0, 1], [1, 0]],)",
    "nd.array([0, 2])", "nd.array([1.7, 0.2])", "nd.array([0, 2], dtype='int32')", "nd.array([0, 2], dtype='int64')",
    "(nd.array([0, 1]), nd.array([2, 0]))", "(slice(None), nd.array([[0, 2], [1, 1]]))",
    "np.array([0, 2])", "(Ellipsis, [0, 3])", "([0, 1], 1)", "(slice(0, 2), [0, 2], slice(None))",
    "(slice(None), [0, 1], [1, 2])", "([0, 1], [1, 2], slice(None))", "([0, 1],)", "(0, 1, slice(None))",
    "slice(None)", "(slice(None), slice(None), slice(None, None, -2))", "(None, None)",
    "np.array([True, False])", "nd.array([1, 0], dtype='bool')", "(slice(None), np.array([2.9, 0.1]))",
    "(0, slice(None), nd.array([3, 0]))", "(nd.array([1]), 1, 1)",
]
ONE_D_KEYS = ["slice(None, None, 2)", "slice(1, 4, 3)", "slice(3, 0, -1)", "(Ellipsis, None)", "0", "-1", "slice(1, 3)", "[0, 2]", "None", "Ellipsis", "(0,)", "nd.array([3, 1])",
              "slice(None, None, -1)"]
BAD_KEYS = ["2", "(0, 3)", "(0, 0, 4)", "(0, 0, 0, 0)", "[5]", "-3"]

SET_CASES = [  # key, value source
    ("1", "5"), ("1", "nd.array([1, 2, 3, 4])"), ("1", "nd.array([[7], [8], [9]])"),
    ("(slice(None), 1)", "nd.array([1, 2, 3, 4])"), ("(slice(None), 1)", "nd.array([[1, 2, 3, 4]])"),
    ("slice(None)", "1.5"), ("(0, 1, 2)", "-4"), ("(Ellipsis, 0)", "nd.array([1, 2, 3])"),
    ("[0, 1]", "nd.array([3])"), ("([0, 1], [1, 2])", "nd.array([1, 2, 3, 4])"),
    ("(slice(None), slice(None, None, 2))", "np.array([1, 2])"), ("slice(0, 1)", "nd.ones((3, 4))"),
    ("(1, slice(0, 2), slice(1, 3))", "nd.array([[10, 20], [30, 40]])"), ("nd.array([1])", "2"),
    ("(0, [0, 2])", "nd.array([[1], [2]])"), ("1", "nd.arange(12)"), ("0", "nd.ones((1, 3, 4))"),
    ("(slice(None), 0)", "nd.ones((2, 1, 4))"), ("0", "nd.ones((3, 1))"), ("(0, 0)", "nd.array([5], dtype='int32')"),
    ("0", "np.float64(2.5)"), ("(0, 0, 0)", "nd.ones((1, 1))"), ("0", "nd.ones((2, 3, 4))"), ("[0, 1]", "nd.ones((2, 12))"),
    ("(0, 5)", "1"), ("nd.array([[0, 1], [1, 0]])", "nd.zeros((2, 2, 3, 4))"), ("(slice(None), 0, slice(None))", "[1, 2, 3, 4]"),
]


def src():
    return nd.arange(24).reshape((2, 3, 4))


def get_case(key_src, shape=(2, 3, 4)):
    x = nd.arange(int(np.prod(shape))).reshape(shape)
    key = eval(key_src)
    try:
        y = x[key]
        before = y.asnumpy().copy()
    except Exception as err:
        return {"key": key_src, "shape_in": list(shape), "error": type(err).__name__}
    x[:] = x + 100
    shares = not np.array_equal(before, y.asnumpy())
    return {"key": key_src, "shape_in": list(shape), "shape": list(y.shape), "value": before.ravel().tolist(),
            "dtype": str(y.dtype.__name__), "shares": bool(shares)}


def set_case(key_src, val_src):
    x = src()
    try:
        x[eval(key_src)] = eval(val_src)
        x.asnumpy()
    except Exception as err:
        return {"key": key_src, "value_src": val_src, "error": type(err).__name__}
    return {"key": key_src, "value_src": val_src, "result": x.asnumpy().ravel().tolist()}


def getitem_json():
    data = {
        "get": [get_case(k) for k in GET_KEYS] + [get_case(k, (4,)) for k in ONE_D_KEYS]
        + [get_case(k, (2, 3, 4)) for k in BAD_KEYS]
        + [get_case(k, (6, 2)) for k in ["slice(None, None, 2)", "slice(1, 4, 3)", "(slice(1, 3), 1)",
                                         "(slice(2, 3), slice(0, 1))", "(slice(1, 2), 1)", "(slice(None), None)"]],
        "set": [set_case(k, v) for k, v in SET_CASES],
    }
    # gradient of x[key] with repeated advanced indices
    x = nd.arange(12).reshape((3, 4))
    x.attach_grad()
    with autograd.record():
        y = x[[0, 2, 2]]
    y.backward(nd.arange(12).reshape((3, 4)))
    data["grad_repeat"] = x.grad.asnumpy().ravel().tolist()
    with open(os.path.join(HERE, "getitem.json"), "w") as f:
        json.dump(data, f, indent=0)


def grads(f, *arrays, wrt=None, head=None):
    xs = [nd.array(a, dtype=a.dtype) for a in arrays]
    if wrt == []:
        y = f(*xs)
        ys = y if isinstance(y, (list, tuple)) else [y]
        return [o.asnumpy() for o in ys], [o.asnumpy() * 0 for o in ys], []
    wrt = range(len(xs)) if wrt is None else wrt
    for i in wrt:
        xs[i].attach_grad()
    with autograd.record():
        y = f(*xs)
    ys = y if isinstance(y, (list, tuple)) else [y]
    rng = np.random.RandomState(7)
    heads = [nd.array(rng.standard_normal(o.shape).astype(o.dtype), dtype=o.dtype) for o in ys]
    autograd.backward(ys, heads)
    return [o.asnumpy() for o in ys], [h.asnumpy() for h in heads], [xs[i].grad.asnumpy() for i in wrt]


def _spd(rng, shape):
    x = rng.uniform(-0.5, 0.5, shape)
    return (x + np.swapaxes(x, -1, -2)) / 2 + 3 * np.eye(shape[-1])


def op_cases():
    """name -> (call source using L = nd.linalg and nd, list of float64 inputs, indices of inputs to differentiate)."""
    rng = np.random.RandomState(3)
    u = lambda *s: rng.uniform(-1, 1, s)  # noqa: E731
    spd = _spd(rng, (2, 3, 3))
    low = np.tril(rng.uniform(-0.5, 0.5, (2, 3, 3))) + 2 * np.eye(3)
    sym = u(2, 3, 3)
    sym = sym + np.swapaxes(sym, -1, -2) + np.diag([-2.0, 0.0, 2.0])
    return {
        "gemm": ("L.gemm(x[0], x[1], x[2], transpose_b=True, alpha=2.0, beta=0.5)", [u(2, 3, 4), u(2, 5, 4), u(2, 3, 5)], [0, 1, 2]),
        "gemm2": ("L.gemm2(x[0], x[1], transpose_a=True, alpha=1.5)", [u(2, 4, 3), u(2, 4, 5)], [0, 1]),
        "gemm2_axis": ("L.gemm2(x[0], x[1], axis=-3, transpose_b=True)", [u(3, 2, 4), u(5, 2, 4)], [0, 1]),
        "gemm_axis": ("L.gemm(x[0], x[1], x[2], axis=0, alpha=2.0, beta=3.0)", [u(3, 2, 4), u(4, 2, 5), u(3, 2, 5)], [0, 1, 2]),
        "syrk": ("L.syrk(x[0], transpose=True, alpha=0.5)", [u(2, 3, 4)], [0]),
        "trmm": ("L.trmm(x[0], x[1], rightside=True, lower=False, alpha=2.0)", [u(2, 3, 3), u(2, 4, 3)], [0, 1]),
        "trmm_t": ("L.trmm(x[0], x[1], transpose=True)", [u(3, 3), u(3, 2)], [0, 1]),
        "trsm": ("L.trsm(x[0], x[1], transpose=True, alpha=2.0)", [low, u(2, 3, 4)], [0, 1]),
        "trsm_right": ("L.trsm(x[0], x[1], rightside=True, lower=False)", [np.swapaxes(low, 1, 2), u(2, 4, 3)], [0, 1]),
        "potrf": ("L.potrf(x[0])", [spd], [0]),
        "potri": ("L.potri(x[0])", [low], [0]),
        "sumlogdiag": ("L.sumlogdiag(x[0])", [spd], [0]),
        "inverse": ("L.inverse(x[0])", [spd], [0]),
        "det": ("L.det(x[0])", [spd - 2.5 * np.eye(3)], [0]),
        "slogdet": ("L.slogdet(x[0])", [spd - 2.5 * np.eye(3)], [0]),
        "extractdiag": ("L.extractdiag(x[0], offset=-1)", [u(2, 3, 3)], [0]),
        "makediag": ("L.makediag(x[0], offset=1)", [u(2, 3)], [0]),
        "extracttrian": ("L.extracttrian(x[0], offset=1)", [u(2, 4, 4)], [0]),
        "extracttrian_up": ("L.extracttrian(x[0], lower=False)", [u(4, 4)], [0]),
        "maketrian": ("L.maketrian(x[0], offset=-1)", [u(2, 6)], [0]),
        "maketrian_up": ("L.maketrian(x[0], lower=False)", [u(6)], [0]),
        "gelqf": ("L.gelqf(x[0])", [u(2, 3, 5)], [0]),
        "syevd": ("L.syevd(x[0])", [sym], [0]),
        "khatri_rao": ("nd.khatri_rao(x[0], x[1])", [u(2, 3), u(4, 3)], []),  # no gradient in MXNet
        "batch_dot": ("nd.batch_dot(x[0], x[1], transpose_b=True)", [u(2, 3, 4), u(2, 5, 4)], [0, 1]),
        "dot_vec": ("nd.dot(x[0], x[1])", [u(4), u(4)], [0, 1]),
        "dot_vec_mat": ("nd.dot(x[0], x[1])", [u(4), u(4, 3)], [0, 1]),
        "dot_mat_vec": ("nd.dot(x[0], x[1])", [u(3, 4), u(4)], [0, 1]),
        "dot_vec_mat_tb": ("nd.dot(x[0], x[1], transpose_b=True)", [u(3), u(2, 3)], [0, 1]),
        "dot_vec_mat_ta": ("nd.dot(x[0], x[1], transpose_a=True)", [u(3), u(3, 2)], [0, 1]),
        "dot_mat_vec_ta": ("nd.dot(x[0], x[1], transpose_a=True)", [u(2, 3), u(2)], [0, 1]),
        "dot_vec_3d": ("nd.dot(x[0], x[1])", [u(4), u(4, 2, 3)], [0, 1]),
        "dot_3d_vec": ("nd.dot(x[0], x[1])", [u(2, 3, 4), u(4)], [0, 1]),
        "dot_3d_3d": ("nd.dot(x[0], x[1])", [u(2, 3, 4), u(4, 2, 2)], [0, 1]),
        "dot_ta_3d": ("nd.dot(x[0], x[1], transpose_a=True)", [u(2, 3, 4), u(2, 5)], [0, 1]),
        "dot_tb_3d": ("nd.dot(x[0], x[1], transpose_b=True)", [u(2, 3, 4), u(5, 2, 4)], [0, 1]),
        "dot_tab_3d": ("nd.dot(x[0], x[1], transpose_a=True, transpose_b=True)", [u(2, 3, 4), u(5, 6, 2)], [0, 1]),
        "slice": ("nd.slice(x[0], begin=(1, None, None), end=(None, 0, None), step=(1, -1, 2))", [u(3, 4, 5)], [0]),
        "slice_axis": ("nd.slice_axis(x[0], axis=-1, begin=-3, end=None)", [u(2, 3, 4)], [0]),
        "slice_like": ("nd.slice_like(x[0], x[1], axes=(0, 2))", [u(3, 4, 5), u(2, 1, 3)], [0]),
        "take": ("nd.take(x[0], x[1], axis=1, mode='wrap')", [u(2, 3, 4), np.array([[-1, 4], [2.7, 0]])], [0]),
        "take_clip": ("nd.take(x[0], x[1])", [u(3, 2), np.array([-2, 1, 5, 1])], [0]),
        "pick": ("nd.pick(x[0], x[1], axis=1, keepdims=True)", [u(2, 3, 4), np.array([[0, 2, 1, 7], [-1, 0, 0, 1]])], [0]),
        "one_hot": ("nd.one_hot(x[0], 4, on_value=2.0, off_value=-1.0, dtype='float64')", [np.array([0, 3, -1, 4, 1.9])], []),
        "gather_nd": ("nd.gather_nd(x[0], x[1])", [u(3, 4, 2), np.array([[0, 2, 2], [1, 3, 3]])], [0]),
        "scatter_nd": ("nd.scatter_nd(x[0], x[1], shape=(3, 4, 2))", [u(3, 2), np.array([[0, 2, 1], [1, 3, 0]])], [0]),
        "where": ("nd.where(x[0], x[1], x[2])", [np.array([1, 0, 1.0]), u(3, 2), u(3, 2)], [1, 2]),
        "SequenceMask": ("nd.SequenceMask(x[0], x[1], use_sequence_length=True, value=1.5, axis=1)",
                         [u(3, 4, 2), np.array([2, 4, 1])], [0]),
        "SequenceLast": ("nd.SequenceLast(x[0], x[1], use_sequence_length=True)", [u(4, 3, 2), np.array([2, 4, 1])], [0]),
        "SequenceReverse": ("nd.SequenceReverse(x[0], x[1], use_sequence_length=True)",
                            [u(4, 3, 2), np.array([2, 4, 1])], [0]),
        "Embedding": ("nd.Embedding(x[0], x[1], input_dim=4, output_dim=3)", [np.array([[0, 3], [3, 1.0]]), u(4, 3)], [1]),
        "batch_take": ("nd.batch_take(x[0], x[1])", [u(3, 4), np.array([0, 3, 3], dtype=np.int32)], []),  # no gradient in MXNet
        "index_copy": ("nd.contrib.index_copy(x[0], x[1], x[2])", [u(4, 2), np.array([3, 0.0]), u(2, 2)], [0, 2]),
        "div_sqrt_dim": ("nd.contrib.div_sqrt_dim(x[0])", [u(2, 9)], [0]),
        "arange_like": ("nd.contrib.arange_like(x[0], start=1.0, step=2.0, repeat=2)", [u(2, 3)], []),
        "arange_like_axis": ("nd.contrib.arange_like(x[0], axis=0)", [u(3, 2)], []),
        "index_array": ("nd.contrib.index_array(x[0], axes=(1, 0))", [u(2, 3)], []),
        "isnan": ("nd.contrib.isnan(x[0])", [np.array([1.0, np.nan, np.inf])], []),
        "isinf": ("nd.contrib.isinf(x[0])", [np.array([1.0, np.nan, -np.inf])], []),
        "isfinite": ("nd.contrib.isfinite(x[0])", [np.array([1.0, np.nan, -np.inf])], []),
        "boolean_mask": ("nd.contrib.boolean_mask(x[0], x[1])", [u(4, 2), np.array([1, 0, 1, 1.0])], [0]),
    }


def ops_npz():
    out = {}
    for name, (src, inputs, wrt) in op_cases().items():
        def f(*x, src=src):
            return eval(src, {"L": nd.linalg, "nd": nd, "x": x})
        ys, heads, gs = grads(f, *inputs, wrt=wrt)
        for i, a in enumerate(inputs):
            out[f"{name}/in{i}"] = a
        for i, y in enumerate(ys):
            out[f"{name}/out{i}"] = y
            out[f"{name}/head{i}"] = heads[i]
        for i, g in zip(wrt, gs):
            out[f"{name}/grad{i}"] = g
        out[f"{name}/src"] = np.array(src)
    np.savez_compressed(os.path.join(HERE, "ops.npz"), **out)


def main():
    getitem_json()
    ops_npz()
    print("getitem.json and ops.npz written")


if __name__ == "__main__":
    main()

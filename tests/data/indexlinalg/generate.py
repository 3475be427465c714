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
]
ONE_D_KEYS = ["0", "-1", "slice(1, 3)", "[0, 2]", "None", "Ellipsis", "(0,)", "nd.array([3, 1])",
              "slice(None, None, -1)"]
BAD_KEYS = ["2", "(0, 3)", "(0, 0, 4)", "(0, 0, 0, 0)", "[5]", "-3"]

SET_CASES = [  # key, value source
    ("1", "5"), ("1", "nd.array([1, 2, 3, 4])"), ("1", "nd.array([[7], [8], [9]])"),
    ("(slice(None), 1)", "nd.array([1, 2, 3, 4])"), ("(slice(None), 1)", "nd.array([[1, 2, 3, 4]])"),
    ("slice(None)", "1.5"), ("(0, 1, 2)", "-4"), ("(Ellipsis, 0)", "nd.array([1, 2, 3])"),
    ("[0, 1]", "nd.array([3])"), ("([0, 1], [1, 2])", "nd.array([1, 2, 3, 4])"),
    ("(slice(None), slice(None, None, 2))", "np.array([1, 2])"), ("slice(0, 1)", "nd.ones((3, 4))"),
    ("(1, slice(0, 2), slice(1, 3))", "nd.array([[10, 20], [30, 40]])"), ("nd.array([1])", "2"),
    ("(0, [0, 2])", "nd.array([[1], [2]])"), ("(slice(None), 0, slice(None))", "[1, 2, 3, 4]"),
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
        + [get_case(k, (2, 3, 4)) for k in BAD_KEYS],
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


OPS_CASES = {}


def case(name):
    def deco(fn):
        OPS_CASES[name] = fn
        return fn
    return deco


def main():
    getitem_json()
    print("getitem.json written")


if __name__ == "__main__":
    main()

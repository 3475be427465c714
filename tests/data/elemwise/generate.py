"""Record MXNet 1.9.1's element-wise results (integer arithmetic, dtypes, errors, gradients at ties) as golden data.

Run with the MXNet venv from the repository root:
    .venv-mxnet/bin/python tests/data/elemwise/generate.py
It writes tests/data/elemwise/golden.json, read by tests/ndarray/test_arithmetic.py (which never imports mxnet).
Each case names the public function (``nd.<fn>`` or ``nd._internal.<fn>``), the inputs with their dtype, the
scalar if any, and MXNet's output (values and dtype) or ``"error": true``.
"""
import json
import math
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
import mxnet as mx  # noqa: E402
from mxnet import autograd, nd  # noqa: E402

VALUES = {
    "int32": [-7, -3, -1, 0, 1, 2, 3, 7, 100],
    "int64": [-7, -3, -1, 0, 1, 2, 3, 7, 100],
    "int8": [-128, -7, -1, 0, 1, 3, 7, 127],
    "uint8": [0, 1, 2, 3, 7, 100, 200, 255],
    "float16": [-7.5, -2.5, -1.0, 0.0, 0.5, 1.5, 2.5, 7.0],
    "float32": [-7.5, -2.5, -1.0, 0.0, 0.5, 1.5, 2.5, 7.0],
    "float64": [-7.5, -2.5, -1.0, 0.0, 0.5, 1.5, 2.5, 7.0],
}
# a second operand without zeros (integer division by zero kills MXNet's process)
OTHER = {
    "int32": [2, -2, 3, -3, 5, -5, 7, 9, 3],
    "int64": [2, -2, 3, -3, 5, -5, 7, 9, 3],
    "int8": [2, -2, 3, -3, 5, -5, 7, 9],
    "uint8": [2, 3, 3, 5, 2, 7, 9, 2],
    "float16": [2.0, -2.0, 3.0, -0.5, 5.0, -5.0, 0.5, 9.0],
    "float32": [2.0, -2.0, 3.0, -0.5, 5.0, -5.0, 0.5, 9.0],
    "float64": [2.0, -2.0, 3.0, -0.5, 5.0, -5.0, 0.5, 9.0],
}
SCALARS = [2.5, -2.5, 3, -3, 0.7, -0.5, 300]
SCALAR_FNS = ["add", "subtract", "multiply", "divide", "modulo", "power", "maximum", "minimum", "equal",
              "not_equal", "greater", "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or",
              "logical_xor"]
ARRAY_FNS = ["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div", "broadcast_mod", "broadcast_power",
             "broadcast_maximum", "broadcast_minimum", "broadcast_hypot", "broadcast_equal", "broadcast_not_equal",
             "broadcast_greater", "broadcast_greater_equal", "broadcast_lesser", "broadcast_lesser_equal",
             "broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor", "elemwise_add",
             "elemwise_sub", "elemwise_mul", "elemwise_div", "_mod", "_power", "_maximum", "_minimum", "_hypot",
             "_equal", "_not_equal", "_greater", "_greater_equal", "_lesser", "_lesser_equal", "_logical_and",
             "_logical_or", "_logical_xor"]
UNARY_FNS = ["abs", "sign", "negative", "reciprocal", "square", "sqrt", "rsqrt", "cbrt", "rcbrt", "exp", "expm1",
             "log", "log10", "log2", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
             "tanh", "arcsinh", "arccosh", "arctanh", "degrees", "radians", "erf", "gamma", "gammaln",
             "floor", "ceil", "round", "rint", "fix", "trunc", "relu", "sigmoid", "softsign", "logical_not"]


def _fn(name):
    return getattr(nd, name) if hasattr(nd, name) else getattr(nd._internal, name)


def _jsonable(a):
    return [None if isinstance(v, float) and math.isnan(v) else v for v in a.tolist()]


def run(case, thunk):
    try:
        out = thunk()
        if isinstance(out, nd.NDArray):
            case["out"], case["out_dtype"] = _jsonable(out.asnumpy().ravel()), np.dtype(out.dtype).name
        else:
            case["out"], case["out_dtype"] = out, type(out).__name__
    except mx.base.MXNetError:
        case["error"] = True
    return case


def scalar_cases():
    cases = []
    for dt, vals in VALUES.items():
        x = nd.array(vals, dtype=dt)
        for f in SCALAR_FNS:
            for s in SCALARS:
                for side in ("right", "left"):
                    if dt[0] in "iu" and f == "divide" and side == "right" and abs(s) < 1:
                        continue  # x / 0: SIGFPE in MXNet
                    args = (x, s) if side == "right" else (s, x)
                    case = {"kind": "scalar", "fn": f, "dtype": dt, "lhs": vals, "scalar": s, "side": side}
                    cases.append(run(case, lambda f=f, args=args: _fn(f)(*args)))
            case = {"kind": "scalar", "fn": "_hypot_scalar", "dtype": dt, "lhs": vals, "scalar": 2.5, "side": "right"}
            cases.append(run(case, lambda x=x: nd._internal._hypot_scalar(x, scalar=2.5)))
    return cases


def array_cases():
    cases = []
    for dt, vals in VALUES.items():
        a, b = nd.array(vals, dtype=dt), nd.array(OTHER[dt], dtype=dt)
        for f in ARRAY_FNS:
            case = {"kind": "array", "fn": f, "dtype": dt, "lhs": vals, "rhs": OTHER[dt]}
            cases.append(run(case, lambda f=f: _fn(f)(a, b)))
        # integer pow beyond float32's 24-bit mantissa, and modulo by zero
        if dt in ("int32", "int64"):
            for f, lhs, rhs in [("broadcast_power", [3, 3, 5, -3], [17, 15, 13, 19]),
                                ("broadcast_mod", [5, -5, 0, 7], [0, 0, 0, 3])]:
                case = {"kind": "array", "fn": f, "dtype": dt, "lhs": lhs, "rhs": rhs}
                cases.append(run(case, lambda f=f, lhs=lhs, rhs=rhs: _fn(f)(nd.array(lhs, dtype=dt),
                                                                             nd.array(rhs, dtype=dt))))
    for f, da, db in [("broadcast_add", "int32", "float32"), ("elemwise_add", "int32", "float32"),
                      ("broadcast_mul", "float32", "float64"), ("broadcast_equal", "float16", "float32"),
                      ("add", "int32", "int64"), ("add_n", "float32", "int32")]:
        case = {"kind": "array", "fn": f, "dtype": da, "rhs_dtype": db, "lhs": [1, 2], "rhs": [3, 4]}
        cases.append(run(case, lambda f=f, da=da, db=db: _fn(f)(nd.array([1, 2], dtype=da),
                                                              nd.array([3, 4], dtype=db))))
    for f in ("elemwise_add", "_equal", "add_n", "_hypot"):
        case = {"kind": "shape", "fn": f, "lhs_shape": [2, 3], "rhs_shape": [1, 3]}
        cases.append(run(case, lambda f=f: _fn(f)(nd.ones((2, 3)), nd.ones((1, 3)))))
    return cases


def unary_cases():
    cases = []
    for dt, vals in [("int32", [-3, 0, 1, 2, 4, 9, 1000]), ("uint8", [0, 1, 2, 4, 9, 200])]:
        x = nd.array(vals, dtype=dt)
        for f in UNARY_FNS:
            case = {"kind": "unary", "fn": f, "dtype": dt, "lhs": vals}
            cases.append(run(case, lambda f=f: _fn(f)(x)))
    vals = [-1.5, -0.5, 0.0, 0.5, 1.5, 2.5]
    for f, attrs in [("clip", {"a_min": -1.0, "a_max": 2.5}), ("hard_sigmoid", {})]:
        for dt in ("int32", "float32"):
            case = {"kind": "unary", "fn": f, "dtype": dt, "lhs": vals, "attrs": attrs}
            cases.append(run(case, lambda f=f, dt=dt, attrs=attrs: _fn(f)(nd.array(vals, dtype=dt), **attrs)))
    x = nd.array([-1.0, 0.0, 0.5, 1.0, 2.5, -0.0, -2.5, 3.0])
    for f in ("gamma", "gammaln", "erfinv", "rint", "round"):
        case = {"kind": "unary", "fn": f, "dtype": "float32", "lhs": _jsonable(x.asnumpy())}
        cases.append(run(case, lambda f=f: _fn(f)(x)))
    return cases


def cast_cases():
    cases = []
    vals = [-1.7, 300.5, 2.5, 3e9, -0.5, float("nan"), float("inf")]
    for t in ("uint8", "int8", "int32", "int64", "float16", "float64"):
        case = {"kind": "cast", "fn": "cast", "dtype": "float32", "lhs": vals, "attrs": {"dtype": t}}
        cases.append(run(case, lambda t=t: nd.cast(nd.array(vals), dtype=t)))
    for src in ("float16", "float32", "int32", "uint8"):
        for t in ("float16", "float32"):
            case = {"kind": "cast", "fn": "amp_cast", "dtype": src, "lhs": [1.5, 2.7], "attrs": {"dtype": t}}
            cases.append(run(case, lambda src=src, t=t: nd.amp_cast(nd.array([1.5, 2.7], dtype=src), dtype=t)))
    return cases


def _grads(f, *arrays):
    xs = [nd.array(a) for a in arrays]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = f(*xs)
    y.backward()
    return {"out": _jsonable(y.asnumpy()), "grads": [_jsonable(x.grad.asnumpy()) for x in xs]}


def gradient_cases():
    a, b = [1.0, 2.0, 3.0, -1.0], [1.0, 1.0, 4.0, -1.0]
    u = [-1.0, 0.0, 1.0, 2.0, -2.0, 0.5]
    spec = {  # name: (function, inputs); ties and kinks on purpose
        "broadcast_maximum": (nd.broadcast_maximum, (a, b)),
        "broadcast_minimum": (nd.broadcast_minimum, (a, b)),
        "_maximum": (nd._internal._maximum, (a, b)),
        "_minimum": (nd._internal._minimum, (a, b)),
        "maximum_scalar": (lambda x: nd.maximum(x, 2.0), (u,)),
        "minimum_scalar": (lambda x: nd.minimum(x, 2.0), (u,)),
        "rmaximum_scalar": (lambda x: nd.maximum(2.0, x), (u,)),
        "clip": (lambda x: nd.clip(x, -1.0, 2.0), (u,)),
        "abs": (nd.abs, (u,)),
        "relu": (nd.relu, (u,)),
        "sign": (nd.sign, (u,)),
        "hard_sigmoid": (lambda x: nd.hard_sigmoid(x * 2.5), (u,)),
        "add_n": (lambda x, y: nd.add_n(x, y, x), (a, b)),
        "elemwise_div": (nd.elemwise_div, (a, b)),
        "broadcast_hypot": (nd.broadcast_hypot, ([3.0, 0.0, 1.0, -2.0], [4.0, 0.0, 1.0, 1.0])),
        "_hypot_scalar": (lambda x: nd._internal._hypot_scalar(x, scalar=4.0), ([3.0, 0.0, -1.0, 2.0],)),
        "broadcast_mod": (nd.broadcast_mod, ([5.0, -5.0, 5.5, 7.0], [3.0, 3.0, -2.0, 2.5])),
        "rmod_scalar": (lambda x: 5.5 % x, ([3.0, -2.0, 2.0, 4.0],)),
        "broadcast_power": (nd.broadcast_power, ([0.0, 2.0, -2.0, 1.5], [2.0, 0.5, 2.0, 3.0])),
    }
    return [{"kind": "gradient", "fn": name, "inputs": list(args), **_grads(f, *args)}
            for name, (f, args) in spec.items()]


def pure_scalar_cases():
    return [{"kind": "pure", "fn": f, "lhs": l, "rhs": r, "out": _fn(f)(l, r)}
            for f in SCALAR_FNS for l, r in [(2, 3), (3.5, 2), (-5, 3), (0, 2)]]


def main():
    cases = scalar_cases() + array_cases() + unary_cases() + cast_cases() + gradient_cases() + pure_scalar_cases()
    path = Path(__file__).with_name("golden.json")
    lines = ",\n".join(json.dumps(c) for c in cases)
    path.write_text(f'{{"mxnet": "{mx.__version__}", "cases": [\n{lines}\n]}}\n')
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()

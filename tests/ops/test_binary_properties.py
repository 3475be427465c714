"""Property tests: broadcasting binary ops against NumPy over random shapes and dtypes, and their gradients
summed back to each operand's shape (hypothesis, bounded to stay fast)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ndgrad import autograd, nd

_SETTINGS = settings(max_examples=50, deadline=None)

# name, NumPy reference (float), whether integer operands are allowed
_FLOAT_OPS = {
    "broadcast_add": np.add, "broadcast_sub": np.subtract, "broadcast_mul": np.multiply,
    "broadcast_maximum": np.maximum, "broadcast_minimum": np.minimum, "broadcast_hypot": np.hypot,
    "broadcast_equal": np.equal, "broadcast_not_equal": np.not_equal, "broadcast_greater": np.greater,
    "broadcast_greater_equal": np.greater_equal, "broadcast_lesser": np.less,
    "broadcast_lesser_equal": np.less_equal, "broadcast_logical_and": np.logical_and,
    "broadcast_logical_or": np.logical_or, "broadcast_logical_xor": np.logical_xor,
}
_INT_OPS = {
    "broadcast_add": np.add, "broadcast_sub": np.subtract, "broadcast_mul": np.multiply,
    "broadcast_maximum": np.maximum, "broadcast_minimum": np.minimum, "broadcast_mod": np.mod,
    "broadcast_equal": np.equal, "broadcast_greater": np.greater, "broadcast_logical_or": np.logical_or,
}

shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4)


def _values(shape, dtype, seed, positive=False):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        x = rng.integers(-4, 5, size=shape) * 0.5  # exact in every float dtype, with ties
        return np.abs(x) + 0.5 if positive else x
    info = np.iinfo(dtype)
    lo = 1 if positive else max(info.min, -50)
    return rng.integers(lo, min(info.max, 50) + 1, size=shape)


@_SETTINGS
@given(shapes, st.sampled_from(sorted(_FLOAT_OPS)), st.sampled_from(["float16", "float32", "float64"]),
       st.integers(0, 2 ** 16))
def test_float_broadcast_ops_match_numpy(bshapes, name, dtype, seed):
    (sa, sb), out_shape = bshapes
    a = _values(sa, dtype, seed).astype(dtype)
    b = _values(sb, dtype, seed + 1).astype(dtype)
    got = getattr(nd, name)(nd.array(a, dtype=dtype), nd.array(b, dtype=dtype))
    want = _FLOAT_OPS[name](a, b).astype(dtype)
    assert got.shape == out_shape and got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-3 if dtype == "float16" else 1e-6)


@_SETTINGS
@given(shapes, st.sampled_from(sorted(_INT_OPS)), st.sampled_from(["int32", "int64", "int8", "uint8"]),
       st.integers(0, 2 ** 16))
def test_integer_broadcast_ops_match_numpy(bshapes, name, dtype, seed):
    (sa, sb), out_shape = bshapes
    a = _values(sa, dtype, seed).astype(dtype)
    b = _values(sb, dtype, seed + 1, positive=name == "broadcast_mod").astype(dtype)
    got = getattr(nd, name)(nd.array(a, dtype=dtype), nd.array(b, dtype=dtype))
    with np.errstate(over="ignore"):
        want = _INT_OPS[name](a, b).astype(dtype)
    assert got.shape == out_shape and got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got.asnumpy(), want)


@_SETTINGS
@given(shapes, st.sampled_from(["int32", "int64", "int8"]), st.integers(0, 2 ** 16))
def test_integer_division_truncates_toward_zero(bshapes, dtype, seed):
    (sa, sb), _ = bshapes
    a = _values(sa, dtype, seed).astype(dtype)
    b = (_values(sb, dtype, seed + 1, positive=True) * np.random.default_rng(seed).choice([-1, 1], sb)).astype(dtype)
    got = nd.broadcast_div(nd.array(a, dtype=dtype), nd.array(b, dtype=dtype)).asnumpy()
    np.testing.assert_array_equal(got, np.trunc(a.astype(float) / b).astype(dtype))


_GRAD_OPS = {  # name: (d/da, d/db) of the NumPy function, with positive operands
    "broadcast_add": (lambda a, b: np.ones_like(a * b), lambda a, b: np.ones_like(a * b)),
    "broadcast_sub": (lambda a, b: np.ones_like(a * b), lambda a, b: -np.ones_like(a * b)),
    "broadcast_mul": (lambda a, b: b + 0 * a, lambda a, b: a + 0 * b),
    "broadcast_div": (lambda a, b: 1 / b + 0 * a, lambda a, b: -a / b ** 2),
    "broadcast_power": (lambda a, b: b * a ** (b - 1), lambda a, b: a ** b * np.log(a)),
    "broadcast_hypot": (lambda a, b: a / np.hypot(a, b), lambda a, b: b / np.hypot(a, b)),
    "broadcast_maximum": (lambda a, b: (a >= b) * 1.0, lambda a, b: (a < b) * 1.0),
    "broadcast_minimum": (lambda a, b: (a <= b) * 1.0, lambda a, b: (a > b) * 1.0),
}


def _sum_to(g, shape):
    """Reduce a broadcast gradient back to ``shape`` (the reference for the engine's rule)."""
    g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    return g.sum(axis=tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1), keepdims=True)


@_SETTINGS
@given(shapes, st.sampled_from(sorted(_GRAD_OPS)), st.integers(0, 2 ** 16))
def test_broadcast_gradients_sum_back_to_each_operand(bshapes, name, seed):
    (sa, sb), out_shape = bshapes
    a = _values(sa, "float64", seed, positive=True)
    b = _values(sb, "float64", seed + 1, positive=True)
    head = np.random.default_rng(seed).standard_normal(out_shape)
    xa, xb = nd.array(a, dtype="float64"), nd.array(b, dtype="float64")
    xa.attach_grad()
    xb.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(xa, xb)
    y.backward(nd.array(head, dtype="float64"))
    da, db = _GRAD_OPS[name]
    np.testing.assert_allclose(xa.grad.asnumpy(), _sum_to(head * da(a, b), sa).reshape(sa), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xb.grad.asnumpy(), _sum_to(head * db(a, b), sb).reshape(sb), rtol=1e-10, atol=1e-12)


@_SETTINGS
@given(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), st.sampled_from(["int32", "uint8", "float32"]),
       st.sampled_from([2.5, -2.5, 3, 0.7, 300, -1]), st.integers(0, 2 ** 16))
def test_scalar_is_cast_to_the_array_dtype_first(shape, dtype, scalar, seed):
    a = _values(shape, dtype, seed).astype(dtype)
    x = nd.array(a, dtype=dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.array(scalar, dtype=np.float64).astype(dtype)
        for got, want in [(x + scalar, a + s), (x * scalar, a * s), (scalar - x, s - a), (x > scalar, a > s),
                          (nd.maximum(x, scalar), np.maximum(a, s))]:
            assert got.dtype == np.dtype(dtype) and got.shape == a.shape
            np.testing.assert_allclose(got.asnumpy(), np.asarray(want).astype(dtype), rtol=1e-6)

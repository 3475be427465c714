"""Testing helpers: numeric gradient checks in float64 and almost-equal assertions (``mx.test_utils``)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import autograd
from .ndarray import NDArray, array

__all__ = ["assert_almost_equal", "almost_equal", "check_gradient", "numeric_jacobian", "default_context"]


def default_context():
    from .context import current_context
    return current_context()


def _np(x: Any) -> np.ndarray:
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)


def almost_equal(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-20, equal_nan: bool = False) -> bool:
    return bool(np.allclose(_np(a), _np(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


def assert_almost_equal(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-20, names: tuple = ("a", "b"),
                        equal_nan: bool = False) -> None:
    """Raise AssertionError (with the worst element) unless ``a`` and ``b`` agree to the tolerances."""
    a, b = _np(a), _np(b)
    if a.shape != b.shape:
        raise AssertionError(f"shape mismatch: {names[0]} {a.shape} vs {names[1]} {b.shape}")
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan,
                               err_msg=f"{names[0]} and {names[1]} differ")


def _outputs(f: Callable, xs: Sequence[NDArray]) -> list[NDArray]:
    out = f(*xs)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def numeric_jacobian(f: Callable, xs: Sequence[np.ndarray], wrt: int, eps: float = 1e-6) -> np.ndarray:
    """Central-difference Jacobian of f's concatenated outputs with respect to input ``wrt`` (float64)."""
    base = [np.array(x, dtype=np.float64) for x in xs]
    cols = []
    for k in range(base[wrt].size):
        hi = [b.copy() for b in base]
        lo = [b.copy() for b in base]
        hi[wrt].reshape(-1)[k] += eps
        lo[wrt].reshape(-1)[k] -= eps
        fh = np.concatenate([o.asnumpy().ravel() for o in _outputs(f, [array(x, dtype=x.dtype) for x in hi])])
        fl = np.concatenate([o.asnumpy().ravel() for o in _outputs(f, [array(x, dtype=x.dtype) for x in lo])])
        cols.append((fh - fl) / (2 * eps))
    return np.stack(cols, axis=1)


def check_gradient(f: Callable, inputs: Sequence[np.ndarray], wrt: Sequence[int] | None = None, *,
                   rtol: float = 1e-4, atol: float = 1e-6, eps: float = 1e-6, full_jacobian_max: int = 12,
                   seed: int = 0) -> None:
    """Check ndgrad's gradient of ``f`` (NDArrays -> NDArray(s)) against finite differences, in float64.

    A random head gradient ``v`` and random input direction ``u`` compare ``<J^T v, u>`` with the
    directional difference quotient; for inputs of at most ``full_jacobian_max`` elements the whole
    vector-Jacobian product is compared with the numeric Jacobian. Raises AssertionError on a mismatch.
    """
    rng = np.random.default_rng(seed)
    base = [np.asarray(x, dtype=np.float64) for x in inputs]
    wrt = list(range(len(base))) if wrt is None else list(wrt)
    xs = [array(x, dtype=np.float64) for x in base]
    for i in wrt:
        xs[i].attach_grad()
    with autograd.record():
        outs = _outputs(f, xs)
    heads = [rng.standard_normal(o.shape) for o in outs]
    # an output that is not in the graph (a constant such as the gradient of a linear op) contributes zero
    live = [(o, array(h, dtype=np.float64)) for o, h in zip(outs, heads, strict=False) if o._node is not None]
    if live:
        grads = autograd.grad([o for o, _ in live], [xs[i] for i in wrt], head_grads=[h for _, h in live])
    else:
        grads = [xs[i].zeros_like() for i in wrt]
    v = np.concatenate([h.ravel() for h in heads])
    for i, g in zip(wrt, grads, strict=False):
        analytic = g.asnumpy()
        if analytic.shape != base[i].shape:
            raise AssertionError(f"gradient of input {i} has shape {analytic.shape}, expected {base[i].shape}")
        u = rng.standard_normal(base[i].shape)
        hi = [b.copy() for b in base]
        lo = [b.copy() for b in base]
        hi[i] += eps * u
        lo[i] -= eps * u
        fh = np.concatenate([o.asnumpy().ravel() for o in _outputs(f, [array(x, dtype=np.float64) for x in hi])])
        fl = np.concatenate([o.asnumpy().ravel() for o in _outputs(f, [array(x, dtype=np.float64) for x in lo])])
        numeric = float(v @ (fh - fl)) / (2 * eps)
        got = float((analytic * u).sum())
        if not np.isclose(got, numeric, rtol=rtol, atol=atol * max(1.0, float(np.abs(u).sum()))):
            raise AssertionError(f"input {i}: directional derivative {got!r} != numeric {numeric!r}")
        if base[i].size <= full_jacobian_max:
            jac = numeric_jacobian(f, base, i, eps)
            np.testing.assert_allclose(analytic.ravel(), v @ jac, rtol=rtol, atol=atol,
                                       err_msg=f"input {i}: vector-Jacobian product differs from numeric")

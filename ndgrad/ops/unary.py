"""Element-wise unary math: one table row per op (name, forward, gradient rule).

Integer inputs follow MXNet: the float functions (exp, sqrt, sin, gamma...) are evaluated in float32 and
cast back to the input's integer dtype (NaN and overflow become the C cast's value, e.g. INT_MIN), while
abs/sign/negative/square/relu/clip stay in integer arithmetic and the rounding family copies.
The special functions (erf, erfinv, gamma, gammaln and the polygamma family used by their gradients) are
vectorised approximations in float64 (SciPy is not a dependency), accurate to ~1e-14 relative.
"""
from __future__ import annotations

import math
from contextlib import nullcontext

import numpy as np

from ..backend import PARALLEL_MIN, elementwise
from ..base import MXNetError
from .binary import _check_dtypes, constant, grad_times, is_broadcast_one
from .registry import defop
from .registry import fn as F

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _x(node):
    return node.inputs[0]


def _y(node):
    return node.output()


def _zero(n, g):
    """Gradient of a piecewise-constant op: zeros, recorded, as MXNet."""
    return F.zeros_like(g)


def _float_math(f, wide=False, quiet=False):
    """``f`` on floats as is; integers are computed in float64, rounded to float32 (as C's float functions) and
    cast back, as MXNet's integer kernels. ``wide`` skips the float32 rounding (the special functions, whose
    float32 results in MXNet stay below 1 where a rounded erf would reach it). Functions that can overflow or
    leave their domain run without NumPy's warnings, as MXNet; ``quiet`` ones (tanh, sin...) skip that cost.
    A ufunc on a large array runs on all cores (``backend.elementwise``): these are the compute-bound kernels."""
    threaded = isinstance(f, np.ufunc)

    def run(x):
        if x.dtype.kind in "iub":
            with np.errstate(all="ignore"):
                res = f(x.astype(np.float64))
                return (res if wide else res.astype(np.float32)).astype(x.dtype)
        if x.size >= PARALLEL_MIN and threaded:
            with np.errstate(all="ignore") if not quiet else nullcontext():
                return elementwise(f, x)
        if quiet:
            return f(x)
        with np.errstate(all="ignore"):
            return f(x)
    return run


def _via_float64(f):
    """A float64 implementation applied to any float dtype (the result keeps the input's dtype)."""
    def run(x):
        res = f(x.astype(np.float64, copy=False))
        return res.astype(x.dtype, copy=False)
    return run


def _int_copy(f):
    """Rounding functions: the identity on integers (NumPy's would return floats)."""
    def run(x):
        return x.copy() if x.dtype.kind in "iub" else f(x)
    return run


# ------------------------------------------------------------------------------------------ special functions
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)


def _lanczos_log(z):
    """log Gamma(z) for z >= 0.5 (Lanczos, g=7, n=9)."""
    z = z - 1.0
    acc = np.full_like(z, _LANCZOS[0])
    for i, c in enumerate(_LANCZOS[1:], 1):
        acc += c / (z + i)
    t = z + _LANCZOS_G + 0.5
    return 0.5 * math.log(2 * math.pi) + (z + 0.5) * np.log(t) - t + np.log(acc)


def _nonpositive_int(x):
    return (x <= 0) & (x == np.floor(x))


_FACTORIALS = np.array([math.factorial(k) for k in range(171)], dtype=np.float64)


def _at_small_ints(x, res, table):
    """Exact values at the integers 1..171 (where Lanczos is off by a few ulps): ``table[x - 1]``."""
    hit = (x >= 1) & (x <= 171) & (x == np.floor(x))
    if hit.any():
        res = np.where(hit, table[np.clip(x, 1, 171).astype(np.int64) - 1], res)
    return res


def _gammaln64(x):
    with np.errstate(all="ignore"):
        small = x < 0.5
        refl = np.where(small, x, 0.5)
        res = _lanczos_log(np.where(small, 1.0 - x, x))
        res = np.where(small, math.log(math.pi) - np.log(np.abs(np.sin(math.pi * refl))) - res, res)
        res = _at_small_ints(x, res, np.log(_FACTORIALS))
        return np.where(_nonpositive_int(x), np.inf, res)


def _gamma64(x):
    with np.errstate(all="ignore"):
        small = x < 0.5
        refl = np.where(small, x, 0.5)
        g = np.exp(_lanczos_log(np.where(small, 1.0 - x, x)))
        res = np.where(small, math.pi / (np.sin(math.pi * refl) * g), g)
        res = _at_small_ints(x, res, _FACTORIALS)
        # poles: +-inf at (signed) zero, NaN at negative integers, as C's tgamma
        res = np.where(x == 0, np.copysign(np.inf, x), res)
        return np.where(_nonpositive_int(x) & (x != 0), np.nan, res)


_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _shift_up(x, threshold, term):
    """Move every element to >= threshold by x -> x+1, accumulating ``term(x)`` for each step taken."""
    acc = np.zeros_like(x)
    x = x.copy()
    while True:
        low = x < threshold
        if not low.any():
            return x, acc
        acc[low] += term(x[low])
        x[low] += 1.0


def _polygamma64(x, n):
    """psi^(n)(x): digamma (n=0) with reflection below 0.5; n >= 1 through recurrence plus asymptotics."""
    with np.errstate(all="ignore"):
        if n == 0:
            small = x < 0.5
            refl = np.where(small, x, 0.5)
            xs, acc = _shift_up(np.where(small, 1.0 - x, x), 10.0, lambda v: -1.0 / v)
            inv2 = 1.0 / (xs * xs)
            series = sum(b / (2 * k) * inv2 ** k for k, b in enumerate(_BERNOULLI[:6], 1))
            res = acc + np.log(xs) - 0.5 / xs - series
            res = np.where(small, res - math.pi / np.tan(math.pi * refl), res)
            return np.where(_nonpositive_int(x), np.nan, res)
        sign = -1.0 if n % 2 == 0 else 1.0
        fact = math.factorial(n)
        xs, acc = _shift_up(np.where(_nonpositive_int(x), np.nan, x), 15.0 + 2 * n,
                            lambda v: sign * fact / v ** (n + 1))
        series = math.factorial(n - 1) / xs ** n + fact / (2 * xs ** (n + 1))
        for k, b in enumerate(_BERNOULLI, 1):
            series = series + b * math.factorial(2 * k + n - 1) / math.factorial(2 * k) / xs ** (2 * k + n)
        return acc + sign * series


def _erf64(x):
    """erf by its all-positive series 2/sqrt(pi) e^{-x^2} sum (2x^2)^k x / (2k+1)!!; exact to rounding."""
    ax = np.minimum(np.abs(x), 6.0)  # erf(6) is 1 in float64
    term = ax.copy()
    total = ax.copy()
    x2 = 2.0 * ax * ax
    k = 0
    while True:
        k += 1
        term *= x2 / (2 * k + 1)
        total += term
        if not (term > 1e-17 * total).any():
            break
    return np.copysign(np.minimum(_TWO_OVER_SQRT_PI * np.exp(-ax * ax) * total, 1.0), x)


def _erfinv64(y):
    """erfinv: a closed-form first guess (Winitzki, ~2e-3) polished by two Halley steps on erf."""
    with np.errstate(all="ignore"):
        a = 0.147
        ln = np.log1p(-y * y)
        t = 2 / (math.pi * a) + ln / 2
        x = np.copysign(np.sqrt(np.sqrt(t * t - ln / a) - t), y)
        inside = np.abs(y) < 1
        x = np.where(inside, x, 0.0)
        for _ in range(2):
            f = _erf64(x) - y
            df = _TWO_OVER_SQRT_PI * np.exp(-x * x)
            x = x - f / (df + x * f)
        x = np.where(y == 1, np.inf, np.where(y == -1, -np.inf, x))
        return np.where(np.abs(y) > 1, np.nan, np.where(y == 0, y, x))


def _round_half_away(x):
    t = np.trunc(x)
    return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t)


def _times_in_place(t, grad, name):
    """``t * grad`` written into ``t``, a temporary the caller owns (the second pass over memory then runs on
    data still in cache); nothing to do when ``grad`` is a broadcast 1."""
    _check_dtypes(name, (grad, t))
    if not is_broadcast_one(grad, t):
        np.multiply(t, grad, out=t)
    return t


@defop(vjp=lambda n, gg: (F._backward_square(gg, n.inputs[1]), F._backward_square(gg, n.inputs[0])))
def _backward_square(grad, data):
    """The gradient of square: ``grad * 2 * data``."""
    return _times_in_place(np.multiply(data, constant(2, data)), grad, "_backward_square")


def _backward_sin_vjp(n, gg):
    g, x = n.inputs
    return F._backward_sin(gg, x), F._backward_cos(gg * g, x)


@defop(vjp=_backward_sin_vjp)
def _backward_sin(grad, data):
    """The gradient of sin: ``grad * cos(data)``."""
    return _times_in_place(_cos(data), grad, "_backward_sin")


def _backward_cos_vjp(n, gg):
    g, x = n.inputs
    return F._backward_cos(gg, x), -F._backward_sin(gg * g, x)


@defop(vjp=_backward_cos_vjp)
def _backward_cos(grad, data):
    """The gradient of cos: ``-grad * sin(data)``."""
    t = _times_in_place(_sin(data), grad, "_backward_cos")
    return np.negative(t, out=t)


def _rint_half_down(x):
    # MXNet's rint: floor(x) unless the fraction exceeds one half (so 2.5 -> 2 but -2.5 -> -3)
    f = np.floor(x)
    return np.where(x - f > 0.5, f + 1, f)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ------------------------------------------------------------------------------------------ the table
def _unary(name, forward, vjp, doc, *, save_outputs=False, fluent=True, aliases=()):
    def op(data):
        return forward(data)
    op.__name__, op.__doc__ = name, doc
    defop(name, vjp=vjp, save_outputs=save_outputs, aliases=aliases, fluent=fluent)(op)


_Y = {"save_outputs": True}     # the gradient rule reuses the output
_NF = {"fluent": False}         # no NDArray method in MXNet 1.9.1
_fm = _float_math


def _fq(f):
    return _float_math(f, quiet=True)


_sin, _cos = _fq(np.sin), _fq(np.cos)


# name, forward, gradient rule (g: output gradient), docstring, options
_TABLE = [
    ("negative", np.negative, lambda n, g: -g, "Numerical negative of the argument, element-wise.", _NF),
    # subgradient 0 at 0, as MXNet
    ("abs", np.abs, lambda n, g: g * F.sign(_x(n)), "Returns element-wise absolute value of the input.", {}),
    ("sign", np.sign, _zero, "Returns element-wise sign of the input (gradient 0).", {}),
    ("reciprocal", _fm(np.reciprocal), lambda n, g: -g / F.square(_x(n)),
     "Returns the reciprocal of the argument, element-wise.", {}),
    ("square", np.square, lambda n, g: F._backward_square(g, _x(n)),
     "Returns element-wise squared value of the input.", {}),
    ("sqrt", _fm(np.sqrt), lambda n, g: g / (_y(n) * 2.0), "Returns element-wise square-root value of the input.",
     _Y),
    ("rsqrt", _fm(lambda x: 1 / np.sqrt(x)), lambda n, g: g * _y(n) * F.square(_y(n)) * -0.5,
     "Returns element-wise inverse square-root value of the input.", _Y),
    ("cbrt", _fm(np.cbrt), lambda n, g: g / (F.square(_y(n)) * 3.0),
     "Returns element-wise cube-root value of the input.", _Y),
    ("rcbrt", _fm(lambda x: 1 / np.cbrt(x)), lambda n, g: g * _y(n) / _x(n) * (-1.0 / 3.0),
     "Returns element-wise inverse cube-root value of the input.", _Y),
    ("exp", _fm(np.exp), lambda n, g: grad_times(g, _y(n)), "Returns element-wise exponential value of the input.", _Y),
    ("expm1", _fm(np.expm1), lambda n, g: g * (_y(n) + 1.0), "Returns ``exp(x) - 1`` computed element-wise.", _Y),
    ("log", _fm(np.log), lambda n, g: g / _x(n), "Returns element-wise natural logarithmic value of the input.", {}),
    ("log10", _fm(np.log10), lambda n, g: g / (_x(n) * _LN10), "Returns element-wise base-10 logarithm.", {}),
    ("log2", _fm(np.log2), lambda n, g: g / (_x(n) * _LN2), "Returns element-wise base-2 logarithm.", {}),
    ("log1p", _fm(np.log1p), lambda n, g: g / (_x(n) + 1.0), "Returns element-wise ``log(1 + x)``.", {}),
    ("sin", _sin, lambda n, g: F._backward_sin(g, _x(n)), "Computes the element-wise sine of the input array.", {}),
    ("cos", _cos, lambda n, g: F._backward_cos(g, _x(n)), "Computes the element-wise cosine of the input array.",
     {}),
    ("tan", _fm(np.tan), lambda n, g: g * (F.square(_y(n)) + 1.0), "Computes the element-wise tangent.", _Y),
    ("arcsin", _fm(np.arcsin), lambda n, g: g * F.rsqrt(1.0 - F.square(_x(n))),
     "Returns element-wise inverse sine of the input array.", {}),
    ("arccos", _fm(np.arccos), lambda n, g: -(g * F.rsqrt(1.0 - F.square(_x(n)))),
     "Returns element-wise inverse cosine of the input array.", {}),
    ("arctan", _fq(np.arctan), lambda n, g: g / (F.square(_x(n)) + 1.0),
     "Returns element-wise inverse tangent of the input array.", {}),
    ("sinh", _fm(np.sinh), lambda n, g: g * F.cosh(_x(n)), "Returns the hyperbolic sine, element-wise.", {}),
    ("cosh", _fm(np.cosh), lambda n, g: g * F.sinh(_x(n)), "Returns the hyperbolic cosine, element-wise.", {}),
    ("tanh", _fq(np.tanh), lambda n, g: F._backward_tanh(g, _y(n)),
     "Returns the hyperbolic tangent of the input array, computed element-wise.", _Y),
    ("arcsinh", _fq(np.arcsinh), lambda n, g: g * F.rsqrt(F.square(_x(n)) + 1.0),
     "Returns the element-wise inverse hyperbolic sine.", {}),
    ("arccosh", _fm(np.arccosh), lambda n, g: g * F.rsqrt(F.square(_x(n)) - 1.0),
     "Returns the element-wise inverse hyperbolic cosine.", {}),
    ("arctanh", _fm(np.arctanh), lambda n, g: g / (1.0 - F.square(_x(n))),
     "Returns the element-wise inverse hyperbolic tangent.", {}),
    ("degrees", _fq(lambda x: x * (180 / math.pi)), lambda n, g: g * (180 / math.pi),
     "Converts each element from radians to degrees.", {}),
    ("radians", _fq(lambda x: x * (math.pi / 180)), lambda n, g: g * (math.pi / 180),
     "Converts each element from degrees to radians.", {}),
    ("erf", _fm(_via_float64(_erf64), wide=True), lambda n, g: g * F.exp(-F.square(_x(n))) * _TWO_OVER_SQRT_PI,
     "Returns element-wise Gauss error function of the input.", _NF),
    ("erfinv", _fm(_via_float64(_erfinv64), wide=True),
     lambda n, g: g * F.exp(F.square(_y(n))) * (0.5 * math.sqrt(math.pi)),
     "Returns element-wise inverse Gauss error function of the input.", {**_Y, **_NF}),
    ("gamma", _fm(_via_float64(_gamma64), wide=True), lambda n, g: g * _y(n) * F._polygamma(_x(n), n=0),
     "Returns the gamma function (extension of the factorial function to the reals), element-wise.",
     {**_Y, **_NF}),
    ("gammaln", _fm(_via_float64(_gammaln64), wide=True), lambda n, g: g * F._polygamma(_x(n), n=0),
     "Returns element-wise log of the absolute value of the gamma function of the input.", _NF),
    ("floor", _int_copy(np.floor), _zero, "Returns element-wise floor of the input (gradient 0).", {}),
    ("ceil", _int_copy(np.ceil), _zero, "Returns element-wise ceiling of the input (gradient 0).", {}),
    ("round", _int_copy(_round_half_away), _zero,
     "Returns element-wise rounded value to the nearest integer, halves away from zero (gradient 0).", {}),
    ("rint", _int_copy(_rint_half_down), _zero,
     "Returns element-wise rounded value to the nearest integer; exact halves round down (gradient 0).", {}),
    ("fix", _int_copy(np.trunc), _zero, "Returns element-wise rounded value towards zero (gradient 0).", {}),
    ("trunc", _int_copy(np.trunc), _zero, "Returns the element-wise truncated value of the input (gradient 0).",
     {}),
    # subgradient 0 at 0, as MXNet
    ("relu", lambda x: np.maximum(x, x.dtype.type(0)), lambda n, g: F._backward_relu(g, _x(n), keep_nan=True),
     "Computes rectified linear activation: max(x, 0).", {}),
    ("sigmoid", _fm(_sigmoid), lambda n, g: F._backward_sigmoid(g, _y(n)),
     "Computes sigmoid of x element-wise: y = 1 / (1 + exp(-x)).", _Y),
    ("softsign", _fq(lambda x: x / (1 + np.abs(x))), lambda n, g: g / F.square(F.abs(_x(n)) + 1.0),
     "Computes softsign of x element-wise: y = x / (1 + abs(x)).", _NF),
]

for _name, _fwd, _vjp, _doc, _opts in _TABLE:
    _unary(_name, _fwd, _vjp, _doc, **_opts)


@defop(vjp=lambda n, g: g * F._polygamma(_x(n), n=n.attrs["n"] + 1))
def _polygamma(data, *, n=0):
    """Returns the polygamma function psi^(n) of the input (digamma for ``n=0``), element-wise."""
    if data.dtype.kind not in "f":
        raise MXNetError(f"_polygamma: only floating point types are supported, not {data.dtype}")
    with np.errstate(all="ignore"):
        return _polygamma64(data.astype(np.float64), int(n)).astype(data.dtype, copy=False)


@defop()
def logical_not(data):
    """Returns the result of logical NOT (1 where the input is 0, else 0), element-wise; in the input's dtype."""
    return (data == 0).astype(data.dtype)


def _clip_vjp(n, g):
    x = _x(n)
    # the gradient passes where a_min <= x <= a_max, boundaries included, as MXNet
    return g * ((x >= n.attrs["a_min"]) * (x <= n.attrs["a_max"]))


@defop(vjp=_clip_vjp, fluent=True)
def clip(data, *, a_min=None, a_max=None):
    """Clips (limits) the values in an array to ``[a_min, a_max]``."""
    for pname, v in (("a_min", a_min), ("a_max", a_max)):
        if v is None:
            raise MXNetError(f"clip: Required parameter {pname} of float is not presented")
    if data.dtype.kind in "iub":
        # integer bounds, truncated as MXNet's cast of the float parameters
        lo, hi = (np.asarray(int(v)).astype(data.dtype) for v in (a_min, a_max))
        return np.clip(data, lo, hi)
    return np.clip(data, data.dtype.type(a_min), data.dtype.type(a_max))


def _hard_sigmoid_vjp(n, g):
    x, alpha, beta = _x(n), n.attrs["alpha"], n.attrs["beta"]
    lin = x * alpha + beta
    return g * ((lin > 0) * (lin < 1)) * alpha


@defop(vjp=_hard_sigmoid_vjp)
def hard_sigmoid(data, *, alpha=0.2, beta=0.5):
    """Computes hard sigmoid of x element-wise: y = max(0, min(1, alpha * x + beta))."""
    if data.dtype.kind != "f":
        raise MXNetError(f"hard_sigmoid: This operation only support floating point types, not {data.dtype}")
    t = data.dtype.type
    return np.clip(data * t(alpha) + t(beta), t(0), t(1))


@defop(vjp=lambda n, gg: (F._backward_relu(gg, n.inputs[1], keep_nan=n.attrs["keep_nan"]), None))
def _backward_relu(grad, data, *, keep_nan=False):
    """The gradient of relu: ``grad`` where ``data > 0``, else 0; NaN where ``data`` is NaN with
    ``keep_nan`` (MXNet's relu op propagates NaN, its Activation does not)."""
    res = np.multiply(grad, data > 0, dtype=grad.dtype)
    if keep_nan and data.dtype.kind == "f":
        nan = np.isnan(data)
        if nan.any():
            res[nan] = np.nan
    return res


# Gradients of the common activations as single ops (one call on the backward path instead of three); each is
# written in terms of the output y and is itself differentiable.
def _backward_tanh_vjp(n, gg):
    g, y = n.inputs
    return F._backward_tanh(gg, y), gg * g * y * -2.0


@defop(vjp=_backward_tanh_vjp)
def _backward_tanh(grad, output):
    """The gradient of tanh from its output: ``grad * (1 - y**2)``."""
    return grad * (constant(1, output) - np.square(output))


def _backward_sigmoid_vjp(n, gg):
    g, y = n.inputs
    return F._backward_sigmoid(gg, y), gg * g * (1.0 - y * 2.0)


@defop(vjp=_backward_sigmoid_vjp)
def _backward_sigmoid(grad, output):
    """The gradient of sigmoid from its output: ``grad * y * (1 - y)``."""
    return grad * output * (constant(1, output) - output)

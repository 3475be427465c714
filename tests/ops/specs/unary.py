import math

import numpy as np

from ..spec import OpSpec


def _away_from_zero(shape, lo=0.2, hi=2.0):
    def gen(rng):
        x = rng.uniform(lo, hi, size=shape)
        return [x * rng.choice([-1.0, 1.0], size=shape)]
    return gen


def _off_grid(shape):
    """Values at least 0.05 away from integers and halves (where rounding functions jump)."""
    def gen(rng):
        frac = rng.choice([0.1, 0.3, 0.7, 0.9], size=shape) + rng.uniform(-0.05, 0.05, size=shape)
        return [rng.integers(-3, 3, size=shape) + frac]
    return gen


_vec = np.vectorize


def _polygamma_ref(x, n, k=2000):
    """psi^(n) by its defining sum over k terms plus an Euler-Maclaurin tail (independent of the op's method)."""
    x = np.asarray(x, dtype=float)
    ks = np.arange(k)[:, None]
    z = x.reshape(1, -1) + k
    if n == 0:
        head = -(1.0 / (x.reshape(1, -1) + ks)).sum(axis=0)
        tail = np.log(z) - 0.5 / z - 1 / (12 * z ** 2) + 1 / (120 * z ** 4)
    else:
        sign, fact = (-1.0) ** (n + 1), math.factorial(n)
        head = sign * fact * (1.0 / (x.reshape(1, -1) + ks) ** (n + 1)).sum(axis=0)
        tail = sign * (math.factorial(n - 1) / z ** n + fact / (2 * z ** (n + 1))
                       + math.factorial(n + 1) / (12 * z ** (n + 2)))
    return (head + tail).reshape(x.shape)


def _erfinv_ref(y):
    lo, hi = np.full_like(y, -6.0), np.full_like(y, 6.0)
    erf = _vec(math.erf)
    for _ in range(70):
        mid = (lo + hi) / 2
        below = erf(mid) < y
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


S = (3, 4)
SPECS = [
    OpSpec("negative", [S], np.negative),
    OpSpec("abs", gen=_away_from_zero(S), ref=np.abs),
    OpSpec("sign", gen=_away_from_zero(S), ref=np.sign),
    OpSpec("reciprocal", gen=_away_from_zero(S, 0.5), ref=np.reciprocal),
    OpSpec("square", [S], np.square),
    OpSpec("sqrt", [S], np.sqrt, domain=(0.5, 3.0)),
    OpSpec("rsqrt", [S], lambda x: 1 / np.sqrt(x), domain=(0.5, 3.0)),
    OpSpec("cbrt", gen=_away_from_zero(S, 0.5), ref=np.cbrt),
    OpSpec("rcbrt", gen=_away_from_zero(S, 0.5), ref=lambda x: 1 / np.cbrt(x)),
    OpSpec("exp", [S], np.exp),
    OpSpec("expm1", [S], np.expm1),
    OpSpec("log", [S], np.log, domain=(0.5, 3.0)),
    OpSpec("log10", [S], np.log10, domain=(0.5, 3.0)),
    OpSpec("log2", [S], np.log2, domain=(0.5, 3.0)),
    OpSpec("log1p", [S], np.log1p, domain=(-0.5, 2.0)),
    OpSpec("sin", [S], np.sin),
    OpSpec("cos", [S], np.cos),
    OpSpec("tan", [S], np.tan, domain=(-1.2, 1.2)),
    OpSpec("arcsin", [S], np.arcsin, domain=(-0.9, 0.9)),
    OpSpec("arccos", [S], np.arccos, domain=(-0.9, 0.9)),
    OpSpec("arctan", [S], np.arctan),
    OpSpec("sinh", [S], np.sinh),
    OpSpec("cosh", [S], np.cosh),
    OpSpec("tanh", [S], np.tanh),
    OpSpec("arcsinh", [S], np.arcsinh),
    OpSpec("arccosh", [S], np.arccosh, domain=(1.2, 3.0)),
    OpSpec("arctanh", [S], np.arctanh, domain=(-0.9, 0.9)),
    OpSpec("degrees", [S], np.degrees),
    OpSpec("radians", [S], np.radians),
    OpSpec("erf", [S], _vec(math.erf), domain=(-3.0, 3.0)),
    OpSpec("erf", [(40,)], _vec(math.erf), domain=(-7.0, 7.0), id="wide", second_order=False),
    OpSpec("erfinv", [S], _erfinv_ref, domain=(-0.95, 0.95)),
    OpSpec("gamma", [S], _vec(math.gamma), domain=(0.3, 4.0)),
    OpSpec("gamma", [S], _vec(math.gamma), domain=(-2.8, -2.2), id="negative"),
    OpSpec("gammaln", [S], _vec(math.lgamma), domain=(0.3, 6.0)),
    OpSpec("gammaln", [S], _vec(math.lgamma), domain=(-3.8, -3.2), id="negative"),
    OpSpec("gammaln", [(20,)], _vec(math.lgamma), domain=(10.0, 300.0), id="large", second_order=False),
    OpSpec("_polygamma", [S], lambda x: _polygamma_ref(x, 0), domain=(0.2, 12.0), id="digamma"),
    OpSpec("_polygamma", [S], lambda x: _polygamma_ref(x, 0), domain=(-1.8, -1.2), id="digamma-negative"),
    OpSpec("_polygamma", [S], lambda x: _polygamma_ref(x, 1), attrs={"n": 1}, domain=(0.2, 20.0), id="trigamma"),
    OpSpec("_polygamma", [S], lambda x: _polygamma_ref(x, 3), attrs={"n": 3}, domain=(0.5, 5.0), id="n3"),
    OpSpec("floor", gen=_off_grid(S), ref=np.floor),
    OpSpec("ceil", gen=_off_grid(S), ref=np.ceil),
    OpSpec("round", gen=_off_grid(S), ref=lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5)),
    OpSpec("rint", gen=_off_grid(S), ref=np.rint),
    OpSpec("fix", gen=_off_grid(S), ref=np.trunc),
    OpSpec("trunc", gen=_off_grid(S), ref=np.trunc),
    OpSpec("clip", [S], lambda x: np.clip(x, -1.0, 1.5), attrs={"a_min": -1.0, "a_max": 1.5}),
    OpSpec("relu", gen=_away_from_zero(S), ref=lambda x: np.maximum(x, 0)),
    OpSpec("_backward_square", [S, S], lambda g, x: g * 2 * x),
    OpSpec("_backward_sin", [S, S], lambda g, x: g * np.cos(x)),
    OpSpec("_backward_cos", [S, S], lambda g, x: -g * np.sin(x)),
    OpSpec("_backward_tanh", [S, S], lambda g, y: g * (1 - y * y), domain=(-0.9, 0.9)),
    OpSpec("_backward_sigmoid", [S, S], lambda g, y: g * y * (1 - y), domain=(0.1, 0.9)),
    OpSpec("_backward_relu", gen=lambda rng: [rng.standard_normal(S), _away_from_zero(S)(rng)[0]],
           ref=lambda g, x: g * (x > 0), wrt=(0,)),
    OpSpec("sigmoid", [S], lambda x: 1 / (1 + np.exp(-x))),
    OpSpec("hard_sigmoid", [S], lambda x: np.clip(0.2 * x + 0.5, 0, 1), domain=(-4.0, 4.0)),
    OpSpec("hard_sigmoid", [S], lambda x: np.clip(0.3 * x + 0.1, 0, 1), attrs={"alpha": 0.3, "beta": 0.1},
           id="attrs"),
    OpSpec("softsign", gen=_away_from_zero(S), ref=lambda x: x / (1 + np.abs(x))),
    OpSpec("logical_not", gen=lambda rng: [rng.integers(-1, 2, S).astype(float)],
           ref=lambda x: (x == 0).astype(float)),
]

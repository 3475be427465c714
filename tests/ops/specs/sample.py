"""Sampling ops: their values are checked against MXNet's own streams in tests/ndarray/test_random.py; the
one gradient (multinomial's log-probability) is checked here with the stream reseeded before every call.
The densities (random_pdf_*) are ordinary differentiable ops, checked against NumPy here."""
import math

import numpy as np

from ndgrad import random as mxrandom
from ndgrad.ndarray import random as _rnd

from ..spec import OpSpec


def _seeded_logprob(F, x):
    saved = _rnd._bank
    mxrandom.seed(11)
    try:
        return F._sample_multinomial(x, shape=(3,), get_prob=True)[1]
    finally:
        _rnd._bank = saved


def _probs(rng):
    p = rng.uniform(0.2, 1.0, (2, 4))
    return [p / p.sum(axis=1, keepdims=True)]


_lg = np.vectorize(math.lgamma)


def _ref_normal(x, mu, s):
    mu, s = mu[:, None], s[:, None]
    return np.exp(-((x - mu) / s) ** 2 / 2) / (s * np.sqrt(2 * np.pi))


def _ref_gamma(x, a, b):
    a, b = a[:, None], b[:, None]
    return np.exp(a * np.log(b) + (a - 1) * np.log(x) - b * x - _lg(a))


def _ref_nb(x, k, p):
    k, p = k[:, None], p[:, None]
    return np.exp(_lg(x + k) - _lg(x + 1) - _lg(k)) * p**k * (1 - p) ** x


def _ref_gnb(x, mu, a):
    return _ref_nb(x, 1 / a, 1 / (1 + a * mu))


def _ref_dirichlet(x, a):
    a = a[:, None, :]
    return np.exp(_lg(a.sum(-1)) - _lg(a).sum(-1)) * np.prod(x ** (a - 1), axis=-1)


def _pos(*shapes, lo=0.3, hi=2.0):
    return lambda rng: [rng.uniform(lo, hi, s) for s in shapes]


def _counts_and(*param_shapes, hi=2.0):
    return lambda rng: [rng.integers(0, 6, (2, 3)).astype(float)] + [rng.uniform(0.3, hi, s) for s in param_shapes]


def _simplex(rng):
    x = rng.uniform(0.2, 1.0, (2, 3, 4))
    return [x / x.sum(-1, keepdims=True), rng.uniform(0.5, 3.0, (2, 4))]


def _uniform_args(rng):
    lo = rng.uniform(-1, 0, 2)
    return [rng.uniform(-1, 2, (2, 3)), lo, lo + rng.uniform(0.5, 2, 2)]


SPECS = [
    OpSpec("_sample_multinomial", gen=_probs, call=_seeded_logprob, id="log_prob"),
    OpSpec("_random_pdf_normal", gen=lambda rng: [rng.uniform(-2, 2, (2, 3)), rng.uniform(-1, 1, 2),
                                                  rng.uniform(0.5, 2, 2)], ref=_ref_normal),
    OpSpec("_random_pdf_normal", gen=lambda rng: [rng.uniform(-2, 2, (2, 3)), rng.uniform(-1, 1, 2),
                                                  rng.uniform(0.5, 2, 2)], attrs={"is_log": True},
           ref=lambda x, m, s: np.log(_ref_normal(x, m, s)), id="log"),
    OpSpec("_random_pdf_uniform", gen=_uniform_args, wrt=(1, 2),
           ref=lambda x, lo, hi: np.broadcast_to(1 / (hi - lo)[:, None], x.shape)),
    OpSpec("_random_pdf_gamma", gen=_pos((2, 3), 2, 2), ref=_ref_gamma),
    OpSpec("_random_pdf_exponential", gen=_pos((2, 3), 2),
           ref=lambda x, lam: lam[:, None] * np.exp(-lam[:, None] * x)),
    OpSpec("_random_pdf_poisson", gen=_counts_and(2), wrt=(1,),
           ref=lambda x, lam: np.exp(x * np.log(lam[:, None]) - lam[:, None] - _lg(x + 1))),
    OpSpec("_random_pdf_negative_binomial", gen=lambda rng: [rng.integers(0, 6, (2, 3)).astype(float),
                                                             rng.uniform(0.5, 3, 2), rng.uniform(0.2, 0.8, 2)],
           wrt=(1, 2), ref=_ref_nb),
    OpSpec("_random_pdf_generalized_negative_binomial", gen=_counts_and(2, 2), wrt=(1, 2), ref=_ref_gnb),
    OpSpec("_random_pdf_dirichlet", gen=_simplex, ref=_ref_dirichlet),
]

_DRAW = "a random draw: values checked against MXNet 1.9.1's stream in tests/ndarray/test_random.py"
_PARAMS = _DRAW + "; zero gradient to its inputs, as MXNet (test_random.py)"
EXEMPT = {
    **{f"_random_{d}": _DRAW for d in ("uniform", "normal", "exponential", "gamma", "poisson", "negative_binomial",
                                       "generalized_negative_binomial", "randint")},
    **{f"_random_{d}_like": _PARAMS for d in ("uniform", "normal", "exponential", "gamma", "poisson",
                                              "negative_binomial", "generalized_negative_binomial")},
    **{f"_sample_{d}": _PARAMS for d in ("uniform", "normal", "exponential", "gamma", "poisson", "negative_binomial",
                                         "generalized_negative_binomial")},
    "_shuffle": _DRAW + " (a permutation; not differentiable)",
}

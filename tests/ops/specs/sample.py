"""Sampling ops: their values are checked against MXNet's own streams in tests/ndarray/test_random.py; the
one gradient (multinomial's log-probability) is checked here with the stream reseeded before every call."""
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


SPECS = [
    OpSpec("_sample_multinomial", gen=_probs, call=_seeded_logprob, id="log_prob"),
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

"""Sampling ops: ``_random_*`` (scalar parameters), ``_random_*_like``, ``_sample_*`` (one draw per parameter
element), ``_sample_multinomial`` and ``_shuffle``, on MXNet's CPU streams (``ndgrad.ndarray.random``); and the
densities ``random_pdf_*`` (differentiable in the samples and the parameters).

Sampling is not differentiable: ``_random_*`` ops take no arrays; the ``_sample_*`` and ``*_like`` ops give
zero gradients to their inputs, as MXNet does. ``_sample_multinomial(get_prob=True)`` differentiates its
log-probability output: d log p[s] / d p[s] = 1 / p[s], summed over the samples.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..backend import to_device, to_host
from ..base import MXNetError
from ..context import Context, current_context
from ..ndarray import random as _rnd
from .registry import defop
from .registry import fn as F

_FLOATS = ("float16", "float32", "float64")


def _zero_grads(node, *grads):
    return tuple(F.zeros_like(x) for x in node.inputs)


def _shape(shape: Any, default: tuple) -> tuple[int, ...]:
    if shape is None:
        return default
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if any(int(d) < 0 for d in shape):
        raise MXNetError(f"shape {shape} has a negative dimension")
    return tuple(int(d) for d in shape)


def _dtype(dtype: Any, allowed: tuple = _FLOATS, default: str = "float32") -> np.dtype:
    name = default if dtype is None or dtype == "None" else np.dtype(dtype).name
    if name not in allowed:
        raise MXNetError(f"Invalid Input: '{name}', valid values are: "
                         + "{" + ", ".join(repr(a) for a in ("None", *allowed)) + "}")
    return np.dtype(name)


def _context(ctx: Any) -> Context:
    if ctx is None or ctx == "":
        return current_context()
    if not isinstance(ctx, Context):
        raise MXNetError(f"ctx must be a Context, got {ctx!r}")
    return ctx


def _ctx_of(raw: Any) -> Context:
    """The device an input lives on (its generators are the ones drawn from)."""
    return Context("cpu") if isinstance(raw, np.ndarray) else Context("gpu", int(raw.device.id))


def _place(raw: np.ndarray, ctx: Context) -> Any:
    return to_device(raw, ctx.device_type, ctx.device_id)


def _check(cond: bool, msg: str) -> None:
    if not cond:
        raise MXNetError(msg)


# -------------------------------------------------------------------------------------- scalar parameters
def _random(dist: str, shape: Any, dtype: np.dtype, ctx: Any, params: list) -> Any:
    ctx = _context(ctx)
    shape = _shape(shape, (1,))
    n = math.prod(shape)
    return _place(_rnd.sample(dist, n, dtype, params, ctx).reshape(shape), ctx)


@defop(aliases=("random_uniform", "uniform"))
def _random_uniform(*, low=0.0, high=1.0, shape=None, ctx=None, dtype=None):
    """Draw random samples from a uniform distribution on [low, high)."""
    _check(high >= low, f"low must be less or equal to high in uniform distribution (low {low}, high {high})")
    return _random("uniform", shape, _dtype(dtype), ctx, [low, high])


@defop(aliases=("random_normal", "normal"))
def _random_normal(*, loc=0.0, scale=1.0, shape=None, ctx=None, dtype=None):
    """Draw random samples from a normal (Gaussian) distribution."""
    _check(scale > 0, f"scale parameter in gaussian has to be positive (got {scale})")
    return _random("normal", shape, _dtype(dtype), ctx, [loc, scale])


@defop(aliases=("random_exponential",))
def _random_exponential(*, lam=1.0, shape=None, ctx=None, dtype=None):
    """Draw random samples from an exponential distribution of rate ``lam``."""
    _check(lam > 0, f"lambda parameter in exponential distribution has to be positive (got {lam})")
    return _random("exponential", shape, _dtype(dtype), ctx, [lam])


@defop(aliases=("random_gamma",))
def _random_gamma(*, alpha=1.0, beta=1.0, shape=None, ctx=None, dtype=None):
    """Draw random samples from a gamma distribution (shape ``alpha``, scale ``beta``)."""
    _check(alpha > 0, f"alpha parameter in gamma distribution has to be positive (got {alpha})")
    _check(beta > 0, f"beta parameter in gamma distribution has to be positive (got {beta})")
    return _random("gamma", shape, _dtype(dtype), ctx, [alpha, beta])


@defop(aliases=("random_poisson",))
def _random_poisson(*, lam=1.0, shape=None, ctx=None, dtype=None):
    """Draw random samples from a Poisson distribution."""
    _check(lam >= 0, f"lambda parameter in poisson distribution has to be non-negative (got {lam})")
    return _random("poisson", shape, _dtype(dtype), ctx, [lam])


@defop(aliases=("random_negative_binomial",))
def _random_negative_binomial(*, k=1, p=1.0, shape=None, ctx=None, dtype=None):
    """Draw random samples from a negative binomial distribution."""
    _check(k > 0, f"k parameter in negative binomial distribution has to be positive (got {k})")
    _check(0 <= p <= 1, f"p parameter in negative binomial distribution has to be in [0, 1] (got {p})")
    return _random("negative_binomial", shape, _dtype(dtype), ctx, [k, p])


@defop(aliases=("random_generalized_negative_binomial",))
def _random_generalized_negative_binomial(*, mu=1.0, alpha=1.0, shape=None, ctx=None, dtype=None):
    """Draw random samples from a generalized negative binomial distribution."""
    _check(mu >= 0, f"mu parameter in generalized negative binomial distribution has to be non-negative (got {mu})")
    _check(alpha >= 0, "alpha parameter in generalized negative binomial distribution has to be non-negative "
           f"(got {alpha})")
    return _random("generalized_negative_binomial", shape, _dtype(dtype), ctx, [mu, alpha])


@defop(aliases=("random_randint",))
def _random_randint(*, low, high, shape=None, ctx=None, dtype=None):
    """Draw random integers from the discrete uniform distribution on [low, high)."""
    for v, what in ((low, "low"), (high, "high")):
        if (isinstance(v, float) and not v.is_integer()) or not isinstance(v, (int, float, np.integer)):
            raise MXNetError(f"Invalid Parameter format for {what} expect long but value='{v}'")
    low, high = int(low), int(high)
    _check(high > low, f"low must be less than high in randint distribution (low {low}, high {high})")
    return _random("randint", shape, _dtype(dtype, ("int32", "int64"), "int32"), ctx, [low, high])


# -------------------------------------------------------------------------------------- *_like
def _like(dist: str, data: Any, params: list) -> Any:
    ctx = _ctx_of(data)
    dtype = _dtype(data.dtype) if data.dtype.kind == "f" else np.dtype(np.float32)
    raw = _rnd.sample(dist, int(data.size), dtype, params, ctx).reshape(data.shape)
    return _place(raw.astype(data.dtype, copy=False), ctx)


@defop(vjp=_zero_grads)
def _random_uniform_like(data, *, low=0.0, high=1.0):
    """Uniform samples on [low, high) with the shape and dtype of the input."""
    _check(high >= low, f"low must be less or equal to high in uniform distribution (low {low}, high {high})")
    return _like("uniform", data, [low, high])


@defop(vjp=_zero_grads)
def _random_normal_like(data, *, loc=0.0, scale=1.0):
    """Normal samples with the shape and dtype of the input."""
    _check(scale > 0, f"scale parameter in gaussian has to be positive (got {scale})")
    return _like("normal", data, [loc, scale])


@defop(vjp=_zero_grads)
def _random_exponential_like(data, *, lam=1.0):
    """Exponential samples with the shape and dtype of the input."""
    _check(lam > 0, f"lambda parameter in exponential distribution has to be positive (got {lam})")
    return _like("exponential", data, [lam])


@defop(vjp=_zero_grads)
def _random_gamma_like(data, *, alpha=1.0, beta=1.0):
    """Gamma samples with the shape and dtype of the input."""
    _check(alpha > 0, f"alpha parameter in gamma distribution has to be positive (got {alpha})")
    _check(beta > 0, f"beta parameter in gamma distribution has to be positive (got {beta})")
    return _like("gamma", data, [alpha, beta])


@defop(vjp=_zero_grads)
def _random_poisson_like(data, *, lam=1.0):
    """Poisson samples with the shape and dtype of the input."""
    _check(lam >= 0, f"lambda parameter in poisson distribution has to be non-negative (got {lam})")
    return _like("poisson", data, [lam])


@defop(vjp=_zero_grads)
def _random_negative_binomial_like(data, *, k=1, p=1.0):
    """Negative binomial samples with the shape and dtype of the input."""
    _check(k > 0, f"k parameter in negative binomial distribution has to be positive (got {k})")
    return _like("negative_binomial", data, [k, p])


@defop(vjp=_zero_grads)
def _random_generalized_negative_binomial_like(data, *, mu=1.0, alpha=1.0):
    """Generalized negative binomial samples with the shape and dtype of the input."""
    return _like("generalized_negative_binomial", data, [mu, alpha])


# -------------------------------------------------------------------------------------- NDArray parameters
def _sample(dist: str, params: tuple, shape: Any, dtype: Any) -> Any:
    ctx = _ctx_of(params[0])
    hosts = [to_host(p) for p in params]
    pshape = hosts[0].shape
    for h in hosts[1:]:
        if h.shape != pshape:
            raise MXNetError(f"the distribution parameters must have the same shape, got "
                             f"{[tuple(x.shape) for x in hosts]}")
    extra = _shape(shape, ())
    per = math.prod(extra)
    flat = [np.repeat(h.reshape(-1), per) for h in hosts]
    allowed = ("int32", "int64") if dist == "randint" else _FLOATS
    raw = _rnd.sample(dist, int(flat[0].size), _dtype(dtype, allowed), flat, ctx)
    return _place(raw.reshape(pshape + extra), ctx)


@defop(vjp=_zero_grads, aliases=("sample_uniform",))
def _sample_uniform(low, high, *, shape=None, dtype=None):
    """Concurrent sampling from uniform distributions on [low, high), one per parameter element."""
    return _sample("uniform", (low, high), shape, dtype)


@defop(vjp=_zero_grads, aliases=("sample_normal",))
def _sample_normal(mu, sigma, *, shape=None, dtype=None):
    """Concurrent sampling from normal distributions, one per parameter element."""
    return _sample("normal", (mu, sigma), shape, dtype)


@defop(vjp=_zero_grads, aliases=("sample_exponential",))
def _sample_exponential(lam, *, shape=None, dtype=None):
    """Concurrent sampling from exponential distributions of rates ``lam``."""
    return _sample("exponential", (lam,), shape, dtype)


@defop(vjp=_zero_grads, aliases=("sample_gamma",))
def _sample_gamma(alpha, beta, *, shape=None, dtype=None):
    """Concurrent sampling from gamma distributions."""
    return _sample("gamma", (alpha, beta), shape, dtype)


@defop(vjp=_zero_grads, aliases=("sample_poisson",))
def _sample_poisson(lam, *, shape=None, dtype=None):
    """Concurrent sampling from Poisson distributions."""
    return _sample("poisson", (lam,), shape, dtype)


@defop(vjp=_zero_grads, aliases=("sample_negative_binomial",))
def _sample_negative_binomial(k, p, *, shape=None, dtype=None):
    """Concurrent sampling from negative binomial distributions."""
    return _sample("negative_binomial", (k, p), shape, dtype)


@defop(vjp=_zero_grads, aliases=("sample_generalized_negative_binomial",))
def _sample_generalized_negative_binomial(mu, alpha, *, shape=None, dtype=None):
    """Concurrent sampling from generalized negative binomial distributions."""
    return _sample("generalized_negative_binomial", (mu, alpha), shape, dtype)


# -------------------------------------------------------------------------------------- multinomial, shuffle
def _multinomial_vjp(node, g_samples, g_logp):
    if g_logp is None:
        return (None,)
    data = node.inputs[0]
    k = data.shape[-1]
    batch = math.prod(data.shape[:-1])
    samples = node.output(0)
    nsamp = max(1, samples.size // max(batch, 1))
    onehot = F.reshape(F.one_hot(samples, depth=k, dtype=np.dtype(data.dtype).name), shape=(batch, nsamp, k))
    counts = F.sum(onehot * F.reshape(g_logp, shape=(batch, nsamp, 1)), axis=1)
    return (F.reshape(counts, shape=data.shape) / data,)


@defop(vjp=_multinomial_vjp, num_outputs=2, save_outputs=True, aliases=("sample_multinomial",),
       num_visible=lambda attrs: 2 if attrs.get("get_prob") else 1)
def _sample_multinomial(data, *, shape=None, get_prob=False, dtype="int32"):
    """Concurrent sampling from multinomial distributions; the last axis of ``data`` holds probabilities."""
    if data.ndim < 1:
        raise MXNetError("data must have at least one dimension (the probabilities)")
    out_dtype = _dtype(dtype, ("float16", "float32", "float64", "int32", "uint8"), "int32")
    ctx = _ctx_of(data)
    probs = to_host(data)
    extra = _shape(shape, ())
    per = math.prod(extra) if extra else 1
    k = probs.shape[-1]
    rows = probs.reshape(-1, k)
    idx = _rnd.multinomial_draw(rows, per, ctx)
    picked = np.take_along_axis(np.concatenate([rows, np.zeros((rows.shape[0], 1), rows.dtype)], axis=1), idx,
                                axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):  # float32: glibc's logf, as MXNet
        logp = (_rnd._logf_vec(picked) if picked.dtype == np.float32
                else np.log(picked.astype(np.float64)).astype(picked.dtype))
    oshape = probs.shape[:-1] + extra
    return (_place(idx.astype(out_dtype).reshape(oshape), ctx), _place(logp.reshape(oshape), ctx))


@defop(aliases=("shuffle",))
def _shuffle(data):
    """Randomly shuffle the elements along the first axis (a new array)."""
    if data.ndim < 1:
        raise MXNetError("shuffle needs an array with at least one dimension")
    perm = _rnd.shuffle_perm(data.shape[0], _ctx_of(data))
    if not isinstance(data, np.ndarray):
        from ..backend import xp_for
        perm = xp_for("gpu").asarray(perm)
    if data.ndim == 1:
        return data[perm]
    out = data.copy()
    out[perm] = data
    return out


# -------------------------------------------------------------------------------------- densities
# random_pdf_<dist>(sample, *params, is_log=False): the density (or log-density) of each sample under the
# parameters of its leading index: sample.shape = params.shape + extra (dirichlet: + extra + (k,)). Gradients
# reach the continuous samples and every parameter (summed over the extra axes); a discrete sample gets zero,
# as MXNet. gamma's beta and exponential's lam are rates here (MXNet's convention for the densities), and the
# uniform density does not look at the support (1 / (high - low) everywhere), as MXNet.
def _lgamma(x):
    from .unary import _gammaln64
    return _gammaln64(np.asarray(x, np.float64))


def _lp_normal(x, mu, sigma):
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)


def _lp_uniform(x, low, high):
    return np.broadcast_to(-np.log(high - low), np.broadcast_shapes(x.shape, low.shape))


def _lp_gamma(x, alpha, beta):
    return alpha * np.log(beta) + (alpha - 1) * np.log(x) - beta * x - _lgamma(alpha)


def _lp_exponential(x, lam):
    return np.log(lam) - lam * x


def _lp_poisson(x, lam):
    return x * np.log(lam) - lam - _lgamma(x + 1)


def _lp_negative_binomial(x, k, p):
    return _lgamma(x + k) - _lgamma(x + 1) - _lgamma(k) + k * np.log(p) + x * np.log1p(-p)


def _lp_generalized_negative_binomial(x, mu, alpha):
    k, am = 1.0 / alpha, alpha * mu
    return (_lgamma(x + k) - _lgamma(x + 1) - _lgamma(k) - k * np.log1p(am)
            + x * (np.log(am) - np.log1p(am)))


def _lp_dirichlet(x, alpha):
    return (_lgamma(alpha.sum(-1)) - _lgamma(alpha).sum(-1) + ((alpha - 1) * np.log(x)).sum(-1))


def _psi(x):
    return F._polygamma(x, n=0)


def _d_normal(x, mu, sigma):
    d = x - mu
    s2 = sigma * sigma
    return [-d / s2, d / s2, d * d / (s2 * sigma) - 1 / sigma]


def _d_uniform(x, low, high):
    w = 1 / (high - low)
    return [None, w, -w]


def _d_gamma(x, alpha, beta):
    return [(alpha - 1) / x - beta, F.log(beta) + F.log(x) - _psi(alpha), alpha / beta - x]


def _d_exponential(x, lam):
    return [-lam, 1 / lam - x]


def _d_poisson(x, lam):
    return [None, x / lam - 1]


def _d_negative_binomial(x, k, p):
    return [None, _psi(x + k) - _psi(k) + F.log(p), k / p - x / (1 - p)]


def _d_generalized_negative_binomial(x, mu, alpha):
    k = 1 / alpha
    one_am = 1 + alpha * mu
    dmu = x / mu - (1 + x * alpha) / one_am
    dalpha = (-(k * k) * (_psi(x + k) - _psi(k) - F.log(one_am)) - k * mu / one_am + x / alpha
              - x * mu / one_am)
    return [None, dmu, dalpha]


def _d_dirichlet(x, alpha):
    return [(alpha - 1) / x, _psi(F.sum(alpha, axis=-1, keepdims=True)) - _psi(alpha) + F.log(x)]


def _pdf_layout(sample_shape: tuple, pshape: tuple, dirichlet: bool, name: str) -> tuple:
    """The shape each parameter takes to broadcast against the sample (extra axes inserted as ones)."""
    lead = pshape[:-1] if dirichlet else pshape
    body = sample_shape[:-1] if dirichlet else sample_shape
    if body[:len(lead)] != lead or (dirichlet and sample_shape[-1:] != pshape[-1:]):
        raise MXNetError(f"{name}: the sample's shape {sample_shape} must start with the parameters' shape "
                         f"{pshape}" + (" and end with its last axis" if dirichlet else ""))
    extra = len(body) - len(lead)
    return lead + (1,) * extra + (pshape[-1:] if dirichlet else ())


def _make_pdf(dist: str, nparams: int, discrete: bool = False, dirichlet: bool = False) -> None:
    logpdf = globals()[f"_lp_{dist}"]
    dlog = globals()[f"_d_{dist}"]
    name = f"_random_pdf_{dist}"

    def forward(sample, *params, is_log=False):
        shapes = {tuple(p.shape) for p in params}
        if len(shapes) != 1:
            raise MXNetError(f"{name}: the parameters must have one shape, got {[p.shape for p in params]}")
        bshape = _pdf_layout(tuple(sample.shape), tuple(params[0].shape), dirichlet, name)
        x = to_host(sample).astype(np.float64)
        ps = [to_host(p).astype(np.float64).reshape(bshape) for p in params]
        with np.errstate(all="ignore"):
            lp = logpdf(x, *ps)
            res = lp if is_log else np.exp(lp)
        out = np.asarray(res, dtype=sample.dtype)
        return out if isinstance(sample, np.ndarray) else to_device(out, "gpu", int(sample.device.id))

    def vjp(node, g):
        x, *params = node.inputs
        bshape = _pdf_layout(tuple(x.shape), tuple(params[0].shape), dirichlet, name)
        ps = [F.reshape(p, shape=bshape) for p in params]
        factor = g if node.attrs.get("is_log") else g * node.output(0)
        if dirichlet:
            factor = F.expand_dims(factor, axis=-1)
        grads = dlog(x, *ps)
        out = [F.zeros_like(x) if discrete or grads[0] is None else factor * grads[0]]
        lead = len(params[0].shape) - (1 if dirichlet else 0)
        extra = tuple(range(lead, x.ndim - (1 if dirichlet else 0)))
        for p, d in zip(params, grads[1:], strict=True):
            full = factor * d  # the sample's shape: factor has it, d broadcasts
            out.append(F.reshape(F.sum(full, axis=extra) if extra else full, shape=p.shape))
        return tuple(out)

    params = ", ".join(("sample", *{"normal": ("mu", "sigma"), "uniform": ("low", "high"),
                                    "gamma": ("alpha", "beta"), "exponential": ("lam",), "poisson": ("lam",),
                                    "negative_binomial": ("k", "p"), "generalized_negative_binomial": ("mu", "alpha"),
                                    "dirichlet": ("alpha",)}[dist]))
    ns: dict = {"_f": forward}
    exec(f"def {name}({params}, *, is_log=False):\n    return _f({params}, is_log=is_log)\n", ns)
    fwd = ns[name]
    fwd.__doc__ = (f"Computes the value of the {dist.replace('_', ' ')} density (its log with ``is_log``) of "
                   "each sample, under the parameters of its leading index.")
    defop(name, vjp=vjp, save_outputs=True, aliases=(f"random_pdf_{dist}",))(fwd)


for _dist, _n, _disc in (("normal", 2, False), ("uniform", 2, False), ("gamma", 2, False), ("exponential", 1, False),
                         ("poisson", 1, True), ("negative_binomial", 2, True),
                         ("generalized_negative_binomial", 2, True)):
    _make_pdf(_dist, _n, _disc)
_make_pdf("dirichlet", 1, dirichlet=True)

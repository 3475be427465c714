"""Random sampling (``nd.random``) with MXNet 1.9.1's CPU streams, and seeding (``mx.random.seed``).

The streams, as established against the real MXNet 1.9.1 (see ``tests/data/random/generate.py``):

* **The parallel bank.** MXNet keeps 1024 MT19937 generators (checked with a draw of 200000 values); generator
  ``i`` is seeded with ``127 * seed + i`` (seed 0 at start-up). A call drawing ``n`` values splits them over
  ``ceil(n / 64)`` generators (at most 1024), each filling a contiguous chunk of ``ceil(n / threads)``
  outputs, and every generator continues across calls. uniform, normal, randint, exponential, gamma,
  poisson, negative_binomial, generalized_negative_binomial and their ``sample_*`` forms draw from it.
* **The single engine.** shuffle and multinomial share one more MT19937, seeded with ``127 * seed``, that
  the bank's draws do not advance (nor do they advance the bank).
* **Uniforms** are libstdc++'s ``generate_canonical``: one 32-bit word ``w`` gives the float ``w / 2**32``
  (the word rounded to float first); a double (float64 and float16 outputs) takes two words,
  ``(w0 + w1 * 2**32) / 2**64``; a result that rounds to 1 becomes the largest value below 1.
* **normal**: the Marsaglia polar method on pairs of such uniforms (``x, y = 2u - 1``; accept
  ``0 < r2 = x*x + y*y <= 1``; the sample is ``y * sqrt(-2 log(r2) / r2)``), one sample per accepted pair:
  the second value is never kept. Arithmetic in the output's precision, then ``sample * scale + loc``.
* **randint**: two words per sample, ``low + ((w0 << 31) + w1) % (high - low)``.
* **exponential**: ``-log(1 - u) / lam``, computed in double; ``nd.random.exponential(scale)`` passes
  ``lam = 1 / scale`` (rounded to float).
* **gamma**: Marsaglia-Tsang: ``d = alpha - 1/3`` (``alpha + 1 - 1/3`` for ``alpha < 1``), ``c = 1/sqrt(9d)``;
  repeat {z = normal; if z > -sqrt(9d): v = (1 + c z)^3, u = uniform; accept if
  ``log(1 - u) < z^2/2 + d (1 - v + log v)``}; the sample is ``d v beta`` (times ``uniform^(1/alpha)``, in
  double, for ``alpha < 1``).
* **poisson**: ``lam < 12``: multiply uniforms until the product drops to ``exp(-lam)`` (the count before);
  otherwise the tangent rejection method (``y = tan(pi u)``, ``em = floor(sqrt(2 lam) y + lam)``, accept with
  probability ``0.9 (1 + y^2) exp(em log(lam) - lgamma(em + 1) - lam log(lam) + lgamma(lam + 1))``).
  Always in float precision, whatever the output dtype.
* **negative_binomial(k, p)** = poisson(gamma(k, (1 - p) / p)); **generalized_negative_binomial(mu, alpha)** =
  poisson(gamma(1 / alpha, alpha mu)) (poisson(mu) where ``alpha == 0``).
* **multinomial**: one float uniform per sample from the single engine; the sample is the first index whose
  running sum of the probabilities exceeds it (the row's length where none does, as MXNet).
* **shuffle**: libstdc++'s ``std::shuffle`` (Fisher-Yates, ``uniform_int_distribution`` by rejection and
  downscaling) on the single engine; a 1-D array is permuted in place, an N-D one has its rows scattered to
  the shuffled positions (``out[perm[i]] = data[i]``), as MXNet does.

Every stream above reproduces MXNet's numbers bit for bit for the recorded seeds (tests/data/random). The
transcendental functions matter: MXNet's float samplers call glibc's ``logf``, which is not always correctly
rounded (about 0.3% of float32 normal samples would differ in the last bit with a correctly rounded log), so
float32 ``normal`` runs glibc's logf algorithm vectorised on the table of the loaded libm (``_logf_vec``;
where that table cannot be found and checked, e.g. off Linux/glibc, correctly rounded logs stand in and
those last-bit differences come back). exponential and the float64 paths compute their logs in double, as
MXNet does. gamma, poisson and the binomials call the C library's own float functions (``logf``, ``expf``,
``tanf``, ``lgammaf``) through ctypes. For draws spread over several generators, float gamma and poisson
advance all generators in lock step (vectorised, bit-identical to the per-sample loop); small draws, float64
gamma and the binomials run the per-sample loop in Python (microseconds per sample). GPU contexts use the
same CPU algorithms (with their own generators, seeded by ``seed(s, ctx)``), not MXNet's cuRAND streams.

``uniform_raw(n)`` gives ``n`` float32 uniforms from the bank exactly as ``uniform(shape=n)`` would: the
helper Dropout and rrelu use for their masks.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
import weakref
from typing import Any

import numpy as np

from ..base import MXNetTypeError, MXNetValueError, numeric_types
from ..context import Context, current_context
from ..ops.registry import fn as _op
from .ndarray import NDArray

__all__ = ["seed", "uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "multinomial", "shuffle", "uniform_like",
           "normal_like", "exponential_like", "gamma_like", "poisson_like", "negative_binomial_like",
           "generalized_negative_binomial_like", "uniform_raw"]

_MIN_PER_THREAD = 64
_NUM_STATES = 1024
_SEED_MAGIC = 127
_F32 = np.float32
_ONE_BELOW_F32 = np.nextafter(np.float32(1), np.float32(0))
_ONE_BELOW_F64 = np.nextafter(1.0, 0.0)


# ============================================================================================ generators
# Constructing a RandomState costs ~0.3 ms, reseeding one ~2 us: the generators of banks that are gone are
# kept here and reseeded for new banks (a bank someone still holds keeps its own).
_POOL: list[np.random.RandomState] = []


def _generator(seed: int) -> np.random.RandomState:
    if _POOL:
        rs = _POOL.pop()
        rs.seed(seed)
        return rs
    return np.random.RandomState(seed)


class _Bank:
    """One device's generators: MXNet's bank of per-thread MT19937 (created lazily) and the single engine."""

    def __init__(self, seed_state: int = 0):
        self.seed_state = seed_state
        self.states: dict[int, _Lane] = {}
        self._engine: _Lane | None = None
        self._own: list[np.random.RandomState] = []
        weakref.finalize(self, _POOL.extend, self._own)

    def state(self, i: int) -> _Lane:
        lane = self.states.get(i)
        if lane is None:
            rs = _generator((_SEED_MAGIC * self.seed_state + i) % 2**32)
            self._own.append(rs)
            lane = self.states[i] = _Lane(rs)
        return lane

    @property
    def engine(self) -> _Lane:
        """The generator of shuffle and multinomial."""
        if self._engine is None:
            rs = _generator((_SEED_MAGIC * self.seed_state) % 2**32)
            self._own.append(rs)
            self._engine = _Lane(rs)
        return self._engine

    def chunks(self, n: int):
        """(generator, start, stop) for each chunk of ``n`` outputs, as MXNet's sampler kernels split them."""
        if n <= 0:
            return
        threads = min(-(-n // _MIN_PER_THREAD), _NUM_STATES)
        step = -(-n // threads)
        for i in range(threads):
            if i * step < n:
                yield self.state(i), i * step, min(n, (i + 1) * step)

    def words(self, n: int) -> np.ndarray:
        """``n`` raw 32-bit words, one per output, chunked over the generators."""
        if n == 0:
            return np.zeros(0, np.uint32)
        return np.concatenate([_draw(rs, b - a) for rs, a, b in self.chunks(n)])


_bank = _Bank()
_device_banks: dict[tuple[str, int], _Bank] = {}
_seed_all = 0


def _bank_for(ctx: Context | None) -> _Bank:
    ctx = ctx or current_context()
    if ctx.device_type != "gpu":
        return _bank
    key = (ctx.device_type, ctx.device_id)
    bank = _device_banks.get(key)
    if bank is None:
        bank = _device_banks[key] = _Bank(_seed_all)
    return bank


def seed(seed_state: int, ctx: Any = "all") -> None:
    """Seeds the random number generators (``mx.random.seed``).

    Parameters
    ----------
    seed_state : int
        The seed; the same seed gives the same streams (MXNet's, on the CPU).
    ctx : Context or 'all'
        Seed only this device's generators, or every device's (default).
    """
    global _bank, _seed_all
    if isinstance(seed_state, bool) or not isinstance(seed_state, (int, np.integer)):
        raise MXNetValueError("seed_state must be int")
    s = int(seed_state)
    if isinstance(ctx, str) and ctx == "all":
        _seed_all = s
        _bank = _Bank(s)
        _device_banks.clear()
        return
    if not isinstance(ctx, Context):
        raise MXNetValueError(f"ctx must be a Context or 'all', got {ctx!r}")
    if ctx.device_type == "gpu":
        _device_banks[(ctx.device_type, ctx.device_id)] = _Bank(s)
    else:
        _bank = _Bank(s)


class _Lane:
    """One MT19937 generator's word stream; words read ahead and not used are given back and come first next."""

    __slots__ = ("pending", "rs")

    def __init__(self, rs: np.random.RandomState):
        self.rs = rs
        self.pending: np.ndarray | None = None

    def take(self, k: int) -> np.ndarray:
        p = self.pending
        if p is None:
            return self.rs.randint(0, 2**32, size=k, dtype=np.uint32)
        if k < p.size:
            self.pending = p[k:]
            return p[:k]
        self.pending = None
        if k == p.size:
            return p
        return np.concatenate([p, self.rs.randint(0, 2**32, size=k - p.size, dtype=np.uint32)])

    def give_back(self, words: np.ndarray) -> None:
        if words.size:
            self.pending = words.copy() if self.pending is None else np.concatenate([words, self.pending])


def _draw(lane: _Lane, k: int) -> np.ndarray:
    return lane.take(k)


class _Stream:
    """A lane's words read ahead in blocks; ``close`` gives the unused ones back to the lane.

    Words handed out by the last ``take`` may also be given back with ``stream.pos -= k``.
    """

    def __init__(self, lane: _Lane, block: int = 256):
        self.lane, self.block = lane, block
        self.buf = np.zeros(0, np.uint32)
        self.pos = 0

    def take(self, k: int) -> np.ndarray:
        if self.pos + k > self.buf.size:
            keep = self.buf[self.pos:]
            more = self.lane.take(max(k - keep.size, self.block))
            self.buf = np.concatenate([keep, more])
            self.pos = 0
        out = self.buf[self.pos:self.pos + k]
        self.pos += k
        return out

    def close(self) -> None:
        self.lane.give_back(self.buf[self.pos:])
        self.buf, self.pos = np.zeros(0, np.uint32), 0


# ============================================================================================ uniforms
def _canon32(w: np.ndarray) -> np.ndarray:
    return np.minimum(w.astype(np.float32) * _F32(2.0**-32), _ONE_BELOW_F32)


def _canon64(w: np.ndarray) -> np.ndarray:
    w = w.reshape(-1, 2)
    return np.minimum((w[:, 0].astype(np.float64) + w[:, 1].astype(np.float64) * 2.0**32) * 2.0**-64,
                      _ONE_BELOW_F64)


def _units(stream_or_rs: Any, k: int, double: bool) -> np.ndarray:
    take = stream_or_rs.take
    return _canon64(take(2 * k)) if double else _canon32(take(k))


def uniform_raw(n: int, ctx: Context | None = None) -> np.ndarray:
    """``n`` float32 uniforms in [0, 1) from the bank, the values ``uniform(shape=n)`` would give.

    For ops that need a random mask (Dropout, rrelu): ``mask = uniform_raw(x.size) < keep``.
    """
    bank = _bank_for(ctx)
    if n <= 0:
        return np.zeros(0, np.float32)
    return np.concatenate([_canon32(_draw(rs, b - a)) for rs, a, b in bank.chunks(int(n))])


_unit_float32 = uniform_raw  # the older private name, kept for existing callers


# ============================================================================================ libm (float)
def _libm():
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        fns = {}
        for name, nargs in (("logf", 1), ("expf", 1), ("tanf", 1), ("powf", 2), ("lgammaf", 1)):
            f = getattr(lib, name)
            f.restype = ctypes.c_float
            f.argtypes = [ctypes.c_float] * nargs
            fns[name] = f
        return fns
    except (OSError, AttributeError):
        return None


_LIBM = _libm()


def _r32(x: float) -> float:
    return float(np.float32(x))


if _LIBM is not None:
    _logf, _expf, _tanf, _powf, _lgammaf = (_LIBM[n] for n in ("logf", "expf", "tanf", "powf", "lgammaf"))
else:  # correctly rounded stand-ins
    def _logf(x): return _r32(math.log(x)) if x > 0 else (-math.inf if x == 0 else math.nan)
    def _expf(x): return _r32(math.exp(x)) if x < 89 else math.inf
    def _tanf(x): return _r32(math.tan(x))
    def _powf(x, y): return _r32(math.pow(x, y))
    def _lgammaf(x): return _r32(math.lgamma(x))


# ---- glibc's logf, vectorised. MXNet's float samplers call the C library's logf, which is not always correctly
# rounded; to draw the same values, logf's own algorithm (a 16-entry table of 1/c and log(c), then a cubic in
# r = z/c - 1, evaluated in double) runs here in NumPy on the table read from the loaded libm at run time (it is
# not copied into ndgrad). It is used only after it agrees with ctypes' logf on test inputs; otherwise
# correctly rounded logs stand in.
_LOGF_TABLE: Any = None


def _find_logf_table():
    try:
        import re
        import struct
        path = next(line.split()[-1] for line in open("/proc/self/maps") if "/libm" in line)
        with open(path, "rb") as f:
            blob = f.read()
        ln2 = struct.pack("<d", math.log(2))
        for m in re.finditer(re.escape(ln2), blob):
            o = m.start()
            if o >= 256 and blob[o - 112:o - 96] == struct.pack("<dd", 1.0, 0.0):
                tab = np.frombuffer(blob[o - 256:o], "<f8").reshape(16, 2).copy()
                poly = np.frombuffer(blob[o + 8:o + 32], "<f8").copy()
                if _LIBM is None:
                    return None
                probe = np.random.RandomState(1).random_sample(4096).astype(np.float32) + np.float32(1e-7)
                probe = np.concatenate([probe, probe * np.float32(1e-3), probe * np.float32(300)])
                want = np.array([_LIBM["logf"](float(v)) for v in probe], np.float32)
                if np.array_equal(_logf_table_eval(probe, tab, poly), want):
                    return tab, poly
    except (OSError, StopIteration, ValueError):
        pass
    return None


def _logf_table_eval(x: np.ndarray, tab: np.ndarray, poly: np.ndarray) -> np.ndarray:
    ix = np.ascontiguousarray(x, np.float32).view(np.uint32)
    tiny = ix < np.uint32(0x00800000)  # subnormal (and zero): scale up by 2**23 first
    if tiny.any():
        ix = np.where(tiny, (x * np.float32(2.0**23)).view(np.uint32) - np.uint32(23 << 23), ix)
    tmp = ix - np.uint32(0x3F330000)
    i = (tmp >> np.uint32(19)) & np.uint32(15)
    k = (tmp.view(np.int32) >> 23).astype(np.float64)
    z = (ix - (tmp & np.uint32(0xFF800000))).view(np.float32).astype(np.float64)
    r = z * tab[i, 0] - 1.0
    y0 = tab[i, 1] + k * math.log(2)
    r2 = r * r
    y = poly[1] * r + poly[2]
    y = poly[0] * r2 + y
    y = y * r2 + (y0 + r)
    return y.astype(np.float32)


def _logf_vec(x: np.ndarray) -> np.ndarray:
    """float32 natural log as glibc's logf gives it (for positive finite inputs; others as NumPy)."""
    global _LOGF_TABLE
    if _LOGF_TABLE is None:
        _LOGF_TABLE = _find_logf_table() or False
    x = np.asarray(x, np.float32)
    ok = (x > 0) & np.isfinite(x)
    with np.errstate(all="ignore"):
        exact = np.log(x.astype(np.float64)).astype(np.float32)
        if _LOGF_TABLE is False or not ok.any():
            return exact
        return np.where(ok, _logf_table_eval(np.where(ok, x, np.float32(1)), *_LOGF_TABLE), exact)


def _log_d(x: float) -> float:
    return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)


class _Scalar:
    """Per-sample arithmetic in float (emulated by rounding Python floats) or double precision."""

    def __init__(self, stream: _Stream, double: bool):
        self.s, self.double = stream, double
        self.r = (lambda x: x) if double else _r32
        self.log = _log_d if double else _logf
        self._u: list = []
        self._i = 0

    def uniform(self) -> float:
        if self._i >= len(self._u):
            self._u = _units(self.s, 64, self.double).tolist()
            self._i = 0
        u = self._u[self._i]
        self._i += 1
        return u

    def finish(self) -> None:
        """Give back the uniforms read ahead but not used."""
        unused = len(self._u) - self._i
        if unused:
            self.s.pos -= unused * (2 if self.double else 1)
        self._u, self._i = [], 0

    def normal(self) -> float:
        r = self.r
        while True:
            x = r(2.0 * self.uniform() - 1.0)
            y = r(2.0 * self.uniform() - 1.0)
            r2 = r(r(x * x) + r(y * y))
            if r2 > 1.0 or r2 == 0.0:
                continue
            return r(y * r(math.sqrt(r(r(-2.0 * self.log(r2)) / r2))))

    def gamma(self, alpha: float, beta: float) -> float:
        r = self.r
        alpha, beta = r(alpha), r(beta)
        if not alpha > 0:
            return math.nan
        d = r(r(alpha + 1.0) - r(1.0 / 3.0)) if alpha < 1 else r(alpha - r(1.0 / 3.0))
        k = r(math.sqrt(r(9.0 * d)))
        c = r(1.0 / k)
        while True:
            z = self.normal()
            if z <= -k:
                continue
            x = r(1.0 + r(c * z))
            v = r(r(x * x) * x)
            u = self.uniform()
            if self.log(r(1.0 - u)) < r(r(r(0.5 * z) * z) + r(d * r(r(1.0 - v) + self.log(v)))):
                break
        res = r(r(d * v) * beta)
        if alpha < 1:  # the power (and this product) in double, with 1/alpha in the sampling precision
            res = r(res * math.pow(self.uniform(), r(1.0 / alpha)))
        return res

    def poisson(self, lam: float) -> float:
        """Always in float precision, as MXNet."""
        r = _r32
        lam = r(lam)
        if not lam >= 0 or math.isinf(lam):
            return math.nan
        if lam < 12:
            t = _expf(-lam)
            x = 0
            prod = self.uniform()
            while prod > t:
                x += 1
                prod = r(prod * self.uniform())
            return float(x)
        sq = r(math.sqrt(r(2.0 * lam)))
        alxm = _logf(lam)
        g = r(r(lam * alxm) - _lgammaf(r(lam + 1.0)))
        pi = r(math.pi)
        while True:
            while True:
                y = _tanf(r(pi * self.uniform()))
                em = r(r(sq * y) + lam)
                if em >= 0:
                    break
            em = float(math.floor(em))
            t = r(r(r(0.9 * r(1.0 + r(y * y)))) * _expf(r(r(r(em * alxm) - _lgammaf(r(em + 1.0))) - g)))
            if self.uniform() <= t:
                return em


# ============================================================================================ kernels
def _fill(n: int, dtype: np.dtype, bank: _Bank, kernel, *params: np.ndarray) -> np.ndarray:
    """Run ``kernel(rs, start, stop, *param_slices)`` on each chunk; params are flat (length n) or scalars."""
    out = np.empty(n, dtype)
    for rs, a, b in bank.chunks(n):
        out[a:b] = kernel(rs, b - a, *[p[a:b] if p.ndim else p for p in params])
    return out


def _double(dtype: np.dtype) -> bool:
    """Whether MXNet samples this output type through doubles (float64, and float16)."""
    return dtype in (np.float64, np.float16)


def _polar(rs: _Lane, m: int, double: bool) -> np.ndarray:
    """``m`` standard normals: one per accepted pair of the polar method.

    Each round draws exactly as many pairs as samples are still missing, so every pair drawn is consumed.
    """
    t = np.float64 if double else np.float32
    out = np.empty(m, t)
    got = 0
    while got < m:
        need = m - got
        u = _units(rs, 2 * need, double).reshape(need, 2)
        x = t(2) * u[:, 0] - t(1)
        y = t(2) * u[:, 1] - t(1)
        r2 = x * x + y * y
        idx = np.flatnonzero((r2 <= 1) & (r2 != 0))
        r2a = r2[idx]
        if double:
            mult = np.sqrt(-2.0 * np.log(r2a) / r2a)
        else:
            mult = np.sqrt(np.float32(-2) * _logf_vec(r2a) / r2a)
        out[got:got + idx.size] = y[idx] * mult
        got += idx.size
    return out


def _k_uniform(rs, m, low, high, *, dtype):
    u = _units(rs, m, _double(dtype))
    t = u.dtype.type
    low, high = np.asarray(low, t), np.asarray(high, t)
    return u * (high - low) + low


def _k_normal(rs, m, loc, scale, *, dtype):
    z = _polar(rs, m, _double(dtype))
    t = z.dtype.type
    return z * np.asarray(scale, t) + np.asarray(loc, t)


def _k_exponential(rs, m, lam, *, dtype):
    # MXNet computes -log(1 - u) / lam in double, whatever the output type
    u = _units(rs, m, _double(dtype)).astype(np.float64)
    lam = np.asarray(lam, np.float32).astype(np.float64)
    return -np.log(1.0 - u) / lam


def _k_randint(rs, m, low, high, *, dtype):
    w = _draw(rs, 2 * m).reshape(m, 2).astype(np.uint64)
    v = (w[:, 0] << np.uint64(31)) + w[:, 1]
    span = (np.asarray(high, np.int64) - np.asarray(low, np.int64)).astype(np.uint64)
    return (np.asarray(low, np.int64) + (v % span).astype(np.int64))


def _scalar_kernel(method: str, double_fn=_double):
    def kernel(rs, m, *params, dtype):
        stream = _Stream(rs)
        sc = _Scalar(stream, double_fn(dtype))
        cols = [np.broadcast_to(np.asarray(p, np.float64), (m,)).tolist() for p in params]
        fn = getattr(sc, method)
        out = [fn(*args) for args in zip(*cols, strict=True)] if cols else [fn() for _ in range(m)]
        sc.finish()
        stream.close()
        return np.array(out, np.float64)
    return kernel


def _nb(sc: _Scalar, k: float, p: float) -> float:
    r = _r32
    k, p = r(k), r(p)
    return sc.poisson(sc.gamma(k, r(r(1.0 - p) / p)))


def _gnb(sc: _Scalar, mu: float, alpha: float) -> float:
    r = _r32
    mu, alpha = r(mu), r(alpha)
    if alpha == 0:
        return sc.poisson(mu)
    return sc.poisson(sc.gamma(r(1.0 / alpha), r(alpha * mu)))


_Scalar.negative_binomial = _nb
_Scalar.generalized_negative_binomial = _gnb

KERNELS = {
    "uniform": _k_uniform,
    "normal": _k_normal,
    "exponential": _k_exponential,
    "randint": _k_randint,
    "gamma": _scalar_kernel("gamma"),
    "poisson": _scalar_kernel("poisson", lambda dt: False),
    "negative_binomial": _scalar_kernel("negative_binomial", lambda dt: False),
    "generalized_negative_binomial": _scalar_kernel("generalized_negative_binomial", lambda dt: False),
}


def _gamma_lanes(chunks: list, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Float-precision gamma draws for many lanes at once: each lane's samples stay in its own stream order,
    the lanes advance in lock step (one polar attempt, accept test or power per lane per step)."""
    f = np.float32
    n = chunks[-1][2]
    alpha = np.broadcast_to(np.asarray(alpha, f), (n,))
    beta = np.broadcast_to(np.asarray(beta, f), (n,))
    small = alpha < 1
    d = np.where(small, (alpha + f(1)) - f(1.0 / 3.0), alpha - f(1.0 / 3.0))
    k = np.sqrt(f(9) * d)
    c = f(1) / k
    inv = f(1) / alpha
    lanes = [ln for ln, _, _ in chunks]
    pos = np.array([a for _, a, _ in chunks])
    end = np.array([b for _, _, b in chunks])
    block = max(64, 6 * int((end - pos).max()))
    words = np.stack([ln.take(block) for ln in lanes])
    cur = np.zeros(len(lanes), np.int64)
    phase = np.zeros(len(lanes), np.int8)  # 0: polar attempt, 1: accept test, 2: power of a uniform
    z = np.zeros(len(lanes), f)
    res = np.zeros(len(lanes), f)
    out = np.empty(n, f)

    def fetch(idx):
        nonlocal words
        if cur[idx].max() >= words.shape[1]:
            words = np.concatenate([words, np.stack([ln.take(block) for ln in lanes])], axis=1)
        w = words[idx, cur[idx]]
        cur[idx] += 1
        return _canon32(w)

    while True:
        live = pos < end
        if not live.any():
            break
        idx = np.flatnonzero(live & (phase == 0))
        if idx.size:
            x = f(2) * fetch(idx) - f(1)
            y = f(2) * fetch(idx) - f(1)
            r2 = x * x + y * y
            ok = (r2 <= 1) & (r2 != 0)
            idx, y, r2 = idx[ok], y[ok], r2[ok]
            zz = y * np.sqrt(f(-2) * _logf_vec(r2) / r2)
            keep = zz > -k[pos[idx]]
            z[idx[keep]] = zz[keep]
            phase[idx[keep]] = 1
        idx = np.flatnonzero(live & (phase == 1))
        if idx.size:
            e = pos[idx]
            zi = z[idx]
            x = f(1) + c[e] * zi
            v = x * x * x
            u = fetch(idx)
            acc = _logf_vec(f(1) - u) < (f(0.5) * zi) * zi + d[e] * ((f(1) - v) + _logf_vec(v))
            phase[idx[~acc]] = 0
            idx, e, v = idx[acc], e[acc], v[acc]
            res[idx] = (d[e] * v) * beta[e]
            phase[idx] = np.where(small[e], 2, 3)
        idx = np.flatnonzero(live & (phase == 2))
        if idx.size:  # the power in double, as MXNet
            u = fetch(idx).astype(np.float64)
            p = np.frompyfunc(math.pow, 2, 1)(u, inv[pos[idx]].astype(np.float64)).astype(np.float64)
            res[idx] = (res[idx].astype(np.float64) * p).astype(f)
            phase[idx] = 3
        idx = np.flatnonzero(phase == 3)
        if idx.size:
            out[pos[idx]] = res[idx]
            pos[idx] += 1
            phase[idx] = 0
    for j, ln in enumerate(lanes):
        ln.give_back(words[j, cur[j]:])
    return out


class _LockStep:
    """Words for many lanes read in lock step: ``fetch(idx)`` gives one float uniform to each lane in ``idx``."""

    def __init__(self, chunks: list, per_sample: int):
        self.lanes = [ln for ln, _, _ in chunks]
        self.pos = np.array([a for _, a, _ in chunks])
        self.end = np.array([b for _, _, b in chunks])
        self.block = max(64, per_sample * int((self.end - self.pos).max()))
        self.words = np.stack([ln.take(self.block) for ln in self.lanes])
        self.cur = np.zeros(len(self.lanes), np.int64)

    def fetch(self, idx: np.ndarray) -> np.ndarray:
        if self.cur[idx].max() >= self.words.shape[1]:
            more = np.stack([ln.take(self.block) for ln in self.lanes])
            self.words = np.concatenate([self.words, more], axis=1)
        w = self.words[idx, self.cur[idx]]
        self.cur[idx] += 1
        return _canon32(w)

    def close(self) -> None:
        for j, ln in enumerate(self.lanes):
            ln.give_back(self.words[j, self.cur[j]:])


def _vec(fn):
    """A C float function (ctypes) applied element-wise."""
    uf = np.frompyfunc(fn, 1, 1)
    return lambda x: uf(np.asarray(x, np.float32)).astype(np.float32) if np.size(x) else np.zeros(0, np.float32)


def _poisson_lanes(chunks: list, lam: np.ndarray) -> np.ndarray:
    """Float-precision Poisson draws for many lanes in lock step (same words, same arithmetic as the loop)."""
    f = np.float32
    n = chunks[-1][2]
    lam = np.broadcast_to(np.asarray(lam, f), (n,))
    expf, tanf, lgammaf = _vec(_expf), _vec(_tanf), _vec(_lgammaf)
    st = _LockStep(chunks, 8)
    pos, end = st.pos, st.end
    nl = len(st.lanes)
    phase = np.zeros(nl, np.int8)  # 0 start, 1 product of uniforms, 2 tangent attempt, 3 its acceptance, 4 emit
    t, prod, cnt = np.zeros(nl, f), np.zeros(nl, f), np.zeros(nl, f)
    sq, alxm, g, em, y = (np.zeros(nl, f) for _ in range(5))
    pi = f(math.pi)
    out = np.empty(n, f)
    while True:
        live = pos < end
        if not live.any():
            break
        idx = np.flatnonzero(live & (phase == 0))
        if idx.size:
            lm = lam[pos[idx]]
            bad = ~((lm >= 0) & np.isfinite(lm))
            cnt[idx[bad]] = np.nan
            phase[idx[bad]] = 4
            low = ~bad & (lm < 12)
            i1, l1 = idx[low], lm[low]
            t[i1] = expf(-l1)
            cnt[i1] = 0
            prod[i1] = st.fetch(i1) if i1.size else prod[i1]
            phase[i1] = 1
            hi = ~bad & (lm >= 12)
            i2, l2 = idx[hi], lm[hi]
            if i2.size:
                sq[i2] = np.sqrt(f(2) * l2)
                alxm[i2] = _logf_vec(l2)
                g[i2] = l2 * alxm[i2] - lgammaf(l2 + f(1))
                phase[i2] = 2
        idx = np.flatnonzero(live & (phase == 1))
        if idx.size:
            more = prod[idx] > t[idx]
            phase[idx[~more]] = 4
            i1 = idx[more]
            if i1.size:
                cnt[i1] += 1
                prod[i1] = prod[i1] * st.fetch(i1)
        idx = np.flatnonzero(live & (phase == 2))
        if idx.size:
            yy = tanf(pi * st.fetch(idx))
            ee = sq[idx] * yy + lam[pos[idx]]
            ok = ee >= 0
            i2 = idx[ok]
            y[i2], em[i2] = yy[ok], np.floor(ee[ok])
            phase[i2] = 3
        idx = np.flatnonzero(live & (phase == 3))
        if idx.size:
            yy, ee = y[idx], em[idx]
            tt = (0.9 * (f(1) + yy * yy).astype(np.float64)).astype(f) * expf(ee * alxm[idx] - lgammaf(ee + f(1))
                                                                                - g[idx])
            acc = st.fetch(idx) <= tt
            cnt[idx[acc]] = ee[acc]
            phase[idx[acc]] = 4
            phase[idx[~acc]] = 2
        idx = np.flatnonzero(phase == 4)
        if idx.size:
            out[pos[idx]] = cnt[idx]
            pos[idx] += 1
            phase[idx] = 0
    st.close()
    return out


def sample(dist: str, n: int, dtype: Any, params: list, ctx: Context | None = None) -> np.ndarray:
    """``n`` draws of ``dist`` from the bank of ``ctx``'s device, as a flat array of ``dtype``.

    ``params`` are the distribution's parameters, each a scalar or a flat array of length ``n``.
    """
    dtype = np.dtype(dtype)
    kernel = KERNELS[dist]
    bank = _bank_for(ctx)
    work = np.int64 if dist == "randint" else (np.float64 if _double(dtype) or dist in (
        "exponential", "gamma", "poisson", "negative_binomial", "generalized_negative_binomial") else np.float32)
    ps = [np.asarray(p) for p in params]
    if dist == "gamma" and not _double(dtype) and n >= 4 * _MIN_PER_THREAD and _LIBM is not None \
            and _logf_vec(np.ones(1, np.float32)) is not None and _LOGF_TABLE is not False:
        return _gamma_lanes(list(bank.chunks(n)), *ps).astype(dtype, copy=False)
    if dist == "poisson" and n >= 4 * _MIN_PER_THREAD and _LIBM is not None \
            and _logf_vec(np.ones(1, np.float32)) is not None and _LOGF_TABLE is not False:
        return _poisson_lanes(list(bank.chunks(n)), *ps).astype(dtype, copy=False)
    out = _fill(n, np.dtype(work), bank, lambda rs, m, *p: kernel(rs, m, *p, dtype=dtype), *ps)
    return out.astype(dtype, copy=False)


def multinomial_draw(probs: np.ndarray, nsamples: int, ctx: Context | None = None) -> np.ndarray:
    """Indices drawn from each row of ``probs`` (shape (batch, k)): an int64 array (batch, nsamples)."""
    batch, k = probs.shape
    eng = _bank_for(ctx).engine
    u = _canon32(_draw(eng, batch * nsamples)).reshape(batch, nsamples)
    acc = np.cumsum(probs, axis=1)
    out = np.empty((batch, nsamples), np.int64)
    step = max(1, (1 << 22) // max(1, k * nsamples))
    for s in range(0, batch, step):  # bounded memory: (rows, nsamples, k) comparisons at a time
        less = u[s:s + step, :, None] < acc[s:s + step, None, :]
        out[s:s + step] = np.where(less.any(axis=2), less.argmax(axis=2), k)
    return out


def _uid_words(eng: _Lane, hi: np.ndarray) -> np.ndarray:
    """libstdc++ ``uniform_int_distribution(0, hi)`` for each bound in ``hi`` (downscaling with rejection)."""
    erange = hi.astype(np.uint64) + np.uint64(1)
    scaling = np.uint64(2**32 - 1) // erange
    past = erange * scaling
    stream = _Stream(eng, 0)
    out = np.empty(hi.size, np.uint64)
    i = 0
    while i < hi.size:
        w = stream.take(hi.size - i).astype(np.uint64)
        ok = w < past[i:]
        bad = np.flatnonzero(~ok)
        j = bad[0] if bad.size else ok.size
        out[i:i + j] = w[:j] // scaling[i:i + j]
        if bad.size:  # the rejected word is used up; the words after it serve the next draws
            stream.pos -= ok.size - j - 1
        i += j
    stream.close()
    return out


def shuffle_perm(n: int, ctx: Context | None = None) -> np.ndarray:
    """The permutation ``std::shuffle`` applies to ``range(n)`` with the single engine."""
    perm = list(range(n))
    if n > 1:
        js = _uid_words(_bank_for(ctx).engine, np.arange(1, n, dtype=np.int64)).tolist()
        for i, j in enumerate(js, start=1):
            perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, np.int64)


# ============================================================================================ the Python API
def _is_nd(x: Any) -> bool:
    return isinstance(x, NDArray)


def _helper(random_op, sample_op, params: list, shape, dtype, ctx, out, kwargs):
    """MXNet's dispatch: all numbers -> the random op; all NDArrays -> the sample op (one draw per element)."""
    if out is not None and dtype is None:  # an out= array gives the dtype (and shape) when not told
        dtype = np.dtype(out.dtype).name
    if all(isinstance(p, numeric_types) and not _is_nd(p) for p in params):
        if shape is None and out is not None:
            shape = out.shape
        return random_op(*params, shape=shape, dtype=dtype, ctx=ctx, out=out, **kwargs)
    if all(_is_nd(p) for p in params):
        if shape is None and out is not None:
            shape = out.shape[params[0].ndim:]
        return sample_op(*params, shape=shape, dtype=dtype, out=out, **kwargs)
    kinds = sorted({type(p).__name__ if not _is_nd(p) else "NDArray" for p in params})
    raise MXNetValueError("Distribution parameters must all have the same type, but got both "
                          + " and ".join(kinds) + ".")


def uniform(low: Any = 0, high: Any = 1, shape: Any = None, dtype: Any = None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs: Any) -> NDArray:
    """Draw random samples from a uniform distribution on [low, high).

    ``low``/``high`` may be numbers (``shape`` samples) or NDArrays of one shape (``shape`` samples per
    element, appended to their shape).
    """
    return _helper(_op._random_uniform, _op._sample_uniform, [low, high], shape, dtype, ctx, out, kwargs)


def normal(loc: Any = 0, scale: Any = 1, shape: Any = None, dtype: Any = None, ctx: Context | None = None,
           out: NDArray | None = None, **kwargs: Any) -> NDArray:
    """Draw random samples from a normal (Gaussian) distribution with mean ``loc`` and deviation ``scale``."""
    return _helper(_op._random_normal, _op._sample_normal, [loc, scale], shape, dtype, ctx, out, kwargs)


def randn(*shape: Any, **kwargs: Any) -> NDArray:
    """Draw random samples from a normal distribution; ``randn(2, 3, loc=0, scale=1)`` has shape (2, 3)."""
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", None)
    ctx = kwargs.pop("ctx", None)
    out = kwargs.pop("out", None)
    return normal(loc, scale, shape if shape else None, dtype, ctx, out, **kwargs)


def randint(low: int, high: int, shape: Any = None, dtype: Any = None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs: Any) -> NDArray:
    """Draw random integers from the discrete uniform distribution on [low, high)."""
    if out is not None:
        dtype = np.dtype(out.dtype).name if dtype is None else dtype
        shape = out.shape if shape is None else shape
    return _op._random_randint(low, high, shape=shape, dtype=dtype, ctx=ctx, out=out, **kwargs)


def exponential(scale: Any = 1, shape: Any = None, dtype: Any = None, ctx: Context | None = None,
                out: NDArray | None = None, **kwargs: Any) -> NDArray:
    """Draw samples from an exponential distribution with the given ``scale`` (1 / rate)."""
    lam = 1.0 / scale
    return _helper(_op._random_exponential, _op._sample_exponential, [lam], shape, dtype, ctx, out, kwargs)


def gamma(alpha: Any = 1, beta: Any = 1, shape: Any = None, dtype: Any = None, ctx: Context | None = None,
          out: NDArray | None = None, **kwargs: Any) -> NDArray:
    """Draw samples from a gamma distribution with shape ``alpha`` and scale ``beta``."""
    return _helper(_op._random_gamma, _op._sample_gamma, [alpha, beta], shape, dtype, ctx, out, kwargs)


def poisson(lam: Any = 1, shape: Any = None, dtype: Any = None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs: Any) -> NDArray:
    """Draw samples from a Poisson distribution with rate ``lam``."""
    return _helper(_op._random_poisson, _op._sample_poisson, [lam], shape, dtype, ctx, out, kwargs)


def negative_binomial(k: Any = 1, p: Any = 1, shape: Any = None, dtype: Any = None, ctx: Context | None = None,
                      out: NDArray | None = None, **kwargs: Any) -> NDArray:
    """Draw samples from a negative binomial distribution: failures before ``k`` successes of probability ``p``."""
    return _helper(_op._random_negative_binomial, _op._sample_negative_binomial, [k, p], shape, dtype, ctx, out,
                   kwargs)


def generalized_negative_binomial(mu: Any = 1, alpha: Any = 1, shape: Any = None, dtype: Any = None,
                                  ctx: Context | None = None, out: NDArray | None = None,
                                  **kwargs: Any) -> NDArray:
    """Draw samples from a generalized negative binomial distribution with mean ``mu`` and dispersion ``alpha``."""
    return _helper(_op._random_generalized_negative_binomial, _op._sample_generalized_negative_binomial,
                   [mu, alpha], shape, dtype, ctx, out, kwargs)


def multinomial(data: NDArray, shape: Any = None, get_prob: bool = False, out: Any = None, dtype: Any = "int32",
                **kwargs: Any) -> Any:
    """Draw samples from the multinomial distributions given by the rows of ``data`` (probabilities).

    Returns the sampled indices (shape ``data.shape[:-1] + shape``), and with ``get_prob=True`` also their
    log-probabilities, whose gradient reaches ``data``.
    """
    if not _is_nd(data):
        raise MXNetTypeError(f"multinomial: data must be an NDArray, got {type(data).__name__}")
    return _op._sample_multinomial(data, shape=shape, get_prob=get_prob, dtype=dtype, out=out, **kwargs)


def shuffle(data: NDArray, **kwargs: Any) -> NDArray:
    """Shuffle the elements randomly along the first axis (returns a new array)."""
    return _op._shuffle(data, **kwargs)


def uniform_like(data: NDArray | None = None, low: float = 0.0, high: float = 1.0, out: Any = None,
                 name: Any = None, **kwargs: Any) -> NDArray:
    """Uniform samples on [low, high) with the shape and dtype of ``data``."""
    return _op._random_uniform_like(data, low=low, high=high, out=out)


def normal_like(data: NDArray | None = None, loc: float = 0.0, scale: float = 1.0, out: Any = None,
                name: Any = None, **kwargs: Any) -> NDArray:
    """Normal samples with the shape and dtype of ``data``."""
    return _op._random_normal_like(data, loc=loc, scale=scale, out=out)


def exponential_like(data: NDArray | None = None, lam: float = 1.0, out: Any = None, name: Any = None,
                     **kwargs: Any) -> NDArray:
    """Exponential samples of rate ``lam`` with the shape and dtype of ``data``."""
    return _op._random_exponential_like(data, lam=lam, out=out)


def gamma_like(data: NDArray | None = None, alpha: float = 1.0, beta: float = 1.0, out: Any = None,
               name: Any = None, **kwargs: Any) -> NDArray:
    """Gamma samples with the shape and dtype of ``data``."""
    return _op._random_gamma_like(data, alpha=alpha, beta=beta, out=out)


def poisson_like(data: NDArray | None = None, lam: float = 1.0, out: Any = None, name: Any = None,
                 **kwargs: Any) -> NDArray:
    """Poisson samples with the shape and dtype of ``data``."""
    return _op._random_poisson_like(data, lam=lam, out=out)


def negative_binomial_like(data: NDArray | None = None, k: int = 1, p: float = 1.0, out: Any = None,
                           name: Any = None, **kwargs: Any) -> NDArray:
    """Negative binomial samples with the shape and dtype of ``data``."""
    return _op._random_negative_binomial_like(data, k=k, p=p, out=out)


def generalized_negative_binomial_like(data: NDArray | None = None, mu: float = 1.0, alpha: float = 1.0,
                                       out: Any = None, name: Any = None, **kwargs: Any) -> NDArray:
    """Generalized negative binomial samples with the shape and dtype of ``data``."""
    return _op._random_generalized_negative_binomial_like(data, mu=mu, alpha=alpha, out=out)

"""Copies and dtype casts, and the zeros/ones-like ops."""
from __future__ import annotations

import numpy as np

from ..base import MXNetError, np_dtype
from .registry import bind_public, defop
from .registry import fn as F


def _cast_back(n, g):
    return F.cast(g, dtype=n.inputs[0].dtype)


def _astype(data, dt):
    # float -> integer as C casts on x86 (NaN and out-of-range give INT_MIN, narrow types wrap), as MXNet
    with np.errstate(invalid="ignore", over="ignore"):
        return data.astype(dt)


@defop(vjp=_cast_back, aliases=("Cast",))
def cast(data, *, dtype=None):
    """Casts all elements of the input to a new type."""
    if dtype is None:
        raise MXNetError("cast: Required parameter dtype of int is not presented")
    return _astype(data, np_dtype(dtype))


@defop(vjp=_cast_back)
def amp_cast(data, *, dtype=None):
    """Cast function used by AMP: casts floating-point inputs to ``dtype``; other inputs are left as they are."""
    if dtype is None:
        raise MXNetError("amp_cast: Required parameter dtype of int is not presented")
    if data.dtype.kind != "f":
        return data.copy()
    return _astype(data, np_dtype(dtype))


@defop(vjp=lambda n, g: g, aliases=("_copy", "identity"))
def copy(data):
    """Returns a copy of the input."""
    return data.copy()


@defop(fluent=True)
def zeros_like(data):
    """Returns an array of zeros with the same shape and dtype as the input."""
    return np.zeros_like(data)


@defop(fluent=True)
def ones_like(data):
    """Returns an array of ones with the same shape and dtype as the input."""
    return np.ones_like(data)


@defop(aliases=("BlockGrad",))
def stop_gradient(data):
    """Stops gradient computation: the output equals the input, and no gradient flows back through it."""
    return data


def amp_multicast(*data, num_outputs=None, cast_narrow=False, out=None, name=None):
    """Cast function used by AMP: casts its floating-point inputs to their widest float type (narrowest with
    ``cast_narrow``); other inputs are left as they are. Returns one array per input."""
    if num_outputs is None:
        raise MXNetError("amp_multicast: Required parameter num_outputs of int is not presented")
    if int(num_outputs) != len(data) or not data:
        raise MXNetError(f"amp_multicast: num_outputs={num_outputs} but {len(data)} arrays were given")
    floats = [np.dtype(x.dtype) for x in data if np.dtype(x.dtype).kind == "f"]
    target = (min if cast_narrow else max)(floats, key=lambda d: d.itemsize) if floats else None
    res = [F.amp_cast(x, dtype=target) if np.dtype(x.dtype).kind == "f" and np.dtype(x.dtype) != target else x
           for x in data]
    if out is not None:
        outs = out if isinstance(out, (list, tuple)) else [out]
        res = [r.copyto(o) for r, o in zip(res, outs, strict=True)]
    return res[0] if len(res) == 1 else res


bind_public("amp_multicast", amp_multicast)

"""Copies and dtype casts, and the zeros/ones-like ops."""
from __future__ import annotations

import numpy as np

from ..base import MXNetError, np_dtype
from .registry import defop
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

"""Copies and dtype casts, and the zeros/ones-like ops."""
from __future__ import annotations

import numpy as np

from ..base import np_dtype
from .registry import defop
from .registry import fn as F


@defop(vjp=lambda n, g: F.cast(g, dtype=n.inputs[0].dtype), aliases=("Cast",))
def cast(data, *, dtype="float32"):
    """Casts all elements of the input to a new type."""
    return data.astype(np_dtype(dtype))


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

"""Indexing: ``x[key]`` and ``x[key] = value`` with MXNet 1.x's result shapes.

A key may mix ints, slices, None, Ellipsis, lists and NDArrays (advanced indexing, as NumPy). An int
index that would leave a 0-d result gives shape (1,), as MXNet 1.x does.
"""
from __future__ import annotations

import numpy as np

from .. import autograd
from ..base import MXNetError, MXNetIndexError
from ..ndarray.ndarray import NDArray
from .registry import bind_public, defop
from .registry import fn as F


def _raw_key(key):
    """The key with NDArrays and lists turned into NumPy integer arrays."""
    if isinstance(key, tuple):
        return tuple(_raw_key(k) for k in key)
    if isinstance(key, NDArray):
        return key.asnumpy().astype(np.int64)
    if isinstance(key, list):
        return np.asarray(key, dtype=np.int64)
    return key


def _is_basic(key) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return not any(isinstance(k, np.ndarray) for k in parts)


def _is_view(key) -> bool:
    """MXNet shares memory for an int or unit-step slice along the first axis only."""
    return isinstance(key, (int, np.integer)) or (isinstance(key, slice) and key.step in (None, 1))


def _getitem_vjp(n, g):
    return F._getitem_backward(g, n.inputs[0], key=n.attrs["key"])


@defop(vjp=_getitem_vjp)
def _getitem(data, *, key=()):
    """``data[key]`` (the op behind ``NDArray.__getitem__``)."""
    try:
        res = data[key]
    except IndexError as err:
        raise MXNetIndexError(f"_getitem: {err} (index {key!r} into shape {data.shape})") from None
    if not (_is_view(key) and data.ndim > 1):
        res = res.copy()
    return res.reshape(1) if res.ndim == 0 else res


@defop(vjp=lambda n, g: (F._getitem(g, key=n.attrs["key"]), None))
def _getitem_backward(grad, data, *, key=()):
    """Scatters ``grad`` into zeros shaped like ``data`` at ``key`` (adds where indices repeat)."""
    out = np.zeros_like(data, dtype=grad.dtype)
    target = out[key].shape
    if _is_basic(key):
        out[key] = grad.reshape(target)
    else:
        np.add.at(out, key, grad.reshape(target))
    return out


def getitem(data: NDArray, key) -> NDArray:
    """``data[key]``: NDArray and list indices become integer arrays, then ``_getitem``."""
    return F._getitem(data, key=_raw_key(key))


def setitem(data: NDArray, key, value) -> None:
    """``data[key] = value``: writes in place; not allowed on arrays in a graph while recording."""
    if autograd.is_recording() and data._node is not None:
        raise MXNetError("__setitem__: Assigning to NDArrays that are already in a computational graph is not "
                         "allowed inside a record section; call backward first or assign outside record()")
    key = _raw_key(key)
    raw = value._data if isinstance(value, NDArray) else np.asarray(value)
    if not data._data.flags.writeable:
        data._data = data._data.copy()
    try:
        target = data._data[key].shape
        if raw.size == int(np.prod(target)) and raw.shape != target:
            raw = raw.reshape(target)
        data._data[key] = raw
    except (IndexError, ValueError) as err:
        raise MXNetIndexError(f"__setitem__: {err} (index {key!r} into shape {data.shape}, "
                              f"value shape {getattr(raw, 'shape', ())})") from None


bind_public("_index_get", getitem)
bind_public("_index_set", setitem)

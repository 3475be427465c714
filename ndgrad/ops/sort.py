"""Sorting and searching: topk, sort, argsort, and the gather/scatter pair their gradients use.

Ties keep their original order (a stable sort in both directions): ``topk([4, 4, 0], k=2)`` gives
indices ``[0, 1]`` whether ascending or not, as MXNet does. Index outputs are float32 by default
(``dtype`` changes that), as MXNet's.
"""
from __future__ import annotations

import numpy as np

from ..backend import scatter_add
from ..base import MXNetError, np_dtype
from .reduce import reduce_axes
from .registry import defop
from .registry import fn as F


def _stable_order(data, axis: int, ascend: bool):
    """Indices sorting ``data`` along ``axis``; equal elements keep their order in both directions."""
    if ascend:
        return np.argsort(data, axis=axis, kind="stable")
    key = data.astype(np.int64) if data.dtype.kind in "ub" else data
    return np.argsort(-key, axis=axis, kind="stable")


def _topk_order(arr, axis: int, k: int, ascend: bool):
    """The first ``k`` of ``_stable_order(arr, axis, ascend)`` in O(n) for small ``k``: a partition finds the
    k-th value, every element strictly better plus the lowest-index ties at the k-th value are kept, and
    only those ``k`` are sorted."""
    n = arr.shape[axis]
    if 4 * k >= n or arr.dtype.kind not in "fiu" or (arr.dtype.kind == "f" and np.isnan(arr).any()):
        order = _stable_order(arr, axis, ascend)
        return order[(slice(None),) * axis + (slice(0, k),)]
    a = np.moveaxis(arr, axis, -1)
    if ascend:
        kth = np.partition(a, k - 1, axis=-1)[..., k - 1:k]
        better = a < kth
    else:
        kth = np.partition(a, n - k, axis=-1)[..., n - k:n - k + 1]
        better = a > kth
    ties = a == kth
    room = k - better.sum(-1, keepdims=True)
    if (ties.sum(-1, keepdims=True) > room).any():  # more ties than places: the lowest indices win
        ties &= np.cumsum(ties, axis=-1) <= room
    keep = better | ties
    idx = np.nonzero(keep)[-1].reshape((*a.shape[:-1], k))  # exactly k per row, in index order
    idx = np.take_along_axis(idx, _stable_order(np.take_along_axis(a, idx, -1), -1, ascend), -1)
    return np.moveaxis(idx, -1, axis)


def _axis_of(name, data, axis):
    """(array, axis) with ``axis=None`` meaning the flattened array."""
    if axis is None:
        return data.reshape(-1), 0
    return data, reduce_axes(name, data.shape, int(axis))[0]


@defop(vjp=lambda n, g: (F._scatter_along_axis(g, n.inputs[1], axis=n.attrs["axis"],
                                                size=n.inputs[0].shape[n.attrs["axis"]]), None))
def _take_along_axis(data, indices, *, axis=0):
    """Picks ``data``'s elements at ``indices`` along ``axis`` (indices shaped like the result)."""
    return np.take_along_axis(data, indices.astype(np.int64), axis=axis)


@defop(vjp=lambda n, g: (F._take_along_axis(g, n.inputs[1], axis=n.attrs["axis"]), None))
def _scatter_along_axis(data, indices, *, axis=0, size=0):
    """Zeros of length ``size`` along ``axis`` with ``data`` added at ``indices`` (repeats accumulate)."""
    shape = list(data.shape)
    shape[axis] = size
    out = np.zeros_like(data, shape=shape)
    where = list(np.indices(indices.shape, sparse=True))
    where[axis] = indices.astype(np.int64)
    scatter_add(out, tuple(where), data)
    return out


def _topk_vjp(n, g, _g_indices=None):
    if n.attrs["ret_typ"] not in ("value", "both") or g is None:
        return (None,)
    x, axis = n.inputs[0], n.attrs["axis"]
    idx = n.output(1)
    if axis is None:
        flat = F._scatter_along_axis(g, idx, axis=0, size=x.size)
        return (F.reshape(flat, shape=x.shape),)
    ax = axis % x.ndim
    return (F._scatter_along_axis(g, idx, axis=ax, size=x.shape[ax]),)


_RET_TYPES = ("value", "indices", "mask", "both")


@defop(vjp=_topk_vjp, num_outputs=2, num_visible=lambda a: 2 if a["ret_typ"] == "both" else 1,
       save_outputs=True, fluent=True)
def topk(data, *, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32"):
    """Returns the top ``k`` elements along an axis: their values, indices, a mask, or both values and indices.

    ``k < 1`` takes every element. ``axis=None`` searches the flattened array.
    """
    if ret_typ not in _RET_TYPES:
        raise MXNetError(f"topk: ret_typ must be one of {_RET_TYPES}, got {ret_typ!r}")
    arr, ax = _axis_of("topk", data, axis)
    n = arr.shape[ax]
    k = n if k < 1 else int(k)
    if k > n:
        raise MXNetError(f"topk: k={k} exceeds the {n} elements along axis {axis} of shape {data.shape}")
    idx = _topk_order(arr, ax, k, bool(is_ascend))
    idt = np_dtype(dtype)
    if ret_typ == "mask":
        mask = np.zeros_like(arr)
        np.put_along_axis(mask, idx, np.ones((), dtype=data.dtype), axis=ax)
        return mask.reshape(data.shape), idx
    if ret_typ == "indices":
        out = idx.astype(idt)
        return out, out
    return np.take_along_axis(arr, idx, axis=ax), idx.astype(idt)


def _sort_vjp(n, g, _g_indices=None):
    x, axis = n.inputs[0], n.attrs["axis"]
    idx = n.output(1)
    if axis is None:
        return (F.reshape(F._scatter_along_axis(g, idx, axis=0, size=x.size), shape=x.shape),)
    ax = axis % x.ndim
    return (F._scatter_along_axis(g, idx, axis=ax, size=x.shape[ax]),)


@defop(vjp=_sort_vjp, num_outputs=2, num_visible=lambda a: 1, save_outputs=True, fluent=True)
def sort(data, *, axis=-1, is_ascend=True):
    """Returns a sorted copy of the input along ``axis`` (the flattened input when None)."""
    arr, ax = _axis_of("sort", data, axis)
    idx = _stable_order(arr, ax, bool(is_ascend))
    return np.take_along_axis(arr, idx, axis=ax), idx


@defop(fluent=True)
def argsort(data, *, axis=-1, is_ascend=True, dtype="float32"):
    """Returns the indices that would sort the input along ``axis`` (float32 by default; ties keep order)."""
    arr, ax = _axis_of("argsort", data, axis)
    return _stable_order(arr, ax, bool(is_ascend)).astype(np_dtype(dtype))

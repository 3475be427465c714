"""Reductions over axes (sum, mean, max, min, norm) and the engine's broadcast-undoing sum."""
from __future__ import annotations

import numpy as np

from ..autograd import Node
from ..base import MXNetError
from .registry import defop
from .registry import fn as F


def reduce_axes(name: str, ndim: int, axis, exclude: bool = False) -> tuple[int, ...]:
    """MXNet's ``axis``/``exclude`` pair as a sorted tuple of non-negative axes (None or () is all)."""
    if axis is None or axis == ():
        axes = tuple(range(ndim))
        return () if exclude else axes
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    norm = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise MXNetError(f"{name}: axis {a} is out of range for an array of {ndim} dimensions")
        norm.append(a % ndim if ndim else 0)
    if len(set(norm)) != len(norm):
        raise MXNetError(f"{name}: axis {axis} repeats an axis")
    if exclude:
        return tuple(i for i in range(ndim) if i not in norm)
    return tuple(sorted(norm))


def _keepdims_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _finish(res, keepdims: bool):
    """NumPy's full reductions give 0-d results; MXNet's give shape (1,)."""
    res = np.asarray(res) if not hasattr(res, "ndim") else res
    return res.reshape(1) if res.ndim == 0 and not keepdims else res


def _expand(node: Node, g):
    """The output gradient broadcast back to the input's shape."""
    x = node.inputs[0]
    axes = reduce_axes(node.op.name, x.ndim, node.attrs["axis"], node.attrs.get("exclude", False))
    return F.broadcast_to(F.reshape(g, shape=_keepdims_shape(x.shape, axes)), shape=x.shape)


@defop(vjp=_expand, fluent=True, aliases=("sum_axis",))
def sum(data, *, axis=None, keepdims=False, exclude=False):
    """Computes the sum of array elements over given axes."""
    axes = reduce_axes("sum", data.ndim, axis, exclude)
    return _finish(np.sum(data, axis=axes, keepdims=keepdims), keepdims)


def _mean_vjp(n, g):
    x = n.inputs[0]
    axes = reduce_axes("mean", x.ndim, n.attrs["axis"], n.attrs["exclude"])
    count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    return _expand(n, g) / count


@defop(vjp=_mean_vjp, fluent=True)
def mean(data, *, axis=None, keepdims=False, exclude=False):
    """Computes the mean of array elements over given axes."""
    axes = reduce_axes("mean", data.ndim, axis, exclude)
    res = np.mean(data, axis=axes, keepdims=keepdims)
    return _finish(res.astype(data.dtype, copy=False), keepdims)


def _extreme_vjp(n, g):
    # every element equal to the extreme gets the gradient, as MXNet's mask-based backward
    x = n.inputs[0]
    axes = reduce_axes(n.op.name, x.ndim, n.attrs["axis"], n.attrs["exclude"])
    kshape = _keepdims_shape(x.shape, axes)
    mask = F.broadcast_equal(x, F.broadcast_to(F.reshape(n.output(), shape=kshape), shape=x.shape))
    return _expand(n, g) * mask


def _extreme(name, npfn):
    def op(data, *, axis=None, keepdims=False, exclude=False):
        axes = reduce_axes(name, data.ndim, axis, exclude)
        if data.size == 0:
            raise MXNetError(f"{name}: cannot reduce an empty array")
        return _finish(npfn(data, axis=axes, keepdims=keepdims), keepdims)
    op.__name__ = name
    op.__doc__ = f"Computes the {name}imum of array elements over given axes."
    defop(name, vjp=_extreme_vjp, save_outputs=True, fluent=True)(op)


_extreme("max", np.max)
_extreme("min", np.min)


def _norm_vjp(n, g):
    x, ord_ = n.inputs[0], n.attrs["ord"]
    if ord_ == 1:
        return _expand(n, g) * F.sign(x)
    axes = reduce_axes("norm", x.ndim, n.attrs["axis"])
    kshape = _keepdims_shape(x.shape, axes)
    y = F.broadcast_to(F.reshape(n.output(), shape=kshape), shape=x.shape)
    return _expand(n, g) * x / y


@defop(vjp=_norm_vjp, save_outputs=True, fluent=True)
def norm(data, *, ord=2, axis=None, out_dtype=None, keepdims=False):
    """Computes the norm (``ord`` 1 or 2) of the array over the given axes (all by default)."""
    if ord not in (1, 2):
        raise MXNetError(f"norm: ord must be 1 or 2, got {ord}")
    axes = reduce_axes("norm", data.ndim, axis)
    if ord == 1:
        res = np.sum(np.abs(data), axis=axes, keepdims=keepdims)
    else:
        res = np.sqrt(np.sum(np.square(data), axis=axes, keepdims=keepdims))
    return _finish(res.astype(out_dtype or data.dtype, copy=False), keepdims)


def _sum_to_shape_vjp(n, g):
    shape = n.inputs[0].shape
    return F.broadcast_to(F.reshape(g, shape=(1,) * (len(shape) - g.ndim) + g.shape), shape=shape)


@defop(vjp=_sum_to_shape_vjp)
def _sum_to_shape(data, *, shape=()):
    """Sums ``data`` down to ``shape`` (which it was broadcast from): the engine's broadcasting rule."""
    lead = data.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and data.shape[lead + i] != 1)
    res = np.sum(data, axis=axes, keepdims=True) if axes else data
    return res.reshape(shape)

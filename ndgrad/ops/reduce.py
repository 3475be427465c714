"""Reductions over axes (sum, mean, prod, nansum, nanprod, max, min, norm, moments), arg-reductions
(argmax, argmin, argmax_channel), cumsum, and the engine's broadcast-undoing ``_sum_to_shape``.

MXNet conventions kept here: ``axis=None`` or ``()`` reduces every axis (``exclude`` then changes
nothing); ``exclude=True`` reduces the axes *not* listed; a full reduction gives shape ``(1,)``, not a
0-d array; results keep the input's dtype (``mean`` of int32 is int32).
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd import Node
from ..base import MXNetError, MXNetValueError, np_dtype
from .registry import bind_public, defop
from .registry import fn as F


def reduce_axes(name: str, ndim: int | tuple, axis, exclude: bool = False) -> tuple[int, ...]:
    """MXNet's ``axis``/``exclude`` pair as a sorted tuple of non-negative axes (None or () is all).

    ``ndim`` may be the input's shape, which error messages then show.
    """
    shape = ndim if isinstance(ndim, tuple) else None
    ndim = len(ndim) if shape is not None else ndim
    if type(axis) is int and -ndim <= axis < ndim:  # one axis, the common case
        axis %= ndim
        return tuple(i for i in range(ndim) if i != axis) if exclude else (axis,)
    if axis is None or axis == ():
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    norm = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise MXNetError(f"{name}: axis {a} is out of range for an input of {_what(shape, ndim)}")
        norm.append(a % ndim if ndim else 0)
    if len(set(norm)) != len(norm):
        raise MXNetError(f"{name}: axis {axis} repeats an axis (input of {_what(shape, ndim)})")
    if exclude:
        return tuple(i for i in range(ndim) if i not in norm)
    return tuple(sorted(norm))


def _what(shape: tuple | None, ndim: int) -> str:
    return f"shape {shape}" if shape is not None else f"{ndim} dimensions"


def _keepdims_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _finish(res, keepdims: bool, dtype=None):
    """NumPy's full reductions give 0-d results; MXNet's give shape (1,). Also restores the dtype."""
    res = np.asarray(res) if not hasattr(res, "ndim") else res
    if dtype is not None and res.dtype != dtype:
        res = res.astype(dtype)
    return res.reshape(1) if res.ndim == 0 and not keepdims else res


def _node_axes(node: Node) -> tuple:
    x = node.inputs[0]
    axis = node.attrs["axes"] if "axes" in node.attrs else node.attrs["axis"]  # moments names it axes
    return reduce_axes(node.op.name, x.ndim, axis, node.attrs.get("exclude", False))


def _broadcast_back(node: Node, y):
    """``y``, shaped like the reduction's output, broadcast back to the input's shape (recorded); no op where
    the shapes already agree (a reduction over axes of length 1)."""
    shape = node.inputs[0].shape
    kshape = _keepdims_shape(shape, _node_axes(node))
    if y.shape != kshape:
        y = F.reshape(y, shape=kshape)
    return y if kshape == shape else F.broadcast_to(y, shape=shape)


def _expand(node: Node, g):
    """The output gradient broadcast back to the input's shape."""
    return _broadcast_back(node, g)


def _expand_output(node: Node, index: int = 0):
    """Output ``index`` of a reduction broadcast back to the input's shape (recorded, attached to node)."""
    return _broadcast_back(node, node.output(index))


def _count(node: Node) -> int:
    x = node.inputs[0]
    return math.prod([x.shape[a] for a in _node_axes(node)])


@defop(vjp=_expand, fluent=True, aliases=("sum_axis",))
def sum(data, *, axis=None, keepdims=False, exclude=False):
    """Computes the sum of array elements over given axes."""
    if axis is None and not keepdims:  # a full sum: shape (1,), without the general bookkeeping
        return data.sum(keepdims=True, dtype=data.dtype).reshape(1)
    axes = reduce_axes("sum", data.shape, axis, exclude)
    return _finish(data.sum(axis=axes, keepdims=keepdims, dtype=data.dtype), keepdims)


def _mean_vjp(n, g):
    count = _count(n)
    return _expand(n, g) if count == 1 else _expand(n, g) / count


@defop(vjp=_mean_vjp, fluent=True)
def mean(data, *, axis=None, keepdims=False, exclude=False):
    """Computes the mean of array elements over given axes."""
    axes = reduce_axes("mean", data.shape, axis, exclude)
    count = math.prod(data.shape[a] for a in axes)
    if count and data.dtype.kind == "f" and data.dtype.itemsize >= 4:  # NumPy's mean, without its Python wrapper
        return _finish(data.sum(axis=axes, keepdims=keepdims) / data.dtype.type(count), keepdims, data.dtype)
    return _finish(data.mean(axis=axes, keepdims=keepdims), keepdims, data.dtype)


# MXNet's rule is out / x (NaN where x == 0 and the product is 0); kept for parity
@defop(vjp=lambda n, g: _expand(n, g) * _expand_output(n) / n.inputs[0], save_outputs=True, fluent=True)
def prod(data, *, axis=None, keepdims=False, exclude=False):
    """Computes the product of array elements over given axes."""
    axes = reduce_axes("prod", data.shape, axis, exclude)
    return _finish(data.prod(axis=axes, keepdims=keepdims, dtype=data.dtype), keepdims)


def _not_nan(x):
    """1 where ``x`` is not NaN, else 0 (a constant: comparisons are not recorded)."""
    return F.broadcast_equal(x, x)


@defop(vjp=lambda n, g: _expand(n, g) * _not_nan(n.inputs[0]), fluent=True)
def nansum(data, *, axis=None, keepdims=False, exclude=False):
    """Computes the sum of array elements over given axes, treating NaN as zero."""
    axes = reduce_axes("nansum", data.shape, axis, exclude)
    return _finish(np.nansum(data, axis=axes, keepdims=keepdims, dtype=data.dtype), keepdims)


# d/dx is 1 off NaN and 0 on NaN
@defop(vjp=lambda n, g: g * _not_nan(n.inputs[0]))
def _nan_to_num(data, *, value=0.0):
    """``data`` with NaN replaced by ``value`` (used by nanprod's gradient)."""
    return np.where(np.isnan(data), data.dtype.type(value), data)


def _nanprod_vjp(n, g):
    x = n.inputs[0]
    return _expand(n, g) * _expand_output(n) / F._nan_to_num(x, value=1.0) * _not_nan(x)


@defop(vjp=_nanprod_vjp, save_outputs=True, fluent=True)
def nanprod(data, *, axis=None, keepdims=False, exclude=False):
    """Computes the product of array elements over given axes, treating NaN as one."""
    axes = reduce_axes("nanprod", data.shape, axis, exclude)
    return _finish(np.nanprod(data, axis=axes, keepdims=keepdims, dtype=data.dtype), keepdims)


def _extreme_vjp(n, g):
    # every element equal to the extreme gets the whole gradient (ties all get it), as MXNet
    x = n.inputs[0]
    return _expand(n, g) * F.broadcast_equal(x, _expand_output(n))


def _extreme(name, npfn, alias):
    def op(data, *, axis=None, keepdims=False, exclude=False):
        axes = reduce_axes(name, data.shape, axis, exclude)
        if data.size == 0:
            raise MXNetError(f"{name}: cannot reduce an empty array of shape {data.shape}")
        return _finish(npfn(data, axis=axes, keepdims=keepdims), keepdims)
    op.__name__ = name
    op.__doc__ = f"Computes the {name}imum of array elements over given axes."
    defop(name, vjp=_extreme_vjp, save_outputs=True, fluent=True, aliases=(alias,))(op)


_extreme("max", lambda x, **kw: x.max(**kw), "max_axis")
_extreme("min", lambda x, **kw: x.min(**kw), "min_axis")


def _norm_vjp(n, g):
    x, ord_ = n.inputs[0], n.attrs["ord"]
    if ord_ == 1:
        return _expand(n, g) * F.sign(x)
    # x / ||x||: NaN at an all-zero slice, as MXNet
    return _expand(n, g) * x / _expand_output(n)


@defop(vjp=_norm_vjp, save_outputs=True, fluent=True)
def norm(data, *, ord=2, axis=None, out_dtype=None, keepdims=False):
    """Computes the norm (``ord`` 1 or 2) of the array over the given axes (all by default)."""
    if ord == 2 and axis is None and out_dtype is None and not keepdims and data.dtype.kind == "f":
        return np.sqrt(np.square(data).sum(keepdims=True)).reshape(1)  # the common full 2-norm, lean
    if ord not in (1, 2):
        raise MXNetError(f"norm: ord must be 1 or 2, got {ord} (input shape {data.shape})")
    axes = reduce_axes("norm", data.shape, axis)
    if ord == 1:
        res = np.abs(data).sum(axis=axes, keepdims=keepdims)
    else:
        res = np.sqrt(np.square(data, dtype=np.float64 if data.dtype.kind in "iub" else None)
                      .sum(axis=axes, keepdims=keepdims))
    dt = data.dtype if out_dtype is None else np_dtype(out_dtype)
    return _finish(res, keepdims, dt)


def _moments_vjp(n, g_mean, g_var):
    x = n.inputs[0]
    count = _count(n)
    dx = None
    if g_mean is not None:
        dx = _expand(n, g_mean) / count
    if g_var is not None:
        dv = _expand(n, g_var) * (x - _expand_output(n, 0)) * (2.0 / count)
        dx = dv if dx is None else dx + dv
    return (dx,)


def _moments_axes(attrs_axes, ndim):
    if attrs_axes is None or attrs_axes == ():
        raise MXNetError("moments: empty axes is not supported; pass every axis to axes for global moments")
    return reduce_axes("moments", ndim, attrs_axes)


@defop(vjp=_moments_vjp, num_outputs=2, save_outputs=True)
def moments(data, *, axes=None, keepdims=False):
    """Calculates the mean and variance of ``data`` over ``axes``; returns ``[mean, var]``."""
    ax = _moments_axes(axes, data.shape)
    mean_ = np.mean(data, axis=ax, keepdims=True)
    var = np.mean(np.square(data - mean_), axis=ax, keepdims=keepdims)
    if not keepdims:
        mean_ = mean_.reshape(var.shape)
    return _finish(mean_, keepdims, data.dtype), _finish(var, keepdims, data.dtype)


def _arg_reduce(name, npfn, data, axis, keepdims):
    if data.size == 0:
        raise MXNetError(f"{name}: cannot reduce an empty array of shape {data.shape}")
    if axis is None:
        res = npfn(data.reshape(-1))
        res = res.reshape((1,) * data.ndim if keepdims else (1,))
        return res.astype(data.dtype)
    if not isinstance(axis, (int, np.integer)):
        raise MXNetError(f"{name}: axis must be an int or None, got {axis!r}")
    ax = reduce_axes(name, data.shape, int(axis))[0]
    res = npfn(data, axis=ax)
    if keepdims:
        res = np.expand_dims(res, ax)
    return _finish(res, keepdims, data.dtype)


# index results take the input's dtype (float32 for float32 data), as MXNet
@defop(fluent=True)
def argmax(data, *, axis=None, keepdims=False):
    """Returns indices of the maximum values along an axis (in the input's dtype; first one on ties)."""
    return _arg_reduce("argmax", np.argmax, data, axis, keepdims)


@defop(fluent=True)
def argmin(data, *, axis=None, keepdims=False):
    """Returns indices of the minimum values along an axis (in the input's dtype; first one on ties)."""
    return _arg_reduce("argmin", np.argmin, data, axis, keepdims)


@defop(fluent=True)
def argmax_channel(data):
    """Returns the argmax along axis 1 (the channel axis), in the input's dtype."""
    if data.ndim < 2:
        raise MXNetError(f"argmax_channel: input must have at least 2 dimensions, got shape {data.shape}")
    return _arg_reduce("argmax_channel", np.argmax, data, 1, False)


def _cumsum_vjp(n, g):
    x, axis = n.inputs[0], n.attrs["axis"]
    if axis is None:
        flat = F.reshape(g, shape=(-1,))
        rev = F.flip(F.cumsum(F.flip(flat, axis=0), axis=0), axis=0)
        dx = F.reshape(rev, shape=x.shape)
    else:
        dx = F.flip(F.cumsum(F.flip(g, axis=axis), axis=axis), axis=axis)
    return dx if dx.dtype == x.dtype else F.cast(dx, dtype=x.dtype)


@defop(vjp=_cumsum_vjp)
def cumsum(a, *, axis=None, dtype=None):
    """Returns the cumulative sum of the elements along ``axis`` (of the flattened array when None)."""
    dt = a.dtype if dtype is None else np_dtype(dtype)
    if axis is None:
        return np.cumsum(a.reshape(-1), dtype=dt)
    ax = reduce_axes("cumsum", a.shape, int(axis))[0]
    return np.cumsum(a, axis=ax, dtype=dt)


@defop(num_outputs=2)
def _histogram(data, bins=None, *, bin_cnt=None, range=None):
    """Counts of ``data`` in bins (int64) and the bin edges (in data's dtype); the last bin is closed."""
    flat = data.reshape(-1)
    if bins is not None:
        counts, _ = np.histogram(flat, bins=bins)
        return counts.astype(np.int64), bins.copy()
    if bin_cnt is None or range is None:
        raise MXNetError("_histogram: give either a bins array or both bin_cnt and range")
    nb = int(bin_cnt)
    if data.dtype.kind in "iu":  # MXNet truncates the edges to the integer dtype, then bins by them
        edges = np.linspace(float(range[0]), float(range[1]), nb + 1).astype(data.dtype)
        counts, _ = np.histogram(flat, bins=edges)
        return counts.astype(np.int64), edges
    counts, edges = np.histogram(flat, bins=nb, range=tuple(float(v) for v in range))
    return counts.astype(np.int64), edges.astype(data.dtype)


def histogram(a, bins=10, range=None):
    """Computes the histogram of ``a``: ``bins`` an int (with ``range``) or an NDArray of bin edges.

    Returns ``[counts, edges]``; with an int ``bins`` and no ``range`` the data's min and max set the range
    and both results are float32 (MXNet computes that case with NumPy).
    """
    from ..ndarray.ndarray import NDArray
    if isinstance(bins, NDArray):
        return F._histogram(a, bins)
    if isinstance(bins, (int, np.integer)):
        if range is None:
            from ..ndarray.creation import array
            counts, edges = np.histogram(a.asnumpy(), bins=int(bins))
            return array(counts, ctx=a.context, dtype=np.float32), array(edges, ctx=a.context, dtype=np.float32)
        return F._histogram(a, bin_cnt=int(bins), range=tuple(range))
    raise MXNetValueError("bins argument should be either an integer or an NDArray")


bind_public("histogram", histogram)


def _sum_to_shape_vjp(n, g):
    shape = n.inputs[0].shape
    return F.broadcast_to(F.reshape(g, shape=(1,) * (len(shape) - g.ndim) + g.shape), shape=shape)


@defop(vjp=_sum_to_shape_vjp)
def _sum_to_shape(data, *, shape=()):
    """Sums ``data`` down to ``shape`` (which it was broadcast from): the engine's broadcasting rule."""
    lead = data.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and data.shape[lead + i] != 1)
    res = data.sum(axis=axes, keepdims=True) if axes else data
    return res.reshape(shape)

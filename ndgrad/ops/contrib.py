"""Contrib ops (``nd.contrib``): boolean_mask, isnan/isinf/isfinite, arange_like, index_copy, index_array,
div_sqrt_dim, and the stacking op behind the Python-level control flow (foreach, while_loop)."""
from __future__ import annotations

import numpy as np

from ..backend import device_key, to_host
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .indexing import _as_index, _norm_axis
from .registry import defop
from .registry import fn as F


def _mask_key(ndim, index, axis):
    axis = _norm_axis("boolean_mask", axis, ndim)
    return (np.s_[:],) * axis + (np.flatnonzero(to_host(index).reshape(-1)),)


def _boolean_mask_vjp(n, g):
    x, index = n.inputs
    return F._getitem_backward(g, x, key=_mask_key(x.ndim, index._data, n.attrs["axis"])), None


@defop("_contrib_boolean_mask", vjp=_boolean_mask_vjp)
def boolean_mask(data, index, *, axis=0):
    """Keeps the slices of ``data`` along ``axis`` where ``index`` is non-zero."""
    axis_n = _norm_axis("boolean_mask", axis, data.ndim)
    if np.ndim(index) != 1 or np.shape(index)[0] != data.shape[axis_n]:
        raise MXNetError(f"boolean_mask: index of shape {np.shape(index)} must be 1-D with the length of axis "
                         f"{axis} of data {data.shape}")
    return data[device_key(_mask_key(data.ndim, index, axis), data)]


@defop("_contrib_isnan")
def isnan(data):
    """1 where the element is NaN, else 0 (in the input's dtype)."""
    return np.isnan(data).astype(data.dtype)


@defop("_contrib_isinf")
def isinf(data):
    """1 where the element is +inf or -inf, else 0 (in the input's dtype)."""
    return np.isinf(data).astype(data.dtype)


@defop("_contrib_isfinite")
def isfinite(data):
    """1 where the element is finite (not NaN or infinite), else 0 (in the input's dtype)."""
    return np.isfinite(data).astype(data.dtype)


@defop("_contrib_arange_like")
def arange_like(data, *, start=0.0, step=1.0, repeat=1, ctx=None, axis=None):
    """``start + step * (i // repeat)`` shaped like ``data`` (or along one ``axis`` of it)."""
    if axis is None:
        shape, count = data.shape, data.size
    else:
        count = data.shape[_norm_axis("arange_like", axis, data.ndim)]
        shape = (count,)
    vals = start + step * (np.arange(count) // int(repeat))
    return vals.reshape(shape).astype(data.dtype if data.dtype.kind == "f" else np.float32)


def _index_copy_vjp(n, g):
    old, idx, _new = n.inputs
    rows = _as_index(idx._data).reshape(-1)
    keep = np.ones((old.shape[0],) + (1,) * (old.ndim - 1), dtype=g._data.dtype)
    keep[rows] = 0
    return g * NDArray(keep, g.context), None, F._getitem(g, key=(rows,))


@defop("_contrib_index_copy", vjp=_index_copy_vjp)
def index_copy(old_tensor, index_vector, new_tensor):
    """A copy of ``old_tensor`` with the rows listed in ``index_vector`` replaced by ``new_tensor``'s rows."""
    rows = _as_index(index_vector).reshape(-1)
    if new_tensor.shape != (rows.size, *old_tensor.shape[1:]):
        raise MXNetError(f"index_copy: new_tensor of shape {new_tensor.shape} must be "
                         f"{(rows.size, *old_tensor.shape[1:])} (old_tensor {old_tensor.shape}, "
                         f"{rows.size} indices)")
    if rows.size and (rows.min() < 0 or rows.max() >= old_tensor.shape[0]):
        raise MXNetError(f"index_copy: index out of range [0, {old_tensor.shape[0]}) for old_tensor "
                         f"{old_tensor.shape}")
    out = old_tensor.copy()
    out[rows] = new_tensor
    return out


@defop("_contrib_index_array")
def index_array(data, *, axes=None):
    """For each element, its index along ``axes`` (all by default): shape data.shape + (len(axes),), int64."""
    grids = np.indices(data.shape, dtype=np.int64)
    if axes is not None:
        axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
        grids = grids[[_norm_axis("index_array", a, data.ndim) for a in axes]]
    return np.moveaxis(grids, 0, -1)


@defop("_contrib_div_sqrt_dim", vjp=lambda n, g: g / float(np.sqrt(n.inputs[0].shape[-1])))
def div_sqrt_dim(data):
    """Divides ``data`` by the square root of its last dimension."""
    return (data / np.sqrt(data.shape[-1])).astype(data.dtype, copy=False)


def _stack_vjp(n, g):
    return tuple(F.reshape(F._getitem(g, key=i), shape=x.shape) for i, x in enumerate(n.inputs))


@defop("_contrib_foreach_stack", vjp=_stack_vjp)
def _foreach_stack(*args, pad=0):
    """Stacks equal-shaped arrays along a new first axis, then adds ``pad`` zero slices (control flow)."""
    if not args:
        raise MXNetError("_foreach_stack: needs at least one array")
    out = np.stack(args)
    if pad:
        out = np.concatenate([out, np.zeros((pad, *out.shape[1:]), out.dtype)])
    return out

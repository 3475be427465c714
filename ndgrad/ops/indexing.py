"""Indexing: ``x[key]``/``x[key] = value`` with MXNet 1.x's shapes, and the indexing ops (slice, take, pick,
one_hot, gather_nd, scatter_nd, where, Sequence*, Embedding).

Every gather-like op differentiates into ``_getitem_backward`` (a scatter-add into zeros) whose own
gradient is ``_getitem`` again, so gradients of any order work. Index arrays may be float: they are
truncated toward zero, as MXNet casts them.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import autograd
from ..backend import device_key, on_device_of, scatter_add, to_host, xp_of
from ..base import MXNetError, MXNetIndexError, MXNetValueError
from ..ndarray.ndarray import NDArray
from .registry import bind_public, defop
from .registry import fn as F


# ----------------------------------------------------------------------------- helpers
def _as_index(idx) -> np.ndarray:
    """Integer positions from an index array of any dtype (float truncates toward zero), on the host: keys
    are host arrays, moved to the data's device only where they index it (``_on``)."""
    idx = to_host(idx) if hasattr(idx, "__cuda_array_interface__") else np.asarray(idx)
    return idx if idx.dtype.kind in "iu" else idx.astype(np.int64)


def _norm_axis(name: str, axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise MXNetError(f"{name}: axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def _bound(name: str, idx, n: int, mode: str) -> np.ndarray:
    """Apply MXNet's index ``mode`` ('clip', 'wrap' or 'raise') for an axis of length ``n``."""
    idx = _as_index(idx)
    if mode == "clip":
        return np.minimum(np.maximum(idx, 0), max(n - 1, 0))  # two ufuncs: np.clip costs ~10 us a call
    if mode == "wrap":
        return np.mod(idx, n) if n else idx
    if mode == "raise":
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise MXNetIndexError(f"{name}: index out of range [{-n}, {n}) (got min {idx.min()}, max {idx.max()})")
        return np.where(idx < 0, idx + n, idx)
    raise MXNetError(f"{name}: mode must be 'clip', 'wrap' or 'raise', got {mode!r}")


def _scatter(g, x, key):
    """The gradient of ``x[key]``: ``g`` added into zeros shaped like ``x`` at ``key``."""
    return F._getitem_backward(g, x, key=key)


# ----------------------------------------------------------------------------- x[key]
def _raw_key(key):
    """The key with NDArrays and lists turned into NumPy integer arrays."""
    if isinstance(key, tuple):
        return tuple(_raw_key(k) for k in key)
    if isinstance(key, NDArray):
        if key.dtype == np.bool_:
            raise MXNetValueError("Cannot perform boolean indexing in legacy mode (MXNet 1.x NDArray); use an "
                                  "integer index array")
        return _as_index(key.asnumpy())
    if isinstance(key, list):
        return _as_index(np.asarray(key))
    if isinstance(key, np.ndarray) and key.dtype.kind not in "iu":
        return _as_index(key)  # bool arrays too: MXNet 1.x reads them as 0/1 positions
    return key


def _is_basic(key) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return not any(isinstance(k, np.ndarray) for k in parts)


def _getitem_vjp(n, g):
    return _scatter(g, n.inputs[0], n.attrs["key"])


@defop(vjp=_getitem_vjp)
def _getitem(data, *, key=()):
    """``data[key]`` (the op behind ``NDArray.__getitem__``).

    As MXNet 1.x, basic indexing whose result is one contiguous block of the source shares its memory;
    other results are copies, and a would-be 0-d result has shape (1,).
    """
    basic = _is_basic(key)
    if basic:
        parts = key if isinstance(key, tuple) else (key,)
        if not any(k is Ellipsis for k in parts):
            key = (*parts, Ellipsis)  # NumPy then returns a view, never a scalar
    try:
        res = data[device_key(key, data)]
    except IndexError as err:
        raise MXNetIndexError(f"_getitem: {err} (index {key!r} into shape {data.shape})") from None
    if basic and not res.flags.c_contiguous:
        res = res.copy()
    return res.reshape(1) if res.ndim == 0 else res


def _getitem_backward_vjp(n, g):
    return F.reshape(F._getitem(g, key=n.attrs["key"]), shape=n.inputs[0].shape), None


@defop(vjp=_getitem_backward_vjp)
def _getitem_backward(grad, data, *, key=()):
    """Scatters ``grad`` into zeros shaped like ``data`` at ``key`` (adds where indices repeat)."""
    out = xp_of(grad).zeros(data.shape, dtype=grad.dtype)
    dkey = device_key(key, out)
    target = out[dkey].shape
    if _is_basic(key):
        out[dkey] = grad.reshape(target)
    elif not isinstance(out, np.ndarray):
        scatter_add(out, dkey, grad.reshape(target))
    elif isinstance(key, tuple) and len(key) == 1 and isinstance(key[0], np.ndarray) and key[0].dtype.kind in "iu":
        _add_rows(out, key[0].reshape(-1), grad.reshape(key[0].size, -1))
    else:
        np.add.at(out, key, grad.reshape(target))
    return out


def _add_rows(out, rows, g2):
    """``out[rows] += g2`` with repeated rows summed (the gradient of take/Embedding along axis 0), fast."""
    n = out.shape[0]
    rows = np.where(rows < 0, rows + n, rows)
    flat = out.reshape(n, -1)
    if rows.size <= 1 or np.bincount(rows, minlength=n).max() <= 1:
        flat[rows] = g2
    else:
        m = flat.shape[1]
        np.add.at(flat.reshape(-1), (rows[:, None] * m + np.arange(m)).reshape(-1), g2.reshape(-1))


def getitem(data: NDArray, key) -> NDArray:
    """``data[key]``: NDArray and list indices become integer arrays, then ``_getitem``."""
    return F._getitem(data, key=_raw_key(key))


def setitem(data: NDArray, key, value) -> None:
    """``data[key] = value``: writes in place, broadcasting ``value``; not allowed on arrays in a graph while
    recording."""
    if autograd.is_recording() and data._node is not None:
        raise MXNetError("__setitem__: Assigning to NDArrays that are already in a computational graph is not "
                         "allowed inside a record section; call backward first or assign outside record()")
    key = _raw_key(key)
    raw = value._data if isinstance(value, NDArray) else np.asarray(value)
    if not data._data.flags.writeable:
        data._data = data._data.copy()
    if _is_basic(key):
        parts = key if isinstance(key, tuple) else (key,)
        if not any(k is Ellipsis for k in parts):
            key = (*parts, Ellipsis)  # an all-int key addresses a (1,)-like element, as in MXNet
    try:
        data._data[key] = raw
    except IndexError as err:
        raise MXNetIndexError(f"__setitem__: {err} (index {key!r} into shape {data.shape})") from None
    except ValueError as err:
        raise MXNetValueError(f"__setitem__: cannot assign a value of shape {getattr(raw, 'shape', ())} to "
                              f"x[{key!r}] of an array of shape {data.shape}: {err}") from None


bind_public("_index_get", getitem)
bind_public("_index_set", setitem)


# ----------------------------------------------------------------------------- slicing
def _slice_key(name: str, shape: tuple, begin, end, step) -> tuple:
    begin, end = tuple(begin), tuple(end)
    step = tuple(step) if step else ()
    if len(begin) != len(end) or len(begin) > len(shape) or (step and len(step) != len(begin)):
        raise MXNetError(f"{name}: begin {begin}, end {end} and step {step} must have the same length, at most "
                         f"the number of dimensions of {shape}")
    key = []
    for i, (b, e) in enumerate(zip(begin, end, strict=True)):
        s = step[i] if step and step[i] is not None else 1
        if s == 0:
            raise MXNetError(f"{name}: step cannot be 0 (axis {i} of shape {shape})")
        key.append(builtins.slice(b, e, s))
    return tuple(key)


def _slice_vjp(n, g):
    x = n.inputs[0]
    a = n.attrs
    return _scatter(g, x, _slice_key("slice", x.shape, a["begin"], a["end"], a["step"]))


@defop(vjp=_slice_vjp, fluent=True, aliases=("crop",))
def slice(data, *, begin=(), end=(), step=()):
    """Slices a region of the array: ``begin``/``end``/``step`` per leading axis (None keeps the default)."""
    return data[_slice_key("slice", data.shape, begin, end, step)].copy()


def _slice_axis_key(shape, axis, begin, end):
    axis = _norm_axis("slice_axis", axis, len(shape))
    n = shape[axis]
    b = begin + n if begin < 0 else begin
    e = n if end is None else end + n if end < 0 else end
    if not 0 <= b < e <= n:
        raise MXNetError(f"slice_axis: invalid begin {begin}, end {end} for axis {axis} of shape {shape}")
    return (np.s_[:],) * axis + (np.s_[b:e],)


@defop(vjp=lambda n, g: _scatter(g, n.inputs[0], _slice_axis_key(n.inputs[0].shape, n.attrs["axis"],
                                                                     n.attrs["begin"], n.attrs["end"])),
       fluent=True)
def slice_axis(data, *, axis=0, begin=0, end=None):
    """Slices along one axis: ``begin`` to ``end`` (None: to the end); negative values count from the end."""
    return data[_slice_axis_key(data.shape, axis, begin, end)].copy()


def _slice_like_key(shape, like, axes):
    if not axes:
        if len(like) > len(shape):
            raise MXNetError(f"slice_like: shape_like {like} has more dimensions than data {shape}")
        axes = range(len(like))
    key = [np.s_[:]] * len(shape)
    for a in axes:
        a = _norm_axis("slice_like", a, len(shape))
        if a >= len(like) or like[a] > shape[a]:
            raise MXNetError(f"slice_like: cannot slice axis {a} of {shape} like {like}")
        key[a] = np.s_[: like[a]]
    return tuple(key)


@defop(vjp=lambda n, g: (_scatter(g, n.inputs[0], _slice_like_key(n.inputs[0].shape, n.inputs[1].shape,
                                                                      n.attrs["axes"])), None),
       fluent=True)
def slice_like(data, shape_like, *, axes=()):
    """Slices ``data`` to the shape of ``shape_like`` along ``axes`` (all of ``shape_like``'s by default)."""
    return data[_slice_like_key(data.shape, shape_like.shape, axes)].copy()


# ----------------------------------------------------------------------------- gathers
def _take_key(shape, indices, axis, mode):
    axis = _norm_axis("take", axis, len(shape))
    return (np.s_[:],) * axis + (_bound("take", indices, shape[axis], mode),)


@defop(vjp=lambda n, g: (_scatter(g, n.inputs[0], _take_key(n.inputs[0].shape, n.inputs[1]._data,
                                                                n.attrs["axis"], n.attrs["mode"])), None),
       fluent=True)
def take(a, indices, *, axis=0, mode="clip"):
    """Takes elements of ``a`` along ``axis`` at ``indices``: output shape a[:axis] + indices + a[axis+1:]."""
    if a.ndim == 0:
        raise MXNetError(f"take: data must have at least one dimension, got shape {a.shape}")
    return a[device_key(_take_key(a.shape, indices, axis, mode), a)]


def _batch_take_key(shape, indices):
    rows = math.prod(shape[:-1]) if len(shape) > 1 else 1
    idx = _bound("batch_take", indices, shape[-1], "clip").reshape(-1)
    if idx.size != rows:
        raise MXNetError(f"batch_take: indices of shape {np.shape(indices)} must have one entry per row of "
                         f"{shape}")
    return (np.arange(rows), idx)


def _batch_take_vjp(n, g):
    a, ind = n.inputs
    flat = F.reshape(a, shape=(-1, a.shape[-1]))
    dflat = _scatter(F.reshape(g, shape=(-1,)), flat, _batch_take_key(a.shape, ind._data))
    return F.reshape(dflat, shape=a.shape), None


@defop(vjp=_batch_take_vjp)
def batch_take(a, indices):
    """Takes one element per row: ``out[i] = a[i, indices[i]]`` (indices clipped)."""
    key = _batch_take_key(a.shape, indices)
    return a.reshape(-1, a.shape[-1])[device_key(key, a)].reshape(indices.shape)


def _pick_key(shape, index, axis, mode):
    axis = _norm_axis("pick", axis, len(shape))
    rest = shape[:axis] + shape[axis + 1:]
    idx = _as_index(index)
    if idx.size != math.prod(rest):
        raise MXNetError(f"pick: index of shape {idx.shape} does not match data {shape} without axis {axis}")
    idx = _bound("pick", idx.reshape(rest), shape[axis], mode)
    # np.ogrid's open grid, built directly (ogrid costs ~10 us a call)
    key = [np.arange(d).reshape([d if j == i else 1 for j in range(len(rest))]) for i, d in enumerate(rest)]
    key.insert(axis, idx)
    return tuple(key)


def _pick_vjp(n, g):
    x, ind = n.inputs
    return _scatter(g, x, _pick_key(x.shape, ind._data, n.attrs["axis"], n.attrs["mode"])), None


@defop(vjp=_pick_vjp, fluent=True)
def pick(data, index, *, axis=-1, keepdims=False, mode="clip"):
    """Picks one element per position along ``axis``, at the positions given by ``index``."""
    if axis is None:
        raise MXNetError("pick: axis=None is not supported by pick yet. Must specify an axis.")
    res = data[device_key(_pick_key(data.shape, index, axis, mode), data)]
    if keepdims:
        ax = _norm_axis("pick", axis, data.ndim)
        res = res.reshape((*res.shape[:ax], 1, *res.shape[ax:]))
    return res


@defop(fluent=True)
def one_hot(indices, *, depth=0, on_value=1.0, off_value=0.0, dtype="float32"):
    """One-hot encoding: a new last axis of length ``depth``; out-of-range indices give all ``off_value``."""
    from ..base import np_dtype
    idx = _as_index(indices)
    hit = idx[..., None] == np.arange(int(depth))
    return np.where(hit, on_value, off_value).astype(np_dtype(dtype))


def _nd_key(name, data_shape, indices):
    idx = _as_index(indices)
    if idx.ndim < 1 or idx.shape[0] > len(data_shape):
        raise MXNetError(f"{name}: indices of shape {idx.shape} need a first axis of at most "
                         f"{len(data_shape)} (the dimensions of {data_shape})")
    for i in range(idx.shape[0]):
        n = data_shape[i]
        if idx[i].size and (idx[i].min() < -n or idx[i].max() >= n):
            raise MXNetIndexError(f"{name}: index {int(idx[i].max() if idx[i].max() >= n else idx[i].min())} "
                                  f"out of range for axis {i} of shape {data_shape}")
    return tuple(idx[i] for i in range(idx.shape[0]))


@defop(vjp=lambda n, g: (_scatter(g, n.inputs[0], _nd_key("gather_nd", n.inputs[0].shape, n.inputs[1]._data)),
                         None))
def gather_nd(data, indices):
    """Gathers slices: ``out[y...] = data[indices[0, y...], ..., indices[M-1, y...], ...]``."""
    return data[device_key(_nd_key("gather_nd", data.shape, indices), data)]


def _scatter_nd_vjp(n, g):
    d, ind = n.inputs
    return F.reshape(F._getitem(g, key=_nd_key("scatter_nd", g.shape, ind._data)), shape=d.shape), None


@defop(vjp=_scatter_nd_vjp)
def scatter_nd(data, indices, *, shape=()):
    """Scatters ``data`` into zeros of ``shape`` at ``indices`` (the inverse of gather_nd)."""
    shape = tuple(int(s) for s in shape)
    out = np.zeros(shape, dtype=data.dtype)
    key = _nd_key("scatter_nd", shape, indices)
    target = out[key].shape
    if data.shape != target:
        raise MXNetError(f"scatter_nd: data of shape {data.shape} does not fit {target} (indices "
                         f"{np.shape(indices)}, shape {shape})")
    out[key] = data
    return out


def _cond(condition, x):
    if condition.shape == x.shape:
        return condition != 0
    if condition.ndim == 1 and x.ndim >= 1 and condition.shape[0] == x.shape[0]:
        return (condition != 0).reshape((-1,) + (1,) * (x.ndim - 1))
    raise MXNetError(f"where: condition of shape {condition.shape} must have the shape of x {x.shape} or be "
                     "1-D with x's first dimension")


def _where_vjp(n, g):
    c = n.inputs[0]
    z = F.zeros_like(g)
    return None, F.where(c, g, z), F.where(c, z, g)


@defop(vjp=_where_vjp)
def where(condition, x, y):
    """Elements of ``x`` where ``condition`` is non-zero, else of ``y`` (condition may be 1-D over rows)."""
    if x.shape != y.shape:
        raise MXNetError(f"where: x {x.shape} and y {y.shape} must have the same shape")
    return np.where(_cond(condition, x), x, y).astype(x.dtype, copy=False)


# ----------------------------------------------------------------------------- sequences
def _seq_lengths(name, shape, sequence_length, use_sequence_length, axis):
    t = shape[axis]
    batch = shape[1 - axis]
    if use_sequence_length and sequence_length is None:
        raise MXNetError(f"{name}: use_sequence_length=True needs the sequence_length input (data {shape})")
    if not use_sequence_length:
        return np.full(batch, t, dtype=np.int64)
    lens = _as_index(sequence_length).reshape(-1)
    if lens.size != batch:
        raise MXNetError(f"{name}: sequence_length of shape {np.shape(sequence_length)} must have the batch size "
                         f"{batch} of data {shape}")
    return lens


def _seq_axis(name, axis, ndim):
    if axis not in (0, 1) or ndim < 2:
        raise MXNetError(f"{name}: axis must be 0 or 1 on data of at least 2 dimensions, got axis {axis}, "
                         f"{ndim} dimensions")
    return axis


def _seq_mask_vjp(n, g):
    a = n.attrs
    return F.SequenceMask(g, n.inputs[1], use_sequence_length=a["use_sequence_length"], value=0.0,
                          axis=a["axis"]), None


@defop(vjp=_seq_mask_vjp)
def SequenceMask(data, sequence_length=None, *, use_sequence_length=False, value=0.0, axis=0):
    """Sets the steps of each sequence past its length to ``value`` (``axis`` 0: (T, B, ...), 1: (B, T, ...))."""
    axis = _seq_axis("SequenceMask", axis, data.ndim)
    lens = _seq_lengths("SequenceMask", data.shape, sequence_length, use_sequence_length, axis)
    t = np.arange(data.shape[axis])
    keep = t[:, None] < lens[None, :] if axis == 0 else t[None, :] < lens[:, None]
    keep = on_device_of(keep.reshape(keep.shape + (1,) * (data.ndim - 2)), data)
    return np.where(keep, data, data.dtype.type(value)).astype(data.dtype, copy=False)


def _seq_last_key(data_shape, sequence_length, use, axis):
    lens = _seq_lengths("SequenceLast", data_shape, sequence_length, use, axis)
    last = np.clip(lens - 1, 0, data_shape[axis] - 1)
    b = np.arange(data_shape[1 - axis])
    return (last, b) if axis == 0 else (b, last)


def _seq_last_vjp(n, g):
    x, lens = n.inputs
    a = n.attrs
    return _scatter(g, x, _seq_last_key(x.shape, None if lens is None else lens._data,
                                        a["use_sequence_length"], a["axis"])), None


@defop(vjp=_seq_last_vjp)
def SequenceLast(data, sequence_length=None, *, use_sequence_length=False, axis=0):
    """The last valid step of each sequence (step ``sequence_length - 1``, or the last one)."""
    axis = _seq_axis("SequenceLast", axis, data.ndim)
    return data[_seq_last_key(data.shape, sequence_length, use_sequence_length, axis)]


def _seq_rev_vjp(n, g):
    a = n.attrs
    return F.SequenceReverse(g, n.inputs[1], use_sequence_length=a["use_sequence_length"], axis=a["axis"]), None


@defop(vjp=_seq_rev_vjp)
def SequenceReverse(data, sequence_length=None, *, use_sequence_length=False, axis=0):
    """Reverses the first ``sequence_length`` steps of each sequence along axis 0; later steps stay."""
    if axis != 0:
        raise MXNetError(f"SequenceReverse: current implementation expects axis to be 0, got {axis}")
    _seq_axis("SequenceReverse", axis, data.ndim)
    lens = _seq_lengths("SequenceReverse", data.shape, sequence_length, use_sequence_length, 0)
    t = np.arange(data.shape[0])[:, None]
    src = np.where(t < lens[None, :], lens[None, :] - 1 - t, t)
    return data[src, np.arange(data.shape[1])[None, :]]


# ----------------------------------------------------------------------------- embedding
def _embedding_vjp(n, g):
    idx, w = n.inputs
    return None, _scatter(g, w, (_bound("Embedding", idx._data, w.shape[0], "clip"),))



@defop(vjp=_embedding_vjp)
def Embedding(data, weight, *, input_dim=0, output_dim=0, dtype="float32", sparse_grad=False):
    """Maps integer indices to rows of ``weight`` (input_dim, output_dim); indices are clipped."""
    if weight.shape != (int(input_dim), int(output_dim)):
        raise MXNetError(f"Embedding: weight has shape {weight.shape}, expected (input_dim, output_dim) = "
                         f"({input_dim}, {output_dim})")
    return weight[_bound("Embedding", data, weight.shape[0], "clip")]

"""Pooling (max, avg, sum, lp; 1-D/2-D/3-D) and its backward ops.

Windows are a strided view of the padded input, never a Python loop over pixels. Max pooling keeps the
argmax of each window (first maximum in row-major window order, as MXNet) as a hidden output; its
gradient scatters into those positions (``_backward_Pooling_max``), whose own gradient gathers from them
(``_pool_max_gather``), so the pair closes and gradients of any order exist. Average and sum pooling are
linear: their gradient ``_backward_Pooling_avg`` has Pooling itself as its gradient. Lp pooling is written
through the sum-pooling gradient and elementwise ops.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import xp_of
from ..base import MXNetError
from .conv import (
    channels_last,
    first_axes,
    last_axes,
    offset_slices,
    pad_input,
    to_first,
    to_last,
    tuple_attr,
    window_offsets,
    windows,
)
from .registry import defop
from .registry import fn as F

_POOL_TYPES = ("max", "avg", "sum", "lp")
_CONVENTIONS = ("valid", "full", "same")


class PoolGeometry:
    """Pooling attributes resolved for an input shape: kernel, stride, low/high padding, output shape."""

    __slots__ = ("kernel", "nd", "out_sp", "pad", "pad_hi", "stride")

    def __init__(self, shape: tuple, kernel, stride, pad, global_pool: bool, convention: str):
        name = "Pooling"
        ndim = len(shape)
        if ndim not in (3, 4, 5):
            raise MXNetError(f"Pooling: input must be 3-D (batch, channel, x), 4-D (batch, channel, y, x) or "
                             f"5-D (batch, channel, d, y, x), got shape {shape}")
        nd = ndim - 2
        self.nd = nd
        sp = shape[2:]
        if convention not in _CONVENTIONS:
            raise MXNetError(f"Pooling: pooling_convention must be one of {_CONVENTIONS}, got {convention!r}")
        if global_pool:
            self.kernel, self.stride, self.pad = tuple(sp), (1,) * nd, (0,) * nd
            self.out_sp = (1,) * nd
            self.pad_hi = (0,) * nd
            return
        if not kernel:
            raise MXNetError("Pooling: kernel must be given unless global_pool=True")
        self.kernel = tuple_attr(name, "kernel", kernel, nd, 1)
        self.stride = tuple_attr(name, "stride", stride, nd, 1)
        self.pad = tuple_attr(name, "pad", pad, nd, 0)
        for i in range(nd):
            if self.kernel[i] > sp[i] + 2 * self.pad[i]:
                raise MXNetError(f"Pooling: kernel size ({self.kernel[i]}) exceeds input ({sp[i]} padded to "
                                 f"{sp[i] + 2 * self.pad[i]}) in dimension {i}")
        if convention == "same":
            if nd != 1:
                raise MXNetError(f"Pooling: pooling_convention='same' supports only 3-D input (batch, channel, "
                                 f"x), got shape {shape}")
            if any(self.pad):
                raise MXNetError("Pooling: pooling_convention='same' needs pad=0")
            # output ceil(x / stride); the padding that needs is split low/high, low getting the smaller half
            out = -(-sp[0] // self.stride[0])
            total = max((out - 1) * self.stride[0] + self.kernel[0] - sp[0], 0)
            self.pad, self.pad_hi, self.out_sp = (total // 2,), (total - total // 2,), (out,)
            return
        rnd = math.floor if convention == "valid" else math.ceil
        self.out_sp = tuple(int(rnd((sp[i] + 2 * self.pad[i] - self.kernel[i]) / self.stride[i])) + 1
                            for i in range(nd))
        self.pad_hi = self.pad

    def padded(self, x, value=0):
        """``x`` padded so that every window lies inside; windows past ``pad_hi`` see ``value``."""
        sp = x.shape[2:]
        hi = tuple(max(self.pad_hi[i], (self.out_sp[i] - 1) * self.stride[i] + self.kernel[i] - sp[i] - self.pad[i])
                   for i in range(self.nd))
        return pad_input(x, self.pad, hi, value)

    def windows(self, xpad):
        return windows(xpad, self.out_sp, self.kernel, self.stride, (1,) * self.nd)

    def flat_windows(self, xpad):
        """(N, C, *out, prod(kernel)) copy of the windows."""
        w = self.windows(xpad)
        return w.reshape((*w.shape[:2 + self.nd], -1))

    def scatter(self, xp, parts, whole, data_shape: tuple, dtype):
        """Sum ``parts(j, out)`` (shaped like the output) into each window's ``j``-th offset, cropped to the
        input; ``parts`` writes into ``out`` (a strided view) when given one, else returns an array.

        Large kernels whose windows do not overlap (global pooling) instead write ``whole()``, shaped
        (N, C, *out, *kernel), through a window view in one assignment.
        """
        sp = data_shape[2:]
        need = tuple(max(sp[i] + self.pad[i] + self.pad_hi[i],
                         (self.out_sp[i] - 1) * self.stride[i] + self.kernel[i]) for i in range(self.nd))
        out = xp.zeros(tuple(data_shape[:2]) + need, dtype=dtype)
        apart = all(s >= k for s, k in zip(self.stride, self.kernel, strict=True))
        if math.prod(self.kernel) > _LOOP_MAX and apart:
            self.windows(out)[...] = whole()
        else:
            for j, k in enumerate(window_offsets(self.kernel)):
                view = out[(slice(None), slice(None), *offset_slices(k, self.out_sp, self.stride, (1,) * self.nd))]
                if apart:  # windows do not overlap: each position is written once
                    parts(j, view)
                else:
                    view += parts(j, None)
        crop = tuple(slice(self.pad[i], self.pad[i] + sp[i]) for i in range(self.nd))
        return out[(slice(None), slice(None), *crop)]

    def divisor(self, data_shape: tuple, dtype, count_include_pad: bool):
        """How many elements each avg window divides by: those inside the padded (or the bare) input."""
        xp = np
        sp = data_shape[2:]
        # separable: per dimension, count the window's elements in range, then take the outer product
        div = xp.ones((1,) * self.nd, dtype=dtype)
        for i in range(self.nd):
            start = np.arange(self.out_sp[i]) * self.stride[i] - self.pad[i]
            end = start + self.kernel[i]
            lo, hi = (-self.pad[i], sp[i] + self.pad_hi[i]) if count_include_pad else (0, sp[i])
            cnt = np.minimum(end, hi) - np.maximum(start, lo)
            shape = [1] * self.nd
            shape[i] = self.out_sp[i]
            div = div * np.maximum(cnt, 1).astype(dtype).reshape(shape)
        return div


def _geometry(name: str, data_shape: tuple, attrs: dict, out_shape: tuple) -> PoolGeometry:
    """The geometry of a backward op, checking that its pooled-side array has the pooled shape."""
    geo = PoolGeometry(tuple(data_shape), attrs["kernel"], attrs["stride"], attrs["pad"], attrs["global_pool"],
                       attrs["pooling_convention"])
    want = tuple(data_shape[:2]) + geo.out_sp
    if tuple(out_shape) != want:
        raise MXNetError(f"{name}: pooled array has shape {tuple(out_shape)}, expected {want} for input shape "
                         f"{tuple(data_shape)}")
    return geo


_LOOP_MAX = 32  # kernels with more offsets than this reduce over a window view instead of looping offsets


def _offset_views(geo: PoolGeometry, xpad):
    """The strided view of ``xpad`` that kernel offset ``k`` reads across all windows, for every ``k``."""
    ones = (1,) * geo.nd
    base = (slice(None), slice(None))
    return (xpad[base + offset_slices(k, geo.out_sp, geo.stride, ones)] for k in window_offsets(geo.kernel))


def _sum_windows(geo: PoolGeometry, x):
    xpad = geo.padded(x, 0)
    if math.prod(geo.kernel) > _LOOP_MAX:
        return geo.windows(xpad).sum(axis=tuple(range(2 + geo.nd, 2 + 2 * geo.nd)))
    views = _offset_views(geo, xpad)
    out = next(views).copy()
    for v in views:
        out += v
    return out


def _argmax(geo: PoolGeometry, x):
    """Per window, its maximum and the flat offset of its first maximum (padding and NaN never win; an
    all-NaN window gives NaN, where MXNet gives the lowest float)."""
    xp = xp_of(x)
    fill = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
    xpad = geo.padded(x, fill)
    if math.prod(geo.kernel) > _LOOP_MAX:
        flat = geo.flat_windows(xpad)
        if fill == -np.inf:  # NaN never wins, as in MXNet: compare against -inf in its place
            flat = xp.fmax(flat, fill)
        idx = flat.argmax(axis=-1)
        return xp.take_along_axis(flat, idx[..., None], axis=-1)[..., 0], idx.astype(np.int32)
    views = list(_offset_views(geo, xpad))
    out = views[0].copy()
    for v in views[1:]:
        xp.fmax(out, v, out=out)  # NaN never wins, as in MXNet (and fmax is faster than maximum here)
    # the first offset holding the maximum, by whole-array arithmetic from the last offset back (masked writes
    # are slow): idx_j = 0 where offset j holds the maximum, else 1 + idx_(j+1); idx_0 is the answer
    if len(views) == 1:
        return out, xp.zeros(out.shape, dtype=np.uint8)
    ne = xp.not_equal(views[-2], out)
    idx = ne.astype(np.uint8)
    for v in views[-3::-1]:
        xp.not_equal(v, out, out=ne)
        idx += np.uint8(1)
        xp.multiply(idx, ne, out=idx)
    return out, idx


def _pool_vjp(n, g, _gidx=None):
    # Pooling has two outputs (the argmax is hidden), so the engine expects a tuple even for one input
    return (_pool_grad(n, g),)


def _pool_grad(n, g):
    x = n.inputs[0]
    a = n.attrs
    pool_type = a["pool_type"]
    # the backward ops work channels-first; a channels-last layout is transposed around them
    last = channels_last("Pooling", a["layout"], x.ndim - 2)
    shape = tuple(x.shape[i] for i in first_axes(x.ndim)) if last else x.shape

    def first(t):
        return F.transpose(t, axes=first_axes(x.ndim)) if last else t

    def back(t):
        return F.transpose(t, axes=last_axes(x.ndim)) if last else t

    if pool_type == "max":
        return back(F._backward_Pooling_max(first(g), n.output(1), **_bwd_attrs(a, shape)))
    if pool_type in ("avg", "sum"):
        return back(F._backward_Pooling_avg(first(g), **_bwd_attrs(a, shape)))
    p = int(a["p_value"])
    if p == 1:
        return back(F._backward_Pooling_avg(first(g), **dict(_bwd_attrs(a, shape), pool_type="sum")))
    y = n.output(0)
    # y = S(x^p)^(1/p): dx = S^T(g * y^(1-p)) * x^(p-1)
    s = F._backward_Pooling_avg(first(g * y ** (1 - p)), **dict(_bwd_attrs(a, shape), pool_type="sum"))
    return back(s) * x ** (p - 1)


def _bwd_attrs(a: dict, data_shape: tuple) -> dict:
    return {"data_shape": tuple(data_shape), "kernel": a["kernel"], "pool_type": a["pool_type"],
            "global_pool": a["global_pool"], "pooling_convention": a["pooling_convention"], "stride": a["stride"],
            "pad": a["pad"], "count_include_pad": a["count_include_pad"]}


@defop(vjp=_pool_vjp, num_outputs=2, num_visible=lambda a: 1, save_outputs=True)
def Pooling(data, *, kernel=(), pool_type="max", global_pool=False, cudnn_off=False, pooling_convention="valid",
            stride=(), pad=(), p_value=None, count_include_pad=None, layout=None):
    """Performs pooling on the input (max, avg, sum or lp over each window).

    Each spatial output size is ``floor((x + 2 * pad - kernel) / stride) + 1`` for the 'valid' convention
    and ``ceil(...) + 1`` for 'full'; 'same' (1-D only) gives ``ceil(x / stride)``. ``global_pool`` pools
    over all spatial positions. ``count_include_pad`` (avg) counts padded positions in the divisor.
    """
    if pool_type not in _POOL_TYPES:
        raise MXNetError(f"Pooling: pool_type must be one of {_POOL_TYPES}, got {pool_type!r}")
    last = channels_last("Pooling", layout, data.ndim - 2) if data.ndim in (3, 4, 5) else False
    if last:
        out, hidden = _pool_forward(to_first(data), kernel, pool_type, global_pool, pooling_convention, stride, pad,
                                    p_value, count_include_pad)
        return to_last(out), hidden  # the argmax stays channels-first, as the backward ops use it
    return _pool_forward(data, kernel, pool_type, global_pool, pooling_convention, stride, pad, p_value,
                         count_include_pad)


def _pool_forward(data, kernel, pool_type, global_pool, pooling_convention, stride, pad, p_value,
                  count_include_pad):
    """Pooling on channels-first data: (output, hidden argmax or an empty array)."""
    geo = PoolGeometry(data.shape, kernel, stride, pad, global_pool, pooling_convention)
    xp = xp_of(data)
    none = xp.zeros((0,), dtype=np.int32)
    if pool_type == "max":
        return _argmax(geo, data)
    if pool_type == "sum":
        return _sum_windows(geo, data), none
    if pool_type == "avg":
        div = geo.divisor(data.shape, data.dtype, True if count_include_pad is None else bool(count_include_pad))
        return (_sum_windows(geo, data) / xp.asarray(div)).astype(data.dtype, copy=False), none
    if p_value is None:
        raise MXNetError("Pooling: pool_type='lp' needs p_value (1, 2 or 3)")
    p = int(p_value)
    if p not in (1, 2, 3):
        raise MXNetError(f"Pooling: p_value must be 1, 2 or 3, got {p_value}")
    s = _sum_windows(geo, data ** p if p > 1 else data)
    y = s if p == 1 else xp.sqrt(s) if p == 2 else xp.cbrt(s)
    return y.astype(data.dtype, copy=False), none


def _avg_bwd_vjp(n, h):
    a = n.attrs
    kw = {k: a[k] for k in ("kernel", "pool_type", "global_pool", "pooling_convention", "stride", "pad",
                            "count_include_pad")}
    return F.Pooling(h, **kw)


@defop(vjp=_avg_bwd_vjp)
def _backward_Pooling_avg(grad, *, data_shape=(), kernel=(), pool_type="avg", global_pool=False,
                          pooling_convention="valid", stride=(), pad=(), count_include_pad=None):
    """Gradient of avg/sum Pooling: each output's gradient (over its divisor) spread over its window."""
    attrs = {"kernel": kernel, "stride": stride, "pad": pad, "global_pool": global_pool,
             "pooling_convention": pooling_convention}
    geo = _geometry("_backward_Pooling_avg", data_shape, attrs, grad.shape)
    if pool_type == "avg":
        cip = True if count_include_pad is None else bool(count_include_pad)
        grad = grad / xp_of(grad).asarray(geo.divisor(data_shape, grad.dtype, cip))
    xp = xp_of(grad)
    spread = grad.reshape(grad.shape + (1,) * geo.nd)
    def part(j, view):
        if view is None:
            return grad
        view[...] = grad
        return view

    res = geo.scatter(xp, part, lambda: xp.broadcast_to(spread, grad.shape + geo.kernel), data_shape, grad.dtype)
    return xp.ascontiguousarray(res)


def _max_attrs(a: dict) -> dict:
    return {k: a[k] for k in ("data_shape", "kernel", "global_pool", "pooling_convention", "stride", "pad")}


def _max_bwd_vjp(n, h):
    return F._pool_max_gather(h, n.inputs[1], **_max_attrs(n.attrs)), None


@defop(vjp=_max_bwd_vjp)
def _backward_Pooling_max(grad, index, *, data_shape=(), kernel=(), pool_type="max", global_pool=False,
                          pooling_convention="valid", stride=(), pad=(), count_include_pad=None):
    """Gradient of max Pooling: each output's gradient goes to its window's (first) maximum."""
    attrs = {"kernel": kernel, "stride": stride, "pad": pad, "global_pool": global_pool,
             "pooling_convention": pooling_convention}
    geo = _geometry("_backward_Pooling_max", data_shape, attrs, grad.shape)
    xp = xp_of(grad)
    def whole():
        flat = xp.zeros((*grad.shape, math.prod(geo.kernel)), dtype=grad.dtype)
        xp.put_along_axis(flat, index[..., None].astype(np.intp), grad[..., None], axis=-1)
        return flat.reshape(grad.shape + geo.kernel)

    def part(j, view):
        return xp.multiply(grad, index == j, out=view)

    res = geo.scatter(xp, part, whole, data_shape, grad.dtype)
    return xp.ascontiguousarray(res)


def _gather_vjp(n, g):
    return F._backward_Pooling_max(g, n.inputs[1], **_max_attrs(n.attrs)), None


@defop(vjp=_gather_vjp)
def _pool_max_gather(data, index, *, data_shape=(), kernel=(), global_pool=False, pooling_convention="valid",
                     stride=(), pad=()):
    """Per max-pooling window, the element of ``data`` at the window's argmax ``index`` (adjoint of the
    max-pooling gradient)."""
    attrs = {"kernel": kernel, "stride": stride, "pad": pad, "global_pool": global_pool,
             "pooling_convention": pooling_convention}
    geo = _geometry("_pool_max_gather", data_shape, attrs, index.shape)
    xp = xp_of(data)
    xpad = geo.padded(data, 0)
    if math.prod(geo.kernel) > _LOOP_MAX:
        flat = geo.flat_windows(xpad)
        return xp.take_along_axis(flat, index[..., None].astype(np.intp), axis=-1)[..., 0]
    out = xp.zeros(index.shape, dtype=data.dtype)
    for j, v in enumerate(_offset_views(geo, xpad)):
        xp.copyto(out, v, where=index == j)
    return out


# ------------------------------------------------------------------------------------------ resizing
# BilinearResize2D and AdaptiveAvgPooling2D are separable linear maps: out = Mh @ x @ Mw^T per image.
def _bilinear_matrix(n_in: int, n_out: int, align_corners: bool, dtype):
    """(n_out, n_in) interpolation weights; a size-1 output samples index 0, as MXNet does."""
    i = np.arange(n_out, dtype=np.float64)
    if n_out == 1:
        src = np.zeros(1)
    elif align_corners:
        src = i * ((n_in - 1) / (n_out - 1))
    else:
        src = np.maximum((i + 0.5) * (n_in / n_out) - 0.5, 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    m = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    m[rows, i0] = 1 - lam
    m[rows, i1] += lam
    return m.astype(dtype)


def _adaptive_matrix(n_in: int, n_out: int, dtype):
    """(n_out, n_in) averaging weights over bins [floor(i * in / out), ceil((i + 1) * in / out))."""
    i = np.arange(n_out)
    start = (i * n_in) // n_out
    end = -((-(i + 1) * n_in) // n_out)
    j = np.arange(n_in)
    m = ((j >= start[:, None]) & (j < end[:, None])) / (end - start)[:, None]
    return m.astype(dtype)


def _apply(x, mh, mw):
    xp = xp_of(x)
    return xp.matmul(xp.matmul(xp.asarray(mh), x), xp.asarray(mw).T)


def _check_4d(name: str, x) -> None:
    if x.ndim != 4:
        raise MXNetError(f"{name}: input should be 4-D (batch, channel, y, x), got shape {x.shape}")


def resize_out_size(shape: tuple, like_shape, height, width, scale_height, scale_width, mode: str) -> tuple:
    """BilinearResize2D's output (height, width) for each ``mode``."""
    h, w = shape[2], shape[3]
    if mode == "like":
        if like_shape is None:
            raise MXNetError("_contrib_BilinearResize2D: mode='like' needs the 'like' input")
        return like_shape[2], like_shape[3]
    if mode == "size":
        if scale_height is not None:
            if scale_width is None:
                raise MXNetError("_contrib_BilinearResize2D: scale_height given without scale_width")
            return int(h * scale_height), int(w * scale_width)
        return int(height), int(width)
    if mode == "odd_scale":
        if scale_height is None or scale_width is None:
            raise MXNetError("_contrib_BilinearResize2D: mode='odd_scale' needs scale_height and scale_width")
        # odd sizes keep their corners: (x - 1) * scale + 1
        return tuple(int((d - 1) * s) + 1 if d % 2 else int(d * s)
                     for d, s in ((h, scale_height), (w, scale_width)))
    table = {"to_even_down": lambda d: d - d % 2, "to_even_up": lambda d: d + d % 2,
             "to_odd_down": lambda d: d - 1 + d % 2, "to_odd_up": lambda d: d + 1 - d % 2}
    if mode not in table:
        raise MXNetError(f"_contrib_BilinearResize2D: unknown mode {mode!r}; expected one of size, odd_scale, "
                         "like, to_even_down, to_even_up, to_odd_down, to_odd_up")
    return table[mode](h), table[mode](w)


def _resize_vjp(n, g):
    x = n.inputs[0]
    dx = F._backward_contrib_BilinearResize2D(g, in_height=x.shape[2], in_width=x.shape[3],
                                              align_corners=n.attrs["align_corners"])
    return (dx, None)[:len(n.inputs)]


@defop(vjp=_resize_vjp)
def _contrib_BilinearResize2D(data, like=None, *, height=1, width=1, scale_height=None, scale_width=None,
                              mode="size", align_corners=True):
    """Performs bilinear resizing of 4-D input (batch, channel, y, x) to (height, width).

    ``scale_height``/``scale_width`` override the size; ``mode`` ('size', 'odd_scale', 'like',
    'to_even_down', 'to_even_up', 'to_odd_down', 'to_odd_up') picks how it is computed. With
    ``align_corners`` the corner pixels of input and output coincide.
    """
    _check_4d("_contrib_BilinearResize2D", data)
    oh, ow = resize_out_size(data.shape, None if like is None else like.shape, height, width, scale_height,
                             scale_width, mode)
    if oh < 1 or ow < 1:
        raise MXNetError(f"_contrib_BilinearResize2D: output size ({oh}, {ow}) must be positive")
    h, w = data.shape[2:]
    mh = _bilinear_matrix(h, oh, bool(align_corners), data.dtype)
    mw = _bilinear_matrix(w, ow, bool(align_corners), data.dtype)
    return _apply(data, mh, mw)


def _resize_bwd_vjp(n, h):
    g = n.inputs[0]
    return F._contrib_BilinearResize2D(h, height=g.shape[2], width=g.shape[3],
                                       align_corners=n.attrs["align_corners"])


@defop(vjp=_resize_bwd_vjp)
def _backward_contrib_BilinearResize2D(grad, *, in_height=1, in_width=1, align_corners=True):
    """Gradient of BilinearResize2D (the transposed interpolation) back to (in_height, in_width)."""
    _check_4d("_backward_contrib_BilinearResize2D", grad)
    mh = _bilinear_matrix(int(in_height), grad.shape[2], bool(align_corners), grad.dtype)
    mw = _bilinear_matrix(int(in_width), grad.shape[3], bool(align_corners), grad.dtype)
    return _apply(grad, mh.T, mw.T)


def _adaptive_size(output_size) -> tuple:
    if output_size is None or output_size == ():
        return 1, 1
    if isinstance(output_size, (int, np.integer)):
        return int(output_size), int(output_size)
    size = tuple(int(s) for s in output_size)
    return (size[0], size[0]) if len(size) == 1 else size


@defop(vjp=lambda n, g: F._backward_contrib_AdaptiveAvgPooling2D(g, in_height=n.inputs[0].shape[2],
                                                                 in_width=n.inputs[0].shape[3]))
def _contrib_AdaptiveAvgPooling2D(data, *, output_size=()):
    """Applies 2-D adaptive average pooling over 4-D input (batch, channel, y, x).

    Output bin ``i`` of ``o`` averages input rows ``floor(i * h / o)`` to ``ceil((i + 1) * h / o) - 1``
    (likewise for columns); ``output_size`` is one int or (height, width), default 1.
    """
    _check_4d("_contrib_AdaptiveAvgPooling2D", data)
    oh, ow = _adaptive_size(output_size)
    if oh < 1 or ow < 1:
        raise MXNetError(f"_contrib_AdaptiveAvgPooling2D: output_size ({oh}, {ow}) must be positive")
    h, w = data.shape[2:]
    return _apply(data, _adaptive_matrix(h, oh, data.dtype), _adaptive_matrix(w, ow, data.dtype))


@defop(vjp=lambda n, h: F._contrib_AdaptiveAvgPooling2D(h, output_size=tuple(n.inputs[0].shape[2:])))
def _backward_contrib_AdaptiveAvgPooling2D(grad, *, in_height=1, in_width=1):
    """Gradient of AdaptiveAvgPooling2D: each bin's gradient spread evenly over it."""
    _check_4d("_backward_contrib_AdaptiveAvgPooling2D", grad)
    mh = _adaptive_matrix(int(in_height), grad.shape[2], grad.dtype)
    mw = _adaptive_matrix(int(in_width), grad.shape[3], grad.dtype)
    return _apply(grad, mh.T, mw.T)

"""Convolution family: Convolution, Deconvolution (1-D/2-D/3-D), UpSampling and their backward ops.

The forward is im2col + one GEMM: one copy of a strided window view of the padded input, multiplied
with the weight matrix by a single ``matmul`` over all groups. The input gradient is one GEMM and then
col2im: ``prod(kernel)`` strided slice adds (never a loop over pixels or images, never ``np.add.at``).
The three linear maps involved close under transposition, so every gradient rule is written with them
and gradients of any order follow:

- ``Convolution(x, w)``                      (x, w) -> y
- ``_backward_Convolution_data(g, w)``       the adjoint in x: also ``Deconvolution``'s forward
- ``_backward_Convolution_weight(x, g)``     the adjoint in w: correlation of x with g

Channels-last layouts (NWC/NHWC/NDHWC) are transposed to channels-first around the same kernels. The
big temporaries (columns, column gradients, padded copies) come from a small per-thread pool, and the
forward keeps its columns as a hidden output while recording so the weight gradient reuses them.
"""
from __future__ import annotations

import math
import sys
import threading

import numpy as np

from ..autograd import _state, in_graph
from ..backend import xp_of
from ..base import MXNetError
from .registry import defop
from .registry import fn as F

_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}


def as_strided(a, shape, strides):
    xp = xp_of(a)
    return xp.lib.stride_tricks.as_strided(a, shape=shape, strides=strides)


def tuple_attr(name: str, key: str, value, ndim: int, default: int) -> tuple:
    """An MXNet shape attribute (``kernel``, ``stride``...) as a tuple of ``ndim`` ints; () gives defaults."""
    if value is None or value in ((), []):
        return (default,) * ndim
    if isinstance(value, (int, np.integer)):
        value = (int(value),)
    value = tuple(int(v) for v in value)
    if len(value) != ndim:
        raise MXNetError(f"{name}: {key}={value} must have {ndim} element(s) for a {ndim}-D kernel")
    return value


_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def channels_last(name: str, layout, nd: int) -> bool:
    """Whether ``layout`` puts channels last (NWC/NHWC/NDHWC); MXNetError for a layout that does not fit."""
    if layout is None or layout == _LAYOUTS.get(nd):
        return False
    if layout == _LAST.get(nd):
        return True
    raise MXNetError(f"{name}: layout {layout!r} does not match a {nd}-D kernel (expected "
                     f"{_LAYOUTS.get(nd)} or {_LAST.get(nd)})")


def first_axes(ndim: int) -> tuple:
    """Transpose axes from channels-last to channels-first."""
    return (0, ndim - 1, *range(1, ndim - 1))


def last_axes(ndim: int) -> tuple:
    """Transpose axes from channels-first to channels-last."""
    return (0, *range(2, ndim), 1)


def to_first(a):
    return a.transpose(first_axes(a.ndim))


def to_last(a):
    return xp_of(a).ascontiguousarray(a.transpose(last_axes(a.ndim)))


def windows(xpad, out_sp: tuple, kernel: tuple, stride: tuple, dilate: tuple):
    """Read-only view (N, C, *out_sp, *kernel) of the padded input's sliding windows."""
    s = xpad.strides
    nd = len(kernel)
    shape = xpad.shape[:2] + tuple(out_sp) + tuple(kernel)
    strides = s[:2] + tuple(s[2 + i] * stride[i] for i in range(nd)) + tuple(s[2 + i] * dilate[i] for i in range(nd))
    return as_strided(xpad, shape, strides)


class _Workspace(threading.local):
    """Reusable host buffers for the big im2col/col2im temporaries.

    Fresh multi-megabyte NumPy arrays cost a page fault per 4 KiB page on first touch, which is as slow
    as the copy itself; these buffers are handed out again once nothing but the pool refers to them
    (the hidden columns output of a Convolution stays busy until its graph is freed). The pool holds at
    most ``MAX_BYTES``; beyond that, buffers are plain fresh arrays.
    """

    MAX_PER_SHAPE = 3
    MAX_SHAPES = 16
    MAX_BYTES = 256 << 20

    def __init__(self):
        self.free: dict = {}
        self.nbytes = 0

    def get(self, shape: tuple, dtype):
        key = (shape, np.dtype(dtype).str)
        bufs = self.free.pop(key, None) or []
        self.free[key] = bufs  # most recently used last
        for buf in bufs:
            # referenced only by this list, the loop variable and getrefcount's argument: free
            if sys.getrefcount(buf) == 3:
                return buf
        buf = np.empty(shape, dtype=dtype)
        while self.free and (len(self.free) > self.MAX_SHAPES or self.nbytes + buf.nbytes > self.MAX_BYTES):
            oldest = next(iter(self.free))
            if oldest == key:
                break
            self.nbytes -= sum(b.nbytes for b in self.free.pop(oldest))
        if len(bufs) < self.MAX_PER_SHAPE and self.nbytes + buf.nbytes <= self.MAX_BYTES:
            bufs.append(buf)
            self.nbytes += buf.nbytes
        return buf


_workspace = _Workspace()


def empty_buffer(like, shape: tuple, dtype):
    """An uninitialised array for a temporary (pooled for NumPy, fresh for CuPy)."""
    if isinstance(like, np.ndarray):
        return _workspace.get(tuple(shape), dtype)
    return xp_of(like).empty(shape, dtype=dtype)


def clear_workspace() -> None:
    """Drop the pooled temporaries of this thread (frees their memory once no array uses them)."""
    _workspace.free.clear()
    _workspace.nbytes = 0


def pad_input(x, pad_lo: tuple, pad_hi: tuple, value=0):
    """``x`` with its spatial axes padded by ``pad_lo``/``pad_hi`` (no copy when there is no padding).

    The padded copy is a pooled temporary: use it within the calling op only.
    """
    if not any(pad_lo) and not any(pad_hi):
        return x
    nd = len(pad_lo)
    shape = x.shape[:2] + tuple(x.shape[2 + i] + pad_lo[i] + pad_hi[i] for i in range(nd))
    out = empty_buffer(x, shape, x.dtype)
    out.fill(value)
    out[(slice(None), slice(None), *(slice(pad_lo[i], pad_lo[i] + x.shape[2 + i]) for i in range(nd)))] = x
    return out


def window_offsets(kernel: tuple):
    """Every kernel offset (k_0, ..., k_{nd-1}) in row-major order."""
    return list(np.ndindex(*kernel))


def offset_slices(k: tuple, out_sp: tuple, stride: tuple, dilate: tuple) -> tuple:
    """Spatial slices of the padded input touched by kernel offset ``k`` across all output positions."""
    return tuple(slice(k[i] * dilate[i], k[i] * dilate[i] + stride[i] * (out_sp[i] - 1) + 1, stride[i])
                 for i in range(len(k)))


def conv_out_size(size: int, k: int, s: int, d: int, p: int) -> int:
    return (size + 2 * p - (d * (k - 1) + 1)) // s + 1


class Geometry:
    """Normalised convolution attributes for ``nd`` spatial dims."""

    __slots__ = ("dilate", "kernel", "nd", "num_group", "pad", "stride")

    def __init__(self, name: str, ndim: int, kernel, stride, dilate, pad, num_group):
        if not kernel:
            raise MXNetError(f"{name}: kernel must be given, e.g. kernel=(3, 3)")
        nd = len(kernel) if not isinstance(kernel, (int, np.integer)) else 1
        if nd not in (1, 2, 3):
            raise MXNetError(f"{name}: only 1-D, 2-D and 3-D kernels are supported, got kernel={kernel}")
        if ndim != nd + 2:
            raise MXNetError(f"{name}: a {nd}-D kernel needs {nd + 2}-D input (N, C, spatial...), got {ndim}-D")
        self.nd = nd
        self.kernel = tuple_attr(name, "kernel", kernel, nd, 1)
        self.stride = tuple_attr(name, "stride", stride, nd, 1)
        self.dilate = tuple_attr(name, "dilate", dilate, nd, 1)
        self.pad = tuple_attr(name, "pad", pad, nd, 0)
        self.num_group = int(num_group)
        if min(self.kernel) < 1 or min(self.stride) < 1 or min(self.dilate) < 1 or min(self.pad) < 0:
            raise MXNetError(f"{name}: kernel, stride and dilate must be positive and pad non-negative "
                             f"(kernel={self.kernel}, stride={self.stride}, dilate={self.dilate}, pad={self.pad})")

    def attrs(self) -> dict:
        return {"kernel": self.kernel, "stride": self.stride, "dilate": self.dilate, "pad": self.pad,
                "num_group": self.num_group}

    def out_shape(self, sp: tuple) -> tuple:
        return tuple(conv_out_size(sp[i], self.kernel[i], self.stride[i], self.dilate[i], self.pad[i])
                     for i in range(self.nd))


# ------------------------------------------------------------------------------------------ kernels
# Two column layouts. With few rows per group (C/G * prod(kernel) < _WIDE, e.g. a network's first layer)
# the columns are per image, (N, G, C/G*K, P), and the GEMMs are batched over images: a single huge GEMM
# with so short an inner dimension runs far below peak. Otherwise the batch goes innermost,
# (G, C/G*K, P*N): im2col and col2im then move runs of (output width x batch) contiguous elements and
# each pass is one plain GEMM.
_WIDE = 64


def _batch_last(geo: Geometry, channels: int) -> bool:
    return (channels // geo.num_group) * math.prod(geo.kernel) >= _WIDE


_BAND = 8  # slices moved per strided copy by _copy_transposed


def _copy_transposed(dst, src, perm: tuple, axis: int) -> None:
    """``dst[...] = src.transpose(perm)``, where source ``axis`` becomes ``dst``'s last. One strided copy runs
    several times slower when consecutive slices along ``axis`` lie a multiple of a large power of two bytes
    apart (every read then maps to the same cache sets), so such NumPy copies go in bands of a few slices."""
    if not isinstance(src, np.ndarray) or src.strides[axis] % 1024:
        dst[...] = src.transpose(perm)
        return
    lead = (slice(None),) * axis
    for i in range(0, src.shape[axis], _BAND):
        dst[..., i:i + _BAND] = src[(*lead, slice(i, i + _BAND))].transpose(perm)


def _batch_last_into(dst, src) -> None:
    """Copy ``src`` (N, ...) into ``dst`` (..., N)."""
    _copy_transposed(dst, src, (*range(1, src.ndim), 0), 0)


def _batch_last_input(x, geo: Geometry):
    """``x`` as a (C, *padded spatial, N) array (a pooled temporary)."""
    nd = geo.nd
    n, c = x.shape[:2]
    shape = (c, *(x.shape[2 + i] + 2 * geo.pad[i] for i in range(nd)), n)
    xt = empty_buffer(x, shape, x.dtype)
    if any(geo.pad):
        xt.fill(0)
    inner = tuple(slice(geo.pad[i], geo.pad[i] + x.shape[2 + i]) for i in range(nd))
    _batch_last_into(xt[(slice(None), *inner)], x)
    return xt


def _im2col(x, geo: Geometry, out_sp: tuple):
    """The columns of ``x``: one copy of a strided window view, in the layout ``_batch_last`` picks."""
    n, c = x.shape[:2]
    nd, g = geo.nd, geo.num_group
    rows = (c // g) * math.prod(geo.kernel)
    if _batch_last(geo, c):
        xt = _batch_last_input(x, geo)
        s = xt.strides
        shape = (c, *geo.kernel, *out_sp, n)
        strides = (s[0], *(s[1 + i] * geo.dilate[i] for i in range(nd)),
                   *(s[1 + i] * geo.stride[i] for i in range(nd)), s[-1])
        cols = empty_buffer(x, shape, x.dtype)
        cols[...] = as_strided(xt, shape, strides)
        return cols.reshape(g, rows, -1)  # (G, C/G*K, P*N)
    xpad = pad_input(x, geo.pad, geo.pad)
    win = windows(xpad, out_sp, geo.kernel, geo.stride, geo.dilate)  # (N, C, *O, *K)
    perm = (0, 1, *range(2 + nd, 2 + 2 * nd), *range(2, 2 + nd))  # (N, C, *K, *O)
    cols = empty_buffer(x, (n, c, *geo.kernel, *out_sp), x.dtype)
    cols[...] = win.transpose(perm)
    return cols.reshape(n, g, rows, math.prod(out_sp))  # (N, G, C/G*K, P)


def _batch_last_grad(gy, groups: int):
    """The output gradient (N, F, *O) as (G, F/G, P*N)."""
    gt = xp_of(gy).empty((*gy.shape[1:], gy.shape[0]), dtype=gy.dtype)
    _batch_last_into(gt, gy)
    return gt.reshape(groups, gy.shape[1] // groups, -1)


def conv_forward(x, w, geo: Geometry):
    """y = conv(x, w), no bias: (N, C, *S) x (F, C/G, *K) -> (N, F, *O); also returns the columns.

    One ``matmul`` of the weights (G, F/G, C/G*K) with the columns.
    """
    xp = xp_of(x)
    n = x.shape[0]
    f = w.shape[0]
    g = geo.num_group
    out_sp = geo.out_shape(x.shape[2:])
    cols = _im2col(x, geo, out_sp)
    wm = w.reshape(g, f // g, -1)
    if cols.ndim == 4:  # per image: (N, G, F/G, P) is already NCHW
        return xp.matmul(wm, cols).reshape((n, f, *out_sp)), cols
    # batch last: the long P*N side as the product's rows (BLAS runs it faster than W x cols), then
    # (G, P, N, F/G) -> (N, G, F/G, P)
    yt = xp.matmul(cols.swapaxes(1, 2), wm.swapaxes(1, 2)).reshape(g, -1, n, f // g)
    y = xp.empty((n, g, f // g, yt.shape[1]), dtype=yt.dtype)
    _copy_transposed(y, yt, (2, 0, 3, 1), 1)
    return y.reshape((n, f, *out_sp)), cols


def conv_data_grad(gy, w, geo: Geometry, data_shape: tuple):
    """Adjoint of conv in x: col2im(w^T g), shaped ``data_shape``.

    One ``matmul`` gives the column gradients; col2im adds them back with one strided slice add per
    kernel offset (never a loop over pixels or images).
    """
    xp = xp_of(gy)
    nd, grp = geo.nd, geo.num_group
    n, f = gy.shape[:2]
    out_sp = tuple(gy.shape[2:])
    c = data_shape[1]
    wm = w.reshape(grp, f // grp, -1)  # (G, F/G, C/G*K)
    dtype = np.result_type(gy.dtype, w.dtype)
    padded = tuple(data_shape[2 + i] + 2 * geo.pad[i] for i in range(nd))
    # any rows past the last window (and past the padded input, for Deconvolution's adj) stay zero
    need = tuple(max(padded[i], geo.dilate[i] * (geo.kernel[i] - 1) + geo.stride[i] * (out_sp[i] - 1) + 1)
                 for i in range(nd))
    crop = tuple(slice(geo.pad[i], geo.pad[i] + data_shape[2 + i]) for i in range(nd))
    if _batch_last(geo, c):
        gt = _batch_last_grad(gy, grp)  # (G, F/G, P*N)
        dcols = empty_buffer(gy, (grp, wm.shape[2], gt.shape[2]), dtype)
        xp.matmul(wm.swapaxes(1, 2), gt, out=dcols)  # (G, C/G*K, P*N)
        dcols = dcols.reshape((c, *geo.kernel, *out_sp, n))
        dxt = empty_buffer(gy, (c, *need, n), dtype)
        dxt.fill(0)
        for k in window_offsets(geo.kernel):
            dxt[(slice(None), *offset_slices(k, out_sp, geo.stride, geo.dilate))] += dcols[(slice(None), *k)]
        return xp.ascontiguousarray(dxt[(slice(None), *crop)].transpose((nd + 1, *range(nd + 1))))
    dcols = empty_buffer(gy, (n, grp, wm.shape[2], math.prod(out_sp)), dtype)
    xp.matmul(wm.swapaxes(1, 2), gy.reshape(n, grp, f // grp, -1), out=dcols)  # (N, G, C/G*K, P)
    return col2im_raw(dcols.reshape((n, c, *geo.kernel, *out_sp)), geo, data_shape)


def col2im_raw(cols, geo: Geometry, data_shape: tuple):
    """Sum per-image columns (N, C, *kernel, *out) back into an (N, C, *spatial) array."""
    xp = xp_of(cols)
    nd = geo.nd
    out_sp = cols.shape[2 + nd:]
    need = tuple(max(data_shape[2 + i] + 2 * geo.pad[i],
                     geo.dilate[i] * (geo.kernel[i] - 1) + geo.stride[i] * (out_sp[i] - 1) + 1) for i in range(nd))
    dxpad = xp.zeros((*data_shape[:2], *need), dtype=cols.dtype)
    every = (slice(None), slice(None))
    for k in window_offsets(geo.kernel):
        dxpad[(*every, *offset_slices(k, out_sp, geo.stride, geo.dilate))] += cols[(*every, *k)]
    if need == tuple(data_shape[2:]):
        return dxpad
    crop = tuple(slice(geo.pad[i], geo.pad[i] + data_shape[2 + i]) for i in range(nd))
    return xp.ascontiguousarray(dxpad[(*every, *crop)])


def conv_weight_grad(x, gy, geo: Geometry, weight_shape: tuple, cols=None):
    """Adjoint of conv in w: the correlation of x with g, shaped ``weight_shape`` (``cols``: x's columns
    if the forward kept them)."""
    xp = xp_of(x)
    grp = geo.num_group
    n, f = gy.shape[:2]
    out_sp = tuple(gy.shape[2:])
    if cols is None or cols.size == 0:
        cols = _im2col(x, geo, out_sp)
    if cols.ndim == 3:  # (G, C/G*K, P*N): one GEMM, with the long P*N side as the output's rows (BLAS runs
        # (C/G*K, P*N) x (P*N, F/G) about twice as fast as the transposed product), then a small transpose
        dwt = xp.matmul(cols, _batch_last_grad(gy, grp).swapaxes(1, 2))  # (G, C/G*K, F/G)
        return xp.ascontiguousarray(dwt.swapaxes(1, 2)).reshape(weight_shape)
    p = cols.shape[3]
    gm = gy.reshape(n, grp, f // grp, p)
    # few rows: per-image products (N, G, F/G, C/G*K), summed over images
    return xp.matmul(gm, cols.swapaxes(2, 3)).sum(axis=0).reshape(weight_shape)


# ------------------------------------------------------------------------------------------ ops
def _geo_of(attrs: dict, ndim: int, name: str) -> Geometry:
    return Geometry(name, ndim, attrs["kernel"], attrs["stride"], attrs["dilate"], attrs["pad"],
                    attrs["num_group"])


class _Layout:
    """Moves a channels-last op's arrays to channels-first for the backward ops, and their results back."""

    def __init__(self, last: bool, ndim: int):
        self.last, self.ndim = last, ndim

    def first(self, a):
        return F.transpose(a, axes=first_axes(self.ndim)) if self.last and a is not None else a

    def back(self, a):
        return F.transpose(a, axes=last_axes(self.ndim)) if self.last and a is not None else a

    def bias_grad(self, g):
        return F.sum(g, axis=tuple(range(self.ndim - 1)) if self.last else (0, *range(2, self.ndim)))


def _conv_vjp(n, g, _gcols=None):
    x, w, b = ((*n.inputs, None))[:3]
    geo = _geo_of(n.attrs, x.ndim, "Convolution")
    a = geo.attrs()
    lay = _Layout(channels_last("Convolution", n.attrs["layout"], geo.nd), x.ndim)
    xt, wt, gt = lay.first(x), lay.first(w), lay.first(g)
    # inputs outside the graph (the network's input data) get no gradient: skip their col2im
    dx = F._backward_Convolution_data(gt, wt, data_shape=xt.shape, **a) if in_graph(x) else None
    dw = F._backward_Convolution_weight(xt, gt, n.output(1), weight_shape=wt.shape, **a) if in_graph(w) \
        else None
    db = lay.bias_grad(g) if in_graph(b) else None
    return (lay.back(dx), lay.back(dw), db)[:len(n.inputs)]


def _check_weight(name: str, channels: int, num_filter: int, geo: Geometry, weight, want: tuple) -> None:
    """Channels and filters must split into ``num_group`` groups, and the weight must have shape ``want``."""
    if num_filter <= 0 or channels % geo.num_group or num_filter % geo.num_group:
        raise MXNetError(f"{name}: num_filter={num_filter} and the {channels} input channels must both be "
                         f"positive multiples of num_group={geo.num_group}")
    if tuple(weight.shape) != want:
        raise MXNetError(f"{name}: weight has shape {tuple(weight.shape)}, expected {want}")


def _check_bias(name: str, bias, no_bias: bool, num_filter: int) -> None:
    if no_bias and bias is not None:
        raise MXNetError(f"{name}: no_bias=True but a bias was given (expects 2 inputs, got 3)")
    if not no_bias and bias is None:
        raise MXNetError(f"{name}: no_bias=False but no bias was given (expects 3 inputs, got 2)")
    if bias is not None and tuple(bias.shape) != (num_filter,):
        raise MXNetError(f"{name}: bias has shape {tuple(bias.shape)}, expected ({num_filter},)")


def _add_bias(y, bias, nd: int):
    if bias is None:
        return y
    y += bias.reshape((1, -1) + (1,) * nd).astype(y.dtype, copy=False)
    return y


@defop(vjp=_conv_vjp, num_outputs=2, num_visible=lambda a: 1, save_outputs=True)
def Convolution(data, weight, bias=None, *, kernel=(), stride=(), dilate=(), pad=(), num_filter=0, num_group=1,
                workspace=1024, no_bias=False, cudnn_tune=None, cudnn_off=False, layout=None):
    """Compute *N*-D convolution on *(N+2)*-D input.

    ``data`` is (batch, channel, *spatial), ``weight`` is (num_filter, channel/num_group, *kernel) and
    ``bias`` (num_filter,). Each spatial output size is
    ``floor((x + 2 * pad - dilate * (kernel - 1) - 1) / stride) + 1``.
    """
    geo = Geometry("Convolution", data.ndim, kernel, stride, dilate, pad, num_group)
    last = channels_last("Convolution", layout, geo.nd)
    if last:  # computed channels-first; the weight is (num_filter, *kernel, channel/num_group)
        data, weight = to_first(data), to_first(weight)
    _check_bias("Convolution", bias, no_bias, num_filter)
    c = data.shape[1]
    _check_weight("Convolution", c, num_filter, geo, weight, (num_filter, c // geo.num_group, *geo.kernel))
    out_sp = geo.out_shape(data.shape[2:])
    if min(out_sp) <= 0:
        raise MXNetError(f"Convolution: kernel {geo.kernel} (dilate {geo.dilate}) exceeds the padded input "
                         f"{data.shape[2:]} + 2 * {geo.pad}")
    y, cols = conv_forward(data, weight, geo)
    # the columns are kept (hidden output) only while recording, for the weight gradient
    if not _state.recording:
        cols = xp_of(cols).zeros((0,) * cols.ndim, dtype=cols.dtype)
    y = _add_bias(y, bias, geo.nd)
    return (to_last(y) if last else y), cols


def _bwd_data_vjp(n, h):
    g, w = n.inputs
    a = n.attrs
    geo = _geo_of(a, g.ndim, "_backward_Convolution_data")
    ga = geo.attrs()
    dg = F.Convolution(h, w, kernel=geo.kernel, stride=geo.stride, dilate=geo.dilate, pad=geo.pad,
                       num_filter=w.shape[0], num_group=geo.num_group, no_bias=True)
    dw = F._backward_Convolution_weight(h, g, weight_shape=w.shape, **ga)
    return dg, dw


@defop(vjp=_bwd_data_vjp)
def _backward_Convolution_data(grad, weight, *, data_shape=(), kernel=(), stride=(), dilate=(), pad=(),
                               num_group=1):
    """Gradient of Convolution with respect to its data (col2im of ``weight^T grad``)."""
    geo = Geometry("_backward_Convolution_data", grad.ndim, kernel, stride, dilate, pad, num_group)
    return conv_data_grad(grad, weight, geo, tuple(data_shape))


def _bwd_weight_vjp(n, h):
    x, g = n.inputs[:2]
    geo = _geo_of(n.attrs, x.ndim, "_backward_Convolution_weight")
    dx = F._backward_Convolution_data(g, h, data_shape=x.shape, **geo.attrs())
    dg = F.Convolution(x, h, kernel=geo.kernel, stride=geo.stride, dilate=geo.dilate, pad=geo.pad,
                       num_filter=h.shape[0], num_group=geo.num_group, no_bias=True)
    return dx, dg, None  # cols (im2col of data) is derived from data, whose gradient dx already is


@defop(vjp=_bwd_weight_vjp)
def _backward_Convolution_weight(data, grad, cols=None, *, weight_shape=(), kernel=(), stride=(), dilate=(),
                                 pad=(), num_group=1):
    """Gradient of Convolution with respect to its weight (correlation of ``data`` with ``grad``).

    ``cols`` optionally passes ``data``'s im2col columns kept by the forward pass; it gets no gradient.
    """
    geo = Geometry("_backward_Convolution_weight", data.ndim, kernel, stride, dilate, pad, num_group)
    return conv_weight_grad(data, grad, geo, tuple(weight_shape), cols)


# ------------------------------------------------------------------------------------------ Deconvolution
def deconv_geometry(name: str, in_shape: tuple, kernel, stride, dilate, pad, adj, target_shape,
                    num_group) -> tuple[Geometry, tuple]:
    """The Convolution geometry Deconvolution transposes, and its output's spatial shape."""
    geo = Geometry(name, len(in_shape), kernel, stride, dilate, pad, num_group)
    nd = geo.nd
    adj = tuple_attr(name, "adj", adj, nd, 0)
    target = tuple(int(t) for t in target_shape) if target_shape else ()
    if target and not all(t == 0 for t in target):
        if len(target) != nd:
            raise MXNetError(f"{name}: target_shape={target} must have {nd} element(s)")
        pads, adjs = [], []
        for i in range(nd):
            full = geo.stride[i] * (in_shape[2 + i] - 1) + geo.dilate[i] * (geo.kernel[i] - 1) + 1
            if full < target[i]:
                raise MXNetError(f"{name}: too big target shape: {target} exceeds the largest output "
                                 f"size {full} in dimension {i}")
            total = full - target[i]
            adjs.append(total % 2)
            pads.append((total + 1) // 2)
        geo.pad, adj = tuple(pads), tuple(adjs)
    for i in range(nd):
        if adj[i] >= geo.stride[i] and adj[i] > 0 and not target:
            raise MXNetError(f"{name}: adj {adj} must be smaller than stride {geo.stride}")
    out_sp = tuple(geo.stride[i] * (in_shape[2 + i] - 1) + geo.dilate[i] * (geo.kernel[i] - 1) + 1
                   - 2 * geo.pad[i] + adj[i] for i in range(nd))
    if min(out_sp) <= 0:
        raise MXNetError(f"{name}: output spatial shape {out_sp} is not positive")
    return geo, out_sp


def _deconv_vjp(n, g):
    x, w, b = ((*n.inputs, None))[:3]
    a = n.attrs
    lay = _Layout(channels_last("Deconvolution", a["layout"], x.ndim - 2), x.ndim)
    xt, wt, gt = lay.first(x), lay.first(w), lay.first(g)
    geo, _ = deconv_geometry("Deconvolution", xt.shape, a["kernel"], a["stride"], a["dilate"], a["pad"], a["adj"],
                             a["target_shape"], a["num_group"])
    dx = F.Convolution(gt, wt, kernel=geo.kernel, stride=geo.stride, dilate=geo.dilate, pad=geo.pad,
                       num_filter=wt.shape[0], num_group=geo.num_group, no_bias=True) if in_graph(x) else None
    dw = F._backward_Convolution_weight(gt, xt, weight_shape=wt.shape, **geo.attrs()) if in_graph(w) else None
    db = lay.bias_grad(g) if in_graph(b) else None
    return lay.back(dx), lay.back(dw), db


@defop(vjp=_deconv_vjp)
def Deconvolution(data, weight, bias=None, *, kernel=(), stride=(), dilate=(), pad=(), adj=(), target_shape=(),
                  num_filter=0, num_group=1, workspace=512, no_bias=True, cudnn_tune=None, cudnn_off=False,
                  layout=None):
    """Computes 1-D, 2-D or 3-D transposed convolution (deconvolution) of the input.

    ``weight`` is (channel, num_filter/num_group, *kernel). Each spatial output size is
    ``stride * (x - 1) + dilate * (kernel - 1) + 1 - 2 * pad + adj``; a ``target_shape`` sets ``pad`` and
    ``adj`` to reach it.
    """
    last = channels_last("Deconvolution", layout, data.ndim - 2)
    if last:  # computed channels-first; the weight is (channel, *kernel, num_filter/num_group)
        data, weight = to_first(data), to_first(weight)
    geo, out_sp = deconv_geometry("Deconvolution", data.shape, kernel, stride, dilate, pad, adj, target_shape,
                                  num_group)
    _check_bias("Deconvolution", bias, no_bias, num_filter)
    c = data.shape[1]
    _check_weight("Deconvolution", c, num_filter, geo, weight, (c, num_filter // geo.num_group, *geo.kernel))
    y = _add_bias(conv_data_grad(data, weight, geo, (data.shape[0], num_filter, *out_sp)), bias, geo.nd)
    return to_last(y) if last else y


# ------------------------------------------------------------------------------------------ UpSampling
def _bilinear_geometry(scale: int, channels: int) -> Geometry:
    """Bilinear UpSampling is a depthwise Deconvolution with this kernel, stride and padding."""
    k = 2 * scale - scale % 2
    p = -(-(scale - 1) // 2)
    return Geometry("UpSampling", 4, (k, k), (scale, scale), (1, 1), (p, p), channels)


def _nearest_scales(name: str, shapes: list, scale: int) -> list:
    """Per input, the integer factor that brings it to the first input's size times ``scale``."""
    oh, ow = shapes[0][2] * scale, shapes[0][3] * scale
    out = []
    for s in shapes:
        if len(s) != 4:
            raise MXNetError(f"{name}: input should be 4-D (batch, channel, y, x), got shape {s}")
        if oh % s[2] or ow % s[3] or oh // s[2] != ow // s[3]:
            raise MXNetError(f"{name}: input of shape {s} does not divide the output size ({oh}, {ow}) "
                             "by one integer factor")
        out.append(oh // s[2])
    return out


def _upsample_nearest(x, s: int):
    xp = xp_of(x)
    if s == 1:
        return x
    n, c, h, w = x.shape
    big = xp.broadcast_to(x[:, :, :, None, :, None], (n, c, h, s, w, s))
    return big.reshape(n, c, h * s, w * s)


def _upsampling_vjp(n, g):
    a = n.attrs
    xs = n.inputs
    if a["sample_type"] == "bilinear":
        x, w = xs
        geo = _bilinear_geometry(int(a["scale"]), x.shape[1])
        dx = F.Convolution(g, w, kernel=geo.kernel, stride=geo.stride, pad=geo.pad, num_filter=x.shape[1],
                           num_group=geo.num_group, no_bias=True) if in_graph(x) else None
        dw = F._backward_Convolution_weight(g, x, weight_shape=w.shape, **geo.attrs()) if in_graph(w) else None
        return dx, dw
    scales = _nearest_scales("UpSampling", [x.shape for x in xs], int(a["scale"]))
    out, c0 = [], 0
    for x, s in zip(xs, scales, strict=True):
        c1 = c0 + x.shape[1]
        gi = g if a["multi_input_mode"] == "sum" or len(xs) == 1 else \
            F._getitem(g, key=(slice(None), slice(c0, c1)))
        out.append(F._backward_UpSampling_nearest(gi, scale=s) if in_graph(x) else None)
        c0 = c1
    return tuple(out)


@defop(vjp=_upsampling_vjp)
def UpSampling(*data, scale=1, num_filter=0, sample_type=None, multi_input_mode="concat", num_args=1,
               workspace=512):
    """Upsamples the given input data (4-D, batch x channel x y x x) by an integer ``scale``.

    ``sample_type='nearest'`` repeats each pixel; several inputs are each brought to the first one's size
    times ``scale`` and concatenated along channels (or summed, ``multi_input_mode='sum'``).
    ``sample_type='bilinear'`` takes ``(data, weight)`` and is a depthwise Deconvolution with kernel
    ``2 * scale - scale % 2``, stride ``scale`` and padding ``ceil((scale - 1) / 2)``.
    """
    scale = int(scale)
    if sample_type not in ("nearest", "bilinear"):
        raise MXNetError(f"UpSampling: sample_type must be 'nearest' or 'bilinear', got {sample_type!r}")
    if scale < 1:
        raise MXNetError(f"UpSampling: scale must be a positive integer, got {scale}")
    if sample_type == "bilinear":
        if len(data) != 2:
            raise MXNetError(f"UpSampling: sample_type='bilinear' takes (data, weight), got {len(data)} inputs")
        x, w = data
        if x.ndim != 4:
            raise MXNetError(f"UpSampling: input should be 4-D (batch, channel, y, x), got shape {x.shape}")
        geo = _bilinear_geometry(scale, x.shape[1])
        want = (x.shape[1], 1, *geo.kernel)
        if tuple(w.shape) != want:
            raise MXNetError(f"UpSampling: bilinear weight has shape {tuple(w.shape)}, expected {want}")
        n, c, h, wd = x.shape
        return conv_data_grad(x, w, geo, (n, c, h * scale, wd * scale))
    if multi_input_mode not in ("concat", "sum"):
        raise MXNetError(f"UpSampling: multi_input_mode must be 'concat' or 'sum', got {multi_input_mode!r}")
    if not data:
        raise MXNetError("UpSampling: needs at least one input")
    scales = _nearest_scales("UpSampling", [x.shape for x in data], scale)
    ups = [_upsample_nearest(x, s) for x, s in zip(data, scales, strict=True)]
    xp = xp_of(data[0])
    if len(ups) == 1:
        return xp.ascontiguousarray(ups[0])
    if multi_input_mode == "sum":
        out = ups[0].copy()
        for u in ups[1:]:
            if u.shape != out.shape:
                raise MXNetError(f"UpSampling: multi_input_mode='sum' needs equal channels, got shapes "
                                 f"{[x.shape for x in data]}")
            out += u
        return out
    return xp.concatenate(ups, axis=1)


@defop(vjp=lambda n, h: F.UpSampling(h, scale=n.attrs["scale"], sample_type="nearest"))
def _backward_UpSampling_nearest(grad, *, scale=1):
    """Gradient of nearest UpSampling: each ``scale`` x ``scale`` block summed."""
    n, c, h, w = grad.shape
    s = int(scale)
    if h % s or w % s:
        raise MXNetError(f"_backward_UpSampling_nearest: shape {grad.shape} is not divisible by scale {s}")
    return grad.reshape(n, c, h // s, s, w // s, s).sum(axis=(3, 5))


# ------------------------------------------------------------------------------------------ im2col / col2im
def _window_attrs(a: dict) -> dict:
    return {k: a[k] for k in ("kernel", "stride", "dilate", "pad")}


@defop(vjp=lambda n, g: F.col2im(g, output_size=n.inputs[0].shape[2:], **_window_attrs(n.attrs)))
def im2col(data, *, kernel=(), stride=(), dilate=(), pad=()):
    """Extracts sliding local blocks from a batched input into columns.

    (N, C, *spatial) becomes (N, C * prod(kernel), L): row ``c * prod(kernel) + k`` holds kernel offset
    ``k`` of channel ``c`` at each of the L output positions.
    """
    geo = Geometry("im2col", data.ndim, kernel, stride, dilate, pad, 1)
    out_sp = geo.out_shape(data.shape[2:])
    if min(out_sp) <= 0:
        raise MXNetError(f"im2col: kernel {geo.kernel} (dilate {geo.dilate}) exceeds the padded input "
                         f"{data.shape[2:]} + 2 * {geo.pad}")
    nd = geo.nd
    win = windows(pad_input(data, geo.pad, geo.pad), out_sp, geo.kernel, geo.stride, geo.dilate)
    cols = xp_of(data).ascontiguousarray(win.transpose((0, 1, *range(2 + nd, 2 + 2 * nd), *range(2, 2 + nd))))
    return cols.reshape(data.shape[0], -1, math.prod(out_sp))


@defop(vjp=lambda n, g: F.im2col(g, **_window_attrs(n.attrs)))
def col2im(data, *, output_size=(), kernel=(), stride=(), dilate=(), pad=()):
    """Combines an array of sliding local blocks (columns) into a batched image, summing overlaps.

    The inverse layout of ``im2col``: (N, C * prod(kernel), L) becomes (N, C, *output_size).
    """
    if data.ndim != 3:
        raise MXNetError(f"col2im: input must be 3-D (N, C * prod(kernel), L), got shape {data.shape}")
    size = tuple(int(s) for s in ((output_size,) if isinstance(output_size, (int, np.integer)) else output_size))
    geo = Geometry("col2im", len(size) + 2, kernel, stride, dilate, pad, 1)
    k = math.prod(geo.kernel)
    out_sp = geo.out_shape(size)
    if data.shape[1] % k or data.shape[2] != math.prod(out_sp):
        raise MXNetError(f"col2im: input of shape {data.shape} does not fit kernel {geo.kernel} and "
                         f"output_size {size} (expected (N, C * {k}, {math.prod(out_sp)}))")
    n, c = data.shape[0], data.shape[1] // k
    return col2im_raw(data.reshape((n, c, *geo.kernel, *out_sp)), geo, (n, c, *size))

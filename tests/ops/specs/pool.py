"""Specs for Pooling and its backward ops, against loop-based NumPy references."""
import itertools
import math

import numpy as np

from ..spec import OpSpec


def _out_size(size, k, s, p, convention):
    if convention == "same":
        return -(-size // s)
    rnd = math.floor if convention == "valid" else math.ceil
    return int(rnd((size + 2 * p - k) / s)) + 1


def ref_pool(x, *, kernel=(), pool_type="max", stride=None, pad=None, pooling_convention="valid",
             count_include_pad=True, p_value=2, global_pool=False):
    """Pooling one window at a time; windows are clipped to the input (padding is never a maximum)."""
    nd = x.ndim - 2
    if global_pool:
        kernel, stride, pad = x.shape[2:], (1,) * nd, (0,) * nd
    stride, pad = stride or (1,) * nd, pad or (0,) * nd
    out_sp = tuple(_out_size(x.shape[2 + i], kernel[i], stride[i], pad[i], pooling_convention) for i in range(nd))
    if global_pool:
        out_sp = (1,) * nd
    if pooling_convention == "same":
        total = max((out_sp[0] - 1) * stride[0] + kernel[0] - x.shape[2], 0)
        pad = (total // 2,)
    y = np.zeros(x.shape[:2] + out_sp)
    for o in itertools.product(*map(range, out_sp)):
        start = [o[i] * stride[i] - pad[i] for i in range(nd)]
        sl = tuple(slice(max(start[i], 0), min(start[i] + kernel[i], x.shape[2 + i])) for i in range(nd))
        win = x[(slice(None), slice(None), *sl)].reshape((*x.shape[:2], -1))
        if pool_type == "max":
            v = win.max(axis=-1)
        elif pool_type == "sum":
            v = win.sum(axis=-1)
        elif pool_type == "lp":
            v = np.sum(win ** p_value, axis=-1) ** (1 / p_value)
        else:
            if count_include_pad:
                hi = [min(start[i] + kernel[i], x.shape[2 + i] + pad[i]) for i in range(nd)]
                count = np.prod([hi[i] - start[i] for i in range(nd)])
            else:
                count = win.shape[-1]
            v = win.sum(axis=-1) / count
        y[(slice(None), slice(None), *o)] = v
    return y


def _distinct(shape, low=0.5):
    return lambda rng: [rng.permutation(np.arange(int(np.prod(shape)), dtype=float)).reshape(shape) * 0.1 + low]


def _pool(**attrs):
    return dict(ref=lambda x: ref_pool(x, **attrs), call=lambda F, x: F.Pooling(x, **attrs))


def _max_index(shape, out_shape, kernel_size):
    """A (grad, index) pair for the max-pooling backward ops."""
    return lambda rng: [rng.standard_normal(out_shape), rng.integers(0, kernel_size, size=out_shape)]


def _scatter_ref(g, idx, *, kernel, stride, pad, data_shape):
    """Max-pooling backward: each output's gradient added at its window's argmax offset."""
    nd = len(kernel)
    full = np.zeros(data_shape[:2] + tuple(data_shape[2 + i] + 2 * pad[i] + kernel[i] for i in range(nd)))
    for o in itertools.product(*map(range, g.shape[2:])):
        for n, c in itertools.product(range(g.shape[0]), range(g.shape[1])):
            k = np.unravel_index(int(idx[(n, c, *o)]), kernel)
            pos = tuple(o[i] * stride[i] + k[i] for i in range(nd))
            full[(n, c, *pos)] += g[(n, c, *o)]
    return full[(slice(None), slice(None), *tuple(slice(pad[i], pad[i] + data_shape[2 + i]) for i in range(nd)))]


def _gather_ref(x, idx, *, kernel, stride, pad):
    nd = len(kernel)
    xp = np.pad(x, ((0, 0), (0, 0), *tuple((p, p + k) for p, k in zip(pad, kernel))))
    y = np.zeros(idx.shape)
    for pos in np.ndindex(*idx.shape):
        k = np.unravel_index(int(idx[pos]), kernel)
        y[pos] = xp[pos[:2] + tuple(pos[2 + i] * stride[i] + k[i] for i in range(nd))]
    return y


_MAXB = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), data_shape=(2, 2, 5, 4))
_AVGB = dict(kernel=(3, 2), stride=(2, 2), pad=(1, 1), data_shape=(1, 2, 5, 5), pool_type="avg",
             pooling_convention="full", count_include_pad=True)


def _avg_bwd_ref(g):
    """Adjoint of avg pooling by linearity: <pool(e_i), g> for each input basis vector e_i."""
    out = np.zeros(_AVGB["data_shape"])
    attrs = {k: v for k, v in _AVGB.items() if k != "data_shape"}
    for i in np.ndindex(*out.shape):
        e = np.zeros(out.shape)
        e[i] = 1
        out[i] = (ref_pool(e, **attrs) * g).sum()
    return out


SPECS = [
    OpSpec("Pooling", gen=_distinct((2, 2, 5, 6)), id="max-2d-pad",
           **_pool(kernel=(3, 3), stride=(2, 1), pad=(1, 1))),
    OpSpec("Pooling", gen=_distinct((2, 2, 5, 5)), id="max-full",
           **_pool(kernel=(2, 2), stride=(2, 2), pooling_convention="full")),
    OpSpec("Pooling", gen=_distinct((1, 2, 4, 3, 4)), id="max-3d", **_pool(kernel=(2, 2, 2), stride=(2, 1, 2))),
    OpSpec("Pooling", gen=_distinct((2, 3, 7)), id="max-1d-same",
           **_pool(kernel=(3,), stride=(2,), pooling_convention="same")),
    OpSpec("Pooling", gen=_distinct((2, 3, 4, 5)), id="max-global", **_pool(kernel=(2, 2), global_pool=True)),
    OpSpec("Pooling", gen=_distinct((1, 2, 12, 12)), id="max-large-kernel",
           **_pool(kernel=(6, 6), stride=(6, 6))),
    OpSpec("Pooling", [(2, 2, 5, 5)], id="avg-pad", **_pool(kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                                           pool_type="avg")),
    OpSpec("Pooling", [(2, 2, 5, 6)], id="avg-full-nopad-count",
           **_pool(kernel=(3, 2), stride=(2, 2), pad=(1, 1), pool_type="avg", pooling_convention="full",
                   count_include_pad=False)),
    OpSpec("Pooling", [(2, 2, 5, 5)], id="avg-full-count",
           **_pool(kernel=(2, 2), stride=(2, 2), pool_type="avg", pooling_convention="full")),
    OpSpec("Pooling", [(2, 2, 6)], id="avg-1d", **_pool(kernel=(2,), pool_type="avg")),
    OpSpec("Pooling", [(1, 2, 3, 4, 3)], id="avg-3d", **_pool(kernel=(2, 2, 2), pool_type="avg", pad=(1, 0, 1))),
    OpSpec("Pooling", [(2, 2, 4, 5)], id="avg-global", **_pool(global_pool=True, pool_type="avg")),
    OpSpec("Pooling", [(2, 2, 10, 9)], id="avg-global-large", **_pool(global_pool=True, pool_type="avg")),
    OpSpec("Pooling", [(2, 2, 5, 5)], id="sum", **_pool(kernel=(2, 3), stride=(1, 2), pool_type="sum")),
    OpSpec("Pooling", [(2, 2, 4, 4)], id="lp1", **_pool(kernel=(2, 2), pool_type="lp", p_value=1)),
    OpSpec("Pooling", [(2, 2, 4, 4)], domain=(0.5, 2), id="lp2",
           **_pool(kernel=(2, 2), stride=(2, 1), pool_type="lp", p_value=2)),
    OpSpec("Pooling", [(2, 2, 4, 4)], domain=(0.5, 2), id="lp3",
           **_pool(kernel=(2, 2), pool_type="lp", p_value=3)),
    OpSpec("_backward_Pooling_avg", [(1, 2, 3, 4)], _avg_bwd_ref, attrs=_AVGB),
    OpSpec("_backward_Pooling_avg", [(1, 2, 1, 1)], lambda g: np.broadcast_to(g, (1, 2, 9, 9)), id="sum-global",
           attrs=dict(data_shape=(1, 2, 9, 9), pool_type="sum", global_pool=True)),
    OpSpec("_backward_Pooling_max", gen=_max_index(None, (2, 2, 3, 5), 6), wrt=(0,),
           ref=lambda g, i: _scatter_ref(g, i, kernel=(3, 2), stride=(2, 1), pad=(1, 1), data_shape=(2, 2, 5, 4)),
           attrs=_MAXB),
    OpSpec("_backward_Pooling_max", gen=_max_index(None, (1, 2, 1, 1), 81), wrt=(0,), id="global",
           ref=lambda g, i: _scatter_ref(g, i, kernel=(9, 9), stride=(1, 1), pad=(0, 0), data_shape=(1, 2, 9, 9)),
           attrs=dict(data_shape=(1, 2, 9, 9), global_pool=True)),
    OpSpec("_pool_max_gather", gen=lambda rng: [rng.standard_normal((2, 2, 5, 4)),
                                                rng.integers(0, 6, size=(2, 2, 3, 5))], wrt=(0,),
           ref=lambda x, i: _gather_ref(x, i, kernel=(3, 2), stride=(2, 1), pad=(1, 1)), attrs=_MAXB),
    OpSpec("_pool_max_gather", gen=lambda rng: [rng.standard_normal((1, 2, 9, 9)),
                                                rng.integers(0, 81, size=(1, 2, 1, 1))], wrt=(0,), id="global",
           ref=lambda x, i: _gather_ref(x, i, kernel=(9, 9), stride=(1, 1), pad=(0, 0)),
           attrs=dict(data_shape=(1, 2, 9, 9), global_pool=True)),
]


def ref_bilinear(x, oh, ow, align_corners=True):
    """Bilinear resize one output pixel at a time (MXNet's source-index rule; size-1 outputs read index 0)."""
    h, w = x.shape[2:]

    def src(i, n_in, n_out):
        if n_out == 1:
            return 0.0
        if align_corners:
            return i * (n_in - 1) / (n_out - 1)
        return max((i + 0.5) * n_in / n_out - 0.5, 0.0)

    y = np.zeros((*x.shape[:2], oh, ow))
    for i in range(oh):
        for j in range(ow):
            r, c = src(i, h, oh), src(j, w, ow)
            r0, c0 = min(int(r), h - 1), min(int(c), w - 1)
            r1, c1 = min(r0 + 1, h - 1), min(c0 + 1, w - 1)
            a, b = r - r0, c - c0
            y[:, :, i, j] = ((1 - a) * (1 - b) * x[:, :, r0, c0] + (1 - a) * b * x[:, :, r0, c1]
                             + a * (1 - b) * x[:, :, r1, c0] + a * b * x[:, :, r1, c1])
    return y


def ref_adaptive(x, oh, ow):
    h, w = x.shape[2:]
    y = np.zeros((*x.shape[:2], oh, ow))
    for i in range(oh):
        for j in range(ow):
            rs, re = (i * h) // oh, -(-((i + 1) * h) // oh)
            cs, ce = (j * w) // ow, -(-((j + 1) * w) // ow)
            y[:, :, i, j] = x[:, :, rs:re, cs:ce].mean(axis=(2, 3))
    return y


def _adjoint(forward, in_shape):
    """The transpose of a linear map, column by column (for the backward ops' references)."""
    def ref(g):
        out = np.zeros(in_shape)
        for i in np.ndindex(*in_shape):
            e = np.zeros(in_shape)
            e[i] = 1
            out[i] = (forward(e) * g).sum()
        return out
    return ref


SPECS += [
    OpSpec("_contrib_BilinearResize2D", [(2, 2, 4, 5)], lambda x: ref_bilinear(x, 7, 3),
           attrs=dict(height=7, width=3)),
    OpSpec("_contrib_BilinearResize2D", [(1, 2, 4, 5)], lambda x: ref_bilinear(x, 3, 8, False),
           attrs=dict(height=3, width=8, align_corners=False), id="noalign"),
    OpSpec("_contrib_BilinearResize2D", [(1, 2, 3, 4)], lambda x: ref_bilinear(x, 1, 6, False),
           attrs=dict(height=1, width=6, align_corners=False), id="size1"),
    OpSpec("_contrib_BilinearResize2D", [(1, 2, 4, 4), (1, 1, 6, 3)], lambda x, like: ref_bilinear(x, 6, 3),
           attrs=dict(mode="like"), wrt=(0,), id="like"),
    OpSpec("_contrib_BilinearResize2D", [(1, 1, 5, 4)], lambda x: ref_bilinear(x, 7, 4),
           attrs=dict(mode="odd_scale", scale_height=1.5, scale_width=1.0), id="odd-scale"),
    OpSpec("_backward_contrib_BilinearResize2D", [(1, 2, 3, 6)],
           _adjoint(lambda x: ref_bilinear(x, 3, 6, False), (1, 2, 4, 4)),
           attrs=dict(in_height=4, in_width=4, align_corners=False)),
    OpSpec("_contrib_AdaptiveAvgPooling2D", [(2, 2, 7, 5)], lambda x: ref_adaptive(x, 3, 2),
           attrs=dict(output_size=(3, 2))),
    OpSpec("_contrib_AdaptiveAvgPooling2D", [(1, 2, 3, 2)], lambda x: ref_adaptive(x, 4, 4),
           attrs=dict(output_size=4), id="up"),
    OpSpec("_backward_contrib_AdaptiveAvgPooling2D", [(1, 2, 3, 2)],
           _adjoint(lambda x: ref_adaptive(x, 3, 2), (1, 2, 5, 5)), attrs=dict(in_height=5, in_width=5)),
]


SPECS += [
    OpSpec("Pooling", gen=lambda rng: [np.moveaxis(_distinct((2, 2, 5, 6))(rng)[0], 1, -1)], id="max-nhwc",
           ref=lambda x: np.moveaxis(ref_pool(np.moveaxis(x, -1, 1), kernel=(3, 3), stride=(2, 1), pad=(1, 1)), 1, -1),
           call=lambda F, x: F.Pooling(x, kernel=(3, 3), stride=(2, 1), pad=(1, 1), layout="NHWC")),
    OpSpec("Pooling", [(2, 4, 4, 2)], domain=(0.5, 2), id="lp2-nhwc",
           ref=lambda x: np.moveaxis(ref_pool(np.moveaxis(x, -1, 1), kernel=(2, 2), pool_type="lp", p_value=2), 1, -1),
           call=lambda F, x: F.Pooling(x, kernel=(2, 2), pool_type="lp", p_value=2, layout="NHWC")),
]

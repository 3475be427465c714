"""Specs for Convolution, Deconvolution and their backward ops, against loop-based NumPy references."""
import itertools

import numpy as np

from ..spec import OpSpec


def ref_conv(x, w, b=None, *, kernel, stride=None, dilate=None, pad=None, num_group=1):
    """Direct convolution: one output position at a time (slow, obviously right)."""
    nd = len(kernel)
    stride, dilate, pad = stride or (1,) * nd, dilate or (1,) * nd, pad or (0,) * nd
    xp = np.pad(x, ((0, 0), (0, 0), *tuple((p, p) for p in pad)))
    n, c = x.shape[:2]
    f = w.shape[0]
    cg, fg = c // num_group, f // num_group
    out_sp = tuple((x.shape[2 + i] + 2 * pad[i] - dilate[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in range(nd))
    y = np.zeros((n, f, *out_sp))
    for o in itertools.product(*map(range, out_sp)):
        sl = tuple(slice(o[i] * stride[i], o[i] * stride[i] + dilate[i] * (kernel[i] - 1) + 1, dilate[i])
                   for i in range(nd))
        for g in range(num_group):
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg), *sl)]  # (N, Cg, *K)
            y[(slice(None), slice(g * fg, (g + 1) * fg), *o)] = np.tensordot(patch, w[g * fg:(g + 1) * fg],
                                                                            axes=(range(1, 2 + nd), range(1, 2 + nd)))
    if b is not None:
        y += b.reshape((1, -1) + (1,) * nd)
    return y


def ref_deconv(x, w, b=None, *, kernel, stride=None, dilate=None, pad=None, adj=None, num_group=1):
    """Transposed convolution by scattering each input position's contribution."""
    nd = len(kernel)
    stride, dilate, pad = stride or (1,) * nd, dilate or (1,) * nd, pad or (0,) * nd
    adj = adj or (0,) * nd
    n, c = x.shape[:2]
    fg = w.shape[1]
    cg = c // num_group
    full = tuple(stride[i] * (x.shape[2 + i] - 1) + dilate[i] * (kernel[i] - 1) + 1 + adj[i] for i in range(nd))
    y = np.zeros((n, fg * num_group, *full))
    for o in itertools.product(*map(range, x.shape[2:])):
        sl = tuple(slice(o[i] * stride[i], o[i] * stride[i] + dilate[i] * (kernel[i] - 1) + 1, dilate[i])
                   for i in range(nd))
        for g in range(num_group):
            contrib = np.tensordot(x[(slice(None), slice(g * cg, (g + 1) * cg), *o)], w[g * cg:(g + 1) * cg],
                                   axes=(1, 0))  # (N, Fg, *K)
            y[(slice(None), slice(g * fg, (g + 1) * fg), *sl)] += contrib
    crop = tuple(slice(pad[i], full[i] - pad[i]) for i in range(nd))
    y = y[(slice(None), slice(None), *crop)]
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * nd)
    return y


def ref_conv_weight_grad(x, g, *, weight_shape, **geo):
    """d<conv(x, w), g>/dw by finite linearity: conv is linear in w, so probe each weight basis vector."""
    out = np.zeros(weight_shape)
    for idx in np.ndindex(*weight_shape):
        e = np.zeros(weight_shape)
        e[idx] = 1
        out[idx] = (ref_conv(x, e, **geo) * g).sum()
    return out


def _conv(kernel, nf, **kw):
    attrs = dict(kernel=kernel, num_filter=nf, **kw)
    geo = {k: v for k, v in attrs.items() if k in ("kernel", "stride", "dilate", "pad", "num_group", "adj")}
    return attrs, geo


C2, G2 = _conv((3, 2), 4, stride=(2, 1), dilate=(1, 2), pad=(1, 1), num_group=2)
C1, G1 = _conv((3,), 3, stride=(2,), pad=(1,))
C3, G3 = _conv((2, 2, 2), 2, stride=(1, 2, 1), pad=(0, 1, 1))
D2, DG2 = _conv((3, 3), 4, stride=(2, 2), pad=(1, 1), adj=(1, 0), num_group=2)
D1, DG1 = _conv((3,), 2, stride=(3,), dilate=(2,))

_BW = dict(kernel=(3, 2), stride=(2, 1), dilate=(1, 2), pad=(1, 1), num_group=2)


SPECS = [
    OpSpec("Convolution", [(2, 4, 5, 4), (4, 2, 3, 2), (4,)], lambda x, w, b: ref_conv(x, w, b, **G2),
           call=lambda F, x, w, b: F.Convolution(x, w, b, **C2), id="2d-group-dilate"),
    OpSpec("Convolution", [(2, 2, 6), (3, 2, 3)], lambda x, w: ref_conv(x, w, **G1),
           call=lambda F, x, w: F.Convolution(x, w, no_bias=True, **C1), id="1d-nobias"),
    OpSpec("Convolution", [(1, 2, 3, 3, 3), (2, 2, 2, 2, 2), (2,)], lambda x, w, b: ref_conv(x, w, b, **G3),
           call=lambda F, x, w, b: F.Convolution(x, w, b, **C3), id="3d"),
    OpSpec("Deconvolution", [(2, 4, 3, 2), (4, 2, 3, 3), (4,)], lambda x, w, b: ref_deconv(x, w, b, **DG2),
           call=lambda F, x, w, b: F.Deconvolution(x, w, b, no_bias=False, **D2), id="2d-group-adj"),
    OpSpec("Deconvolution", [(2, 3, 3), (3, 2, 3)], lambda x, w: ref_deconv(x, w, **DG1),
           call=lambda F, x, w: F.Deconvolution(x, w, **D1), id="1d-dilate"),
    OpSpec("_backward_Convolution_data", [(2, 4, 3, 4), (4, 2, 3, 2)],
           lambda g, w: ref_deconv(g, w, **_BW),
           attrs=dict(data_shape=(2, 4, 5, 4), **_BW)),
    OpSpec("_backward_Convolution_weight", [(2, 4, 5, 4), (2, 4, 3, 4)],
           lambda x, g: ref_conv_weight_grad(x, g, weight_shape=(4, 2, 3, 2), **_BW),
           attrs=dict(weight_shape=(4, 2, 3, 2), **_BW)),
]


def ref_nearest(*xs, scale, mode="concat"):
    oh = xs[0].shape[2] * scale
    ups = [x.repeat(oh // x.shape[2], axis=2).repeat(oh // x.shape[2], axis=3) for x in xs]
    return sum(ups) if mode == "sum" else np.concatenate(ups, axis=1)


def _bilinear_up(x, w, scale):
    k = 2 * scale - scale % 2
    p = -(-(scale - 1) // 2)
    return ref_deconv(x, w, kernel=(k, k), stride=(scale, scale), pad=(p, p), num_group=x.shape[1])


SPECS += [
    OpSpec("UpSampling", [(2, 3, 2, 3)], lambda x: ref_nearest(x, scale=2),
           call=lambda F, x: F.UpSampling(x, scale=2, sample_type="nearest"), id="nearest"),
    OpSpec("UpSampling", [(1, 2, 2, 2), (1, 3, 4, 4)], lambda a, b: ref_nearest(a, b, scale=2),
           call=lambda F, a, b: F.UpSampling(a, b, scale=2, sample_type="nearest", num_args=2), id="nearest-concat"),
    OpSpec("UpSampling", [(1, 2, 1, 2), (1, 2, 3, 6)], lambda a, b: ref_nearest(a, b, scale=3, mode="sum"),
           call=lambda F, a, b: F.UpSampling(a, b, scale=3, sample_type="nearest", num_args=2,
                                             multi_input_mode="sum"), id="nearest-sum"),
    OpSpec("UpSampling", [(1, 2, 3, 2), (2, 1, 4, 4)], lambda x, w: _bilinear_up(x, w, 2),
           call=lambda F, x, w: F.UpSampling(x, w, scale=2, sample_type="bilinear", num_filter=2), id="bilinear"),
    OpSpec("_backward_UpSampling_nearest", [(2, 2, 4, 6)],
           lambda g: g.reshape(2, 2, 2, 2, 3, 2).sum(axis=(3, 5)), attrs={"scale": 2}),
]


def _last(a):
    return np.moveaxis(a, 1, -1)


def _first(a):
    return np.moveaxis(a, -1, 1)


SPECS += [
    OpSpec("Convolution", [(2, 5, 4, 4), (4, 3, 2, 2), (4,)],
           lambda x, w, b: _last(ref_conv(_first(x), _first(w), b, **G2 | {"kernel": (3, 2)})),
           call=lambda F, x, w, b: F.Convolution(x, w, b, layout="NHWC", **C2), id="nhwc"),
    OpSpec("Deconvolution", [(2, 3, 3), (3, 3, 2)], lambda x, w: _last(ref_deconv(_first(x), _first(w), **DG1)),
           call=lambda F, x, w: F.Deconvolution(x, w, layout="NWC", **D1), id="nwc"),
]


# wide layers (C/G * prod(kernel) >= 64) take the batch-last column layout
CW, GW = _conv((3, 3), 4, stride=(2, 1), dilate=(1, 2), pad=(1, 2), num_group=2)
DW, DGW = _conv((3, 3), 16, stride=(2, 2), pad=(1, 0), adj=(1, 0), num_group=2)
SPECS += [
    OpSpec("Convolution", [(2, 16, 5, 6), (4, 8, 3, 3), (4,)], lambda x, w, b: ref_conv(x, w, b, **GW),
           call=lambda F, x, w, b: F.Convolution(x, w, b, **CW), id="2d-wide"),
    OpSpec("Convolution", [(2, 8, 3, 3, 3), (3, 8, 2, 2, 2)], lambda x, w: ref_conv(x, w, kernel=(2, 2, 2)),
           call=lambda F, x, w: F.Convolution(x, w, kernel=(2, 2, 2), num_filter=3, no_bias=True), id="3d-wide"),
    OpSpec("Deconvolution", [(2, 4, 3, 2), (4, 8, 3, 3)], lambda x, w: ref_deconv(x, w, **DGW),
           call=lambda F, x, w: F.Deconvolution(x, w, **DW), id="2d-wide"),
]


def ref_im2col(x, *, kernel, stride=None, dilate=None, pad=None):
    """Columns by convolving with one-hot kernels: row c*K + k is x's channel c seen at kernel offset k."""
    c = x.shape[1]
    ksize = int(np.prod(kernel))
    rows = []
    for ch in range(c):
        for k in range(ksize):
            e = np.zeros((1, c, ksize))
            e[0, ch, k] = 1
            y = ref_conv(x, e.reshape((1, c, *kernel)), kernel=kernel, stride=stride, dilate=dilate, pad=pad)
            rows.append(y.reshape(x.shape[0], -1))
    return np.stack(rows, axis=1)


_IM = dict(kernel=(3, 2), stride=(2, 1), dilate=(1, 2), pad=(1, 1))
SPECS += [
    OpSpec("im2col", [(2, 3, 5, 4)], lambda x: ref_im2col(x, **_IM), attrs=_IM),
    OpSpec("im2col", [(2, 2, 7)], lambda x: ref_im2col(x, kernel=(3,), stride=(2,)),
           attrs=dict(kernel=(3,), stride=(2,)), id="1d"),
    OpSpec("col2im", [(2, 18, 12)], attrs=dict(output_size=(5, 4), **_IM), id="2d"),
]

"""Loss and output ops: SoftmaxOutput, the regression outputs, MakeLoss, smooth_l1, softmax_cross_entropy.

MXNet's output ops (SoftmaxOutput, *RegressionOutput, MakeLoss) define the gradient of a loss they do not
compute: their backward ignores the incoming head gradient and returns the loss gradient directly
(``softmax - one_hot(label)`` for SoftmaxOutput). ndgrad does exactly that. Their rules are still written
with ndgrad ops of the data (the softmax is recomputed, not reused from the output), so differentiating a
recorded backward pass gives the true second derivative of that loss. Labels get no gradient.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import to_device, to_host
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .registry import bind_public, defop
from .registry import fn as F


def _const(node, raw):
    """A host array as an NDArray outside the graph, on the node's context."""
    ctx = node.ctx
    return node.array_cls(to_device(raw, ctx.device_type, ctx.device_id), ctx)


# ---------------------------------------------------------------------------------------------- SoftmaxOutput
def _softmax_axis(data, multi_output, preserve_shape):
    if multi_output:
        return 1
    if preserve_shape:
        return data.ndim - 1
    return None  # flattened to (batch, -1)


def _softmax_output_raw(data, multi_output, preserve_shape):
    axis = _softmax_axis(data, multi_output, preserve_shape)
    x = data.reshape(data.shape[0], -1) if axis is None else data
    ax = 1 if axis is None else axis
    e = np.exp(x - np.max(x, axis=ax, keepdims=True))
    return (e / np.sum(e, axis=ax, keepdims=True)).reshape(data.shape)


def _softmax_output_labels(data, label, multi, preserve):
    """Labels arranged against the softmax view of ``data``: (labels, class axis, view shape)."""
    shape = data.shape
    if multi:
        return label.reshape((shape[0], *shape[2:])), 1, shape
    if preserve:
        return label.reshape(shape[:-1]), -1, shape
    # MXNet reads the first batch-size labels (its label shape for N-D data is (N, d1) but only N are used)
    return label.reshape(-1)[:shape[0]], -1, (shape[0], math.prod(shape[1:]))


def _softmax_output_target(data, label, at):
    """The constant part of SoftmaxOutput's gradient: (target, scale) with grad = (p - target) * scale."""
    multi = at["multi_output"]
    lab, cax, view = _softmax_output_labels(data, label, multi, at["preserve_shape"])
    classes = view[cax]
    cshape = [1] * len(view)
    cshape[cax] = classes
    onehot = np.arange(classes).reshape(cshape) == np.expand_dims(lab.astype(np.int64), cax)
    alpha = at["smooth_alpha"]
    target = np.where(onehot, 1.0 - alpha, alpha / (classes - 1)) if alpha else onehot
    keep = (lab != at["ignore_label"]) if at["use_ignore"] else np.ones(lab.shape, bool)
    norm = at["normalization"]
    if norm == "valid":
        denom = max(float(np.count_nonzero(keep)), 1.0)
    elif norm == "batch":
        denom = float(lab.size)
    else:  # 'null': MXNet still averages over the spatial positions with multi_output
        denom = float(np.prod(data.shape[2:])) if multi else 1.0
    scale = np.broadcast_to(np.expand_dims(keep, cax) * (at["grad_scale"] / denom), view)
    dt = data.dtype
    return target.astype(dt).reshape(data.shape), scale.astype(dt).reshape(data.shape)


def _softmax_output_vjp(n, g):
    data, label = n.inputs
    at = n.attrs
    target, scale = _softmax_output_target(to_host(data._data), to_host(label._data), at)
    axis = _softmax_axis(data, at["multi_output"], at["preserve_shape"])
    if axis is None:
        p = F.reshape(F.softmax(F.reshape(data, shape=(data.shape[0], -1)), axis=1), shape=data.shape)
    else:
        p = F.softmax(data, axis=axis)
    dx = (p - _const(n, target)) * _const(n, scale)
    if at["out_grad"] and g is not None:
        dx = dx * g
    return dx, None


@defop(vjp=_softmax_output_vjp, aliases=("Softmax",))
def SoftmaxOutput(data, label, *, grad_scale=1.0, ignore_label=-1.0, multi_output=False, use_ignore=False,
                  preserve_shape=False, normalization="null", out_grad=False, smooth_alpha=0.0):
    """Computes the softmax of ``data`` in the forward pass; its backward pass gives the gradient of the
    cross-entropy loss with respect to ``data``, ``(softmax(data) - one_hot(label)) * grad_scale`` divided
    per ``normalization``, ignoring the head gradient (unless ``out_grad``).

    The softmax is over the flattened non-batch axes, over axis 1 with ``multi_output`` (``label`` then
    has shape ``(batch, d1, d2, ...)``), or over the last axis with ``preserve_shape``. With ``use_ignore``
    samples whose label equals ``ignore_label`` get no gradient.
    """
    if normalization not in ("null", "batch", "valid"):
        raise MXNetError(f"SoftmaxOutput: normalization must be 'null', 'batch' or 'valid', got {normalization!r}")
    if data.ndim < 1:
        raise MXNetError("SoftmaxOutput: data must have at least 1 dimension")
    if multi_output:
        want = (data.shape[0], *data.shape[2:])
    elif preserve_shape:
        want = data.shape[:-1]
    else:
        want = data.shape[:1]
    sizes = {math.prod(want)}
    if not (multi_output or preserve_shape) and data.ndim > 2:
        sizes.add(data.shape[0] * data.shape[1])  # MXNet's own label shape (N, d1) for N-D data
    if label.size not in sizes:
        raise MXNetError(f"SoftmaxOutput: label has shape {label.shape}, expected {want} for data of shape "
                         f"{data.shape} (multi_output={multi_output}, preserve_shape={preserve_shape})")
    return _softmax_output_raw(data, multi_output, preserve_shape)


# ---------------------------------------------------------------------------------------------- regression outputs
def label_as(data, label, name, what="label"):
    """``label`` reshaped to ``data``'s shape (raw arrays or NDArrays); a clear error when their sizes
    differ. Shared by the regression output ops and Gluon's losses."""
    if label.shape == data.shape:
        return label
    if label.size != data.size:
        raise MXNetError(f"{name}: {what} of shape {label.shape} ({label.size} elements) cannot be reshaped to "
                         f"the prediction's shape {data.shape} ({data.size} elements)")
    return label.reshape(data.shape)


def _regression_scale(n):
    data = n.inputs[0]
    per_sample = data.size // data.shape[0] if data.ndim and data.shape[0] else 1
    return n.attrs["grad_scale"] / per_sample


def _regression_vjp(kind):
    def vjp(n, g):
        data, label = n.inputs
        lab = label if label.shape == data.shape else F.reshape(label, shape=data.shape)
        if kind == "linear":
            diff = data - lab
        elif kind == "logistic":
            diff = F.sigmoid(data) - lab
        else:
            diff = F.sign(data - lab)
        return diff * _regression_scale(n), None
    return vjp


@defop(vjp=_regression_vjp("linear"))
def LinearRegressionOutput(data, label, *, grad_scale=1.0):
    """Identity in the forward pass; the backward pass gives the gradient of the squared loss,
    ``(data - label) * grad_scale / m`` (``m``: outputs per sample), ignoring the head gradient."""
    label_as(data, label, "LinearRegressionOutput")
    return data.copy()


@defop(vjp=_regression_vjp("logistic"))
def LogisticRegressionOutput(data, label, *, grad_scale=1.0):
    """Applies the logistic function in the forward pass; the backward pass gives the gradient of the
    log-loss, ``(sigmoid(data) - label) * grad_scale / m``, ignoring the head gradient."""
    label_as(data, label, "LogisticRegressionOutput")
    return 1 / (1 + np.exp(-data))


@defop(vjp=_regression_vjp("mae"))
def MAERegressionOutput(data, label, *, grad_scale=1.0):
    """Identity in the forward pass; the backward pass gives the gradient of the absolute loss,
    ``sign(data - label) * grad_scale / m``, ignoring the head gradient."""
    label_as(data, label, "MAERegressionOutput")
    return data.copy()


# ---------------------------------------------------------------------------------------------- SVMOutput
def _svm_vjp(n, g):
    data, label = n.inputs
    at = n.attrs
    x = F.reshape(data, shape=(data.shape[0], -1))
    lab = to_host(label._data).reshape(-1).astype(np.int64)
    onehot = np.zeros(x.shape, np.dtype(data.dtype))
    onehot[np.arange(x.shape[0]), lab] = 1
    oh, other = _const(n, onehot), _const(n, 1 - onehot)
    margin, reg = at["margin"], at["regularization_coefficient"]
    if at["use_linear"]:
        dx = (other * ((x + margin) > 0) - oh * ((margin - x) > 0)) * reg
    else:
        dx = (other * F.relu(x + margin) - oh * F.relu(margin - x)) * (2 * reg)
    return F.reshape(dx, shape=data.shape), None


@defop(vjp=_svm_vjp)
def SVMOutput(data, label, *, margin=1.0, regularization_coefficient=1.0, use_linear=False):
    """Identity in the forward pass; the backward pass gives the gradient of the multi-class hinge loss
    (squared hinge by default, the plain hinge with ``use_linear``) for scores ``data`` of shape
    ``(batch, classes)`` and ``label`` ``(batch,)``, scaled by ``regularization_coefficient``, ignoring the
    head gradient."""
    if label.size != data.shape[0]:
        raise MXNetError(f"SVMOutput: label has shape {label.shape}, expected ({data.shape[0]},) for data of "
                         f"shape {data.shape}")
    return data.copy()


# ---------------------------------------------------------------------------------------------- MakeLoss
def _make_loss_vjp(n, g):
    data = n.inputs[0]
    at = n.attrs
    norm = at["normalization"]
    scale = at["grad_scale"]
    if norm == "batch":
        scale = scale / data.shape[0]
    elif norm == "valid":
        valid = float(np.sum(to_host(data._data) > at["valid_thresh"]))
        scale = scale / max(valid, 1.0)
    return F.ones_like(data) * scale


@defop(vjp=_make_loss_vjp, aliases=("make_loss",))
def MakeLoss(data, *, grad_scale=1.0, valid_thresh=0.0, normalization="null"):
    """Marks ``data`` as a loss: identity in the forward pass; the backward pass ignores the head gradient
    and gives ``grad_scale`` for every element, divided by the batch size (``normalization='batch'``) or by
    the number of elements above ``valid_thresh`` (``'valid'``)."""
    if normalization not in ("null", "batch", "valid"):
        raise MXNetError(f"MakeLoss: normalization must be 'null', 'batch' or 'valid', got {normalization!r}")
    return data.copy()


# ---------------------------------------------------------------------------------------------- smooth_l1
def _smooth_l1_vjp(n, g):
    x = n.inputs[0]
    s2 = float(n.attrs["scalar"]) ** 2
    inner = F.abs(x) < 1.0 / s2
    return g * (inner * (x * s2) + (1 - inner) * F.sign(x))


@defop(vjp=_smooth_l1_vjp)
def smooth_l1(data, *, scalar=1.0):
    """Smooth L1 loss, element-wise: ``0.5 * (scalar * x) ** 2`` where ``|x| < 1 / scalar ** 2``, else
    ``|x| - 0.5 / scalar ** 2``."""
    s2 = data.dtype.type(float(scalar) ** 2)
    ax = np.abs(data)
    return np.where(ax < 1 / s2, 0.5 * s2 * np.square(data), ax - 0.5 / s2).astype(data.dtype, copy=False)


# ---------------------------------------------------------------------------------------------- softmax_cross_entropy
def _onehot_of(n, data, label):
    lab = to_host(label._data).reshape(-1).astype(np.int64)
    oh = np.zeros(data.shape, data.dtype)
    oh[np.arange(data.shape[0]), lab] = 1
    return _const(n, oh)


def _sce_vjp(n, g):
    data, label = n.inputs
    return (F.softmax(data, axis=-1) - _onehot_of(n, data, label)) * g, None


@defop(vjp=_sce_vjp)
def softmax_cross_entropy(data, label):
    """Computes the softmax cross-entropy loss summed over the batch: ``-sum(log(softmax(data))[i, label[i]])``
    for 2-D ``data`` of shape ``(batch, classes)`` and ``label`` of shape ``(batch,)``; returns shape (1,)."""
    if data.ndim != 2 or label.shape != (data.shape[0],):
        raise MXNetError(f"softmax_cross_entropy: expected data (batch, classes) and label (batch,), got "
                         f"data {data.shape} and label {label.shape}")
    shifted = data - np.max(data, axis=1, keepdims=True)
    logp = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    lab = to_host(label).astype(np.int64)
    if lab.min(initial=0) < 0 or lab.max(initial=0) >= data.shape[1]:
        raise MXNetError(f"softmax_cross_entropy: label values must lie in [0, {data.shape[1]})")
    flat = logp.reshape(-1)[to_device(np.arange(data.shape[0]) * data.shape[1] + lab, *_where(data))]
    return (-np.sum(flat)).reshape(1).astype(data.dtype, copy=False)


def _where(a):
    """(device_type, device_id) of a raw array."""
    if isinstance(a, np.ndarray):
        return "cpu", 0
    return "gpu", a.device.id


# ---------------------------------------------------------------------------------------------- CTCLoss
_NEG = -1e30  # log(0) stand-in: finite, so that gradients through the recursion stay finite


def _ctc_lengths(lab, given, use, pad):
    if use:
        if given is None:
            raise MXNetError("CTCLoss: use_label_lengths=True needs the label_lengths input")
        return np.asarray(to_host(given._data)).astype(np.int64).reshape(-1)
    is_pad = lab == pad
    return np.where(is_pad.any(axis=1), is_pad.argmax(axis=1), lab.shape[1])


def _logaddexp(*xs):
    m = xs[0]
    for x in xs[1:]:
        m = F.maximum(m, x)
    m = F.stop_gradient(m)  # the value does not depend on the shift
    total = F.exp(xs[0] - m)
    for x in xs[1:]:
        total = total + F.exp(x - m)
    return m + F.log(total)


def CTCLoss(data, label, data_lengths=None, label_lengths=None, use_data_lengths=False, use_label_lengths=False,
            blank_label="first", out=None, name=None):
    """Connectionist Temporal Classification loss: ``-log p(label | data)`` per sequence.

    ``data`` holds unnormalised scores of shape ``(seq_len, batch, alphabet_size)`` (a softmax is applied
    inside); ``label`` is ``(batch, label_len)``, padded with 0 when ``blank_label='first'`` (channel 0 is
    the blank, labels are 1..) or with -1 when ``blank_label='last'`` (the last channel is the blank).
    ``data_lengths``/``label_lengths`` give per-sequence lengths when ``use_*_lengths``. Returns shape
    ``(batch,)``; an impossible alignment gives ``inf``. Computed with recorded ndgrad ops (the alpha
    recursion in log space), so gradients of any order flow through it.
    """
    if blank_label not in ("first", "last"):
        raise MXNetError(f"CTCLoss: blank_label must be 'first' or 'last', got {blank_label!r}")
    if data.ndim != 3:
        raise MXNetError(f"CTCLoss: data must have shape (seq_len, batch, alphabet_size), got {data.shape}")
    steps, batch, classes = data.shape
    lab = np.asarray(to_host(label._data)).astype(np.int64)
    if lab.ndim == 1:
        lab = lab.reshape(batch, -1)
    if lab.shape[0] != batch:
        raise MXNetError(f"CTCLoss: label has shape {label.shape}, expected (batch={batch}, label_len)")
    blank, pad = (0, 0) if blank_label == "first" else (classes - 1, -1)
    lens = _ctc_lengths(lab, label_lengths, use_label_lengths, pad)
    if use_data_lengths:
        if data_lengths is None:
            raise MXNetError("CTCLoss: use_data_lengths=True needs the data_lengths input")
        tlen = np.asarray(to_host(data_lengths._data)).astype(np.int64).reshape(-1)
    else:
        tlen = np.full(batch, steps)
    width = 2 * int(lens.max(initial=0)) + 1
    ext = np.full((batch, width), blank, np.int64)
    for n in range(batch):
        ext[n, 1:2 * lens[n]:2] = lab[n, :lens[n]]
    prev2 = np.concatenate([np.full((batch, 2), -1), ext[:, :-2]], axis=1)
    skip = (ext != blank) & (ext != prev2) & (np.arange(width) >= 2)
    valid = np.arange(width)[None, :] < (2 * lens + 1)[:, None]
    ctx, dt = data.context, data.dtype

    def const(raw):
        return NDArray(to_device(np.ascontiguousarray(raw).astype(dt), ctx.device_type, ctx.device_id), ctx)

    neg = const(np.full((batch, width), _NEG))
    logp = F.log_softmax(data, axis=-1)
    index = const((np.arange(batch)[:, None] * classes + ext).reshape(-1))
    lp = F.reshape(F.take(F.reshape(logp, shape=(steps, batch * classes)), index, axis=1),
                   shape=(steps, batch, width))
    start = const(valid & (np.arange(width) < 2))
    alpha = F.where(start, lp[0], neg)
    skip_c, valid_c = const(skip), const(valid)
    for t in range(1, steps):
        a1 = F.concat(neg[:, :1], F.slice_axis(alpha, axis=1, begin=0, end=width - 1), dim=1)
        if width > 2:
            a2 = F.where(skip_c, F.concat(neg[:, :2], F.slice_axis(alpha, axis=1, begin=0, end=width - 2), dim=1),
                         neg)
            new = _logaddexp(alpha, a1, a2) + lp[t]
        else:
            new = _logaddexp(alpha, a1) + lp[t]
        new = F.where(valid_c, new, neg)
        if use_data_lengths:
            new = F.where(const(np.broadcast_to((t < tlen)[:, None], (batch, width))), new, alpha)
        alpha = new
    last = F.pick(alpha, const(2 * lens), axis=1)
    before = F.where(const(lens > 0), F.pick(alpha, const(np.maximum(2 * lens - 1, 0)), axis=1),
                     neg[:, 0])
    loss = -_logaddexp(last, before)
    # an impossible alignment: MXNet reports inf
    return F.where(const(loss.asnumpy() > -_NEG / 2), const(np.full(batch, np.inf)), loss)


bind_public("CTCLoss", CTCLoss)
for _alias in ("ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss"):
    bind_public(_alias, CTCLoss)

"""Neural-network ops: FullyConnected, activations, softmax family, Dropout and the normalisation layers.

Every gradient rule is written with ndgrad ops, so gradients of any order work. Ops with batch statistics
keep them as hidden outputs (``num_visible``) that their own gradient rule handles, so differentiating a
recorded backward pass through those statistics is exact too.
"""
from __future__ import annotations

import math

import numpy as np

from .. import autograd
from ..backend import on_device_of, to_host, xp_of
from ..base import MXNetError, np_dtype
from .binary import _check_dtypes
from .registry import defop
from .registry import fn as F


def _const(node, raw):
    """A raw array as an NDArray outside the graph (labels, masks, constants of a rule)."""
    return node.array_cls(raw, node.ctx)


def _axis(name: str, axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise MXNetError(f"{name}: axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def _bshape(ndim: int, axis: int, size: int) -> tuple:
    """Shape that broadcasts a per-channel vector along ``axis``."""
    return tuple(size if i == axis else 1 for i in range(ndim))


# ---------------------------------------------------------------------------------------------- FullyConnected
def _fc_vjp(node, g):
    x, w, b = node.inputs
    flat = node.attrs["flatten"]
    hidden = w.shape[0]
    g2 = g if g.ndim == 2 else F.reshape(g, shape=(-1, hidden))
    if x.ndim == 2:
        x2 = x
    else:
        x2 = F.reshape(x, shape=(x.shape[0], -1) if flat else (-1, x.shape[-1]))
    dx = dw = db = None
    if node.needs_grad(0):
        dx = F.dot(g2, w)
        if x.ndim != 2:
            dx = F.reshape(dx, shape=x.shape)
    if node.needs_grad(1):
        dw = F.dot(g2, x2, transpose_a=True)
    if b is not None and node.needs_grad(2):
        db = F.sum(g2, axis=0)
    return dx, dw, db


@defop(vjp=_fc_vjp)
def FullyConnected(data, weight, bias=None, *, num_hidden=None, no_bias=False, flatten=True):
    """Applies a linear transformation: :math:`Y = XW^T + b`.

    ``data`` is flattened to ``(batch, -1)`` when ``flatten`` (default); otherwise the transformation acts
    on its last axis. ``weight`` has shape ``(num_hidden, input_dim)`` and ``bias`` ``(num_hidden,)``.
    """
    if num_hidden is None:
        raise MXNetError("FullyConnected: Required parameter num_hidden of int is not presented")
    if data.ndim < 2 and flatten:
        raise MXNetError(f"FullyConnected: data must have at least 2 dimensions, got shape {data.shape}")
    x = data.reshape(data.shape[0], -1) if flatten and data.ndim != 2 else data
    in_units = x.shape[-1]
    if weight.shape != (num_hidden, in_units):
        raise MXNetError(f"FullyConnected: Shape inconsistent, weight has shape {weight.shape}, expected "
                         f"{(num_hidden, in_units)} for data of shape {data.shape} (flatten={flatten})")
    if weight.dtype != data.dtype:
        raise MXNetError(f"FullyConnected: weight dtype {weight.dtype} differs from data dtype {data.dtype}")
    out = np.matmul(x, weight.T)
    if not no_bias:
        if bias is None:
            raise MXNetError("FullyConnected: bias is required when no_bias=False")
        if bias.shape not in ((num_hidden,), (1, num_hidden)):
            raise MXNetError(f"FullyConnected: Shape inconsistent, bias has shape {bias.shape}, "
                             f"expected {(num_hidden,)}")
        out += bias.reshape(num_hidden)
    return out


# ---------------------------------------------------------------------------------------------- activations
def _softsign_grad(x):
    return 1 / F.square(F.abs(x) + 1)


_ACT = {
    # act_type: (forward, rule(node, g) -> dx)
    # fmax: NaN gives 0, as MXNet's Activation (its standalone relu op keeps NaN); also faster than maximum
    "relu": (lambda x: np.fmax(x, 0), lambda n, g: F._backward_relu(g, n.inputs[0])),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda n, g: F._backward_sigmoid(g, n.output())),
    "tanh": (np.tanh, lambda n, g: F._backward_tanh(g, n.output())),
    "softrelu": (lambda x: np.logaddexp(0, x).astype(x.dtype, copy=False), lambda n, g: g * F.sigmoid(n.inputs[0])),
    "softsign": (lambda x: x / (1 + np.abs(x)), lambda n, g: g * _softsign_grad(n.inputs[0])),
}


@defop(vjp=lambda n, g: _ACT[n.attrs["act_type"]][1](n, g), save_outputs=True)
def Activation(data, *, act_type=None):
    """Applies an activation function element-wise: ``relu``, ``sigmoid``, ``tanh``, ``softrelu`` or
    ``softsign``."""
    if act_type not in _ACT:
        raise MXNetError(f"Activation: act_type must be one of {sorted(_ACT)}, got {act_type!r}")
    with np.errstate(over="ignore"):
        return _ACT[act_type][0](data)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_LAMBDA = 1.0507009873554804934193349852946
_erf_host = np.vectorize(math.erf, otypes=[np.float64])  # NumPy has no erf; exact to double precision
_NR_ERFC = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
            -0.82215223, 0.17087277)


def _erfc_abs(z):
    """erfc(|z|) by a Chebyshev fit (Numerical Recipes' erfcc): relative error below 1.2e-7 everywhere."""
    z = np.abs(z)
    t = 1 / (1 + 0.5 * z)
    poly = _NR_ERFC[-1]
    for c in _NR_ERFC[-2:0:-1]:
        poly = c + t * poly
    return t * np.exp(-z * z + _NR_ERFC[0] + t * poly)


def _normal_cdf(x):
    """Phi(x) = (1 + erf(x / sqrt(2))) / 2: exact for float64; float32/16 use the erfc fit (relative error
    ~1e-7 in both tails, 6x faster than the exact per-element erf), computed in float64."""
    if x.dtype == np.float64:
        erf = on_device_of(_erf_host(to_host(x) / math.sqrt(2)), x)
        return 0.5 * (1 + erf)
    x64 = x.astype(np.float64)
    half_tail = 0.5 * _erfc_abs(x64 / math.sqrt(2))
    return np.where(x64 < 0, half_tail, 1 - half_tail)


def _gelu(x):
    return (x * _normal_cdf(x)).astype(x.dtype, copy=False)


def _gauss_pdf(x):
    return F.exp(F.square(x) * -0.5) * (1 / math.sqrt(2 * math.pi))


def _gelu_backward_vjp(n, h):
    g, x = n.inputs
    # d/dx [g * (Phi(x) + x phi(x))] = g * phi(x) * (2 - x^2)
    return F._backward_gelu(h, x), h * g * _gauss_pdf(x) * (2 - F.square(x))


@defop(vjp=_gelu_backward_vjp)
def _backward_gelu(grad, data):
    """Gradient of GELU: ``grad * (Phi(x) + x phi(x))`` with the standard normal cdf Phi and pdf phi."""
    cdf = _normal_cdf(data)
    pdf = np.exp(-0.5 * np.square(data)) / math.sqrt(2 * math.pi)
    return (grad * (cdf + data * pdf)).astype(grad.dtype, copy=False)


def _channel_vector(n, gamma, x):
    """PReLU's gamma broadcast along axis 1 (a single value broadcasts everywhere)."""
    if gamma.size == 1 or x.ndim < 2:
        return F.reshape(gamma, shape=(1,) * x.ndim) if gamma.ndim != x.ndim else gamma
    return F.reshape(gamma, shape=_bshape(x.ndim, 1, gamma.size))


def _leaky_vjp(n, g, *rest):
    x, gamma = n.inputs
    act, slope = n.attrs["act_type"], n.attrs["slope"]
    if g is None:
        return None, None
    pos = x > 0
    neg = 1 - pos
    if act == "leaky":
        return g * (pos + neg * slope), None
    if act == "prelu":
        gb = _channel_vector(n, gamma, x)
        dx = g * (pos + neg * gb)
        dgamma = g * x * neg
        if gamma.size == 1:
            dgamma = F.reshape(F.sum(dgamma), shape=gamma.shape)
        elif x.ndim >= 2:
            dgamma = F.reshape(F.sum(dgamma, axis=1, exclude=True), shape=gamma.shape)
        return dx, dgamma
    if act == "elu":
        return g * (pos + neg * (F.exp(F.minimum(x, 0.0)) * slope)), None
    if act == "selu":
        return g * (pos + neg * (F.exp(F.minimum(x, 0.0)) * _SELU_ALPHA)) * _SELU_LAMBDA, None
    if act == "gelu":
        return F._backward_gelu(g, x), None
    # rrelu: the slope drawn (training) or its mean (inference) is the hidden second output
    return g * (pos + neg * _const(n, n.outputs[1])), None


def _leaky_visible(attrs):
    return 2 if attrs["act_type"] == "rrelu" else 1


@defop(vjp=_leaky_vjp, num_outputs=2, num_visible=_leaky_visible, save_outputs=True)
def LeakyReLU(data, gamma=None, *, act_type="leaky", slope=0.25, lower_bound=0.125, upper_bound=0.334):
    """Applies a leaky rectified linear unit: ``leaky``, ``prelu`` (learned ``gamma``), ``elu``, ``selu``,
    ``gelu`` or ``rrelu`` (random slope in ``[lower_bound, upper_bound)`` in training, their mean in
    inference; the slopes are returned as a second output, as MXNet does)."""
    x = data
    none = np.zeros(0, x.dtype)
    if act_type == "leaky":
        return np.where(x > 0, x, x * x.dtype.type(slope)), none
    if act_type == "prelu":
        if gamma is None:
            raise MXNetError("LeakyReLU: act_type='prelu' needs the gamma input")
        if gamma.size == 1 or x.ndim < 2:
            gb = gamma.reshape((1,) * x.ndim) if gamma.size == 1 else gamma
        else:
            if gamma.size != x.shape[1]:
                raise MXNetError(f"LeakyReLU: prelu gamma has {gamma.size} elements but data has "
                                 f"{x.shape[1]} channels (shape {x.shape})")
            gb = gamma.reshape(_bshape(x.ndim, 1, gamma.size))
        return np.where(x > 0, x, x * gb).astype(x.dtype, copy=False), none
    if act_type == "elu":
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0)) * x.dtype.type(slope)), none
    if act_type == "selu":
        neg = np.expm1(np.minimum(x, 0)) * x.dtype.type(_SELU_ALPHA)
        return np.where(x > 0, x, neg) * x.dtype.type(_SELU_LAMBDA), none
    if act_type == "gelu":
        return _gelu(x), none
    if act_type == "rrelu":
        if autograd.is_training():
            from ..ndarray import random as _random
            u = on_device_of(_random._unit_float32(x.size).reshape(x.shape).astype(x.dtype, copy=False), x)
            slopes = lower_bound + (upper_bound - lower_bound) * u
        else:
            slopes = xp_of(x).full(x.shape, (lower_bound + upper_bound) / 2, x.dtype)
        slopes = np.where(x > 0, x.dtype.type(1), slopes).astype(x.dtype, copy=False)
        return x * slopes, slopes
    raise MXNetError(f"LeakyReLU: unknown act_type {act_type!r}; expected one of "
                     "'elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu'")


# ---------------------------------------------------------------------------------------------- softmax family
def _softmax_raw(x, axis, temperature):
    if temperature is not None and temperature != 1.0:
        x = x / x.dtype.type(temperature)
    e = np.exp(x - x.max(axis=axis, keepdims=True))  # array methods: np.max/np.sum add a microsecond each
    return e / e.sum(axis=axis, keepdims=True)


def _length_mask(data, length, axis):
    """1 where the position along ``axis`` is below ``length`` (shape of data minus axis)."""
    if length.dtype.kind not in "iu":
        raise MXNetError(f"softmax: This operation only support integer types, not {length.dtype} "
                         "(the length input must be integer)")
    pos = xp_of(data).arange(data.shape[axis]).reshape(_bshape(data.ndim, axis, data.shape[axis]))
    return pos < np.expand_dims(length, axis)


def _out_dtype(name, data, dtype):
    if dtype is None:
        return data.dtype
    dt = np_dtype(dtype)
    if dt.kind != "f":
        raise MXNetError(f"{name}: dtype must be None, 'float16', 'float32' or 'float64', got {dtype!r}")
    return dt


def _temper(n, dx):
    t = n.attrs["temperature"]
    dx = dx if t is None or t == 1.0 else dx / t
    dt = n.inputs[0].dtype
    return dx if dx.dtype == dt else F.cast(dx, dtype=dt)


def _softmax_vjp(n, g):
    dx = F._backward_softmax(g, n.output(), axis=n.attrs["axis"])
    return (_temper(n, dx),) + (None,) * (len(n.inputs) - 1)


def _backward_softmax_vjp(n, gg):
    g, y = n.inputs
    axis = n.attrs["axis"]
    s = F.sum(g * y, axis=axis, keepdims=True)
    t = F.sum(gg * y, axis=axis, keepdims=True)
    return y * (gg - t), gg * (g - s) - g * t


@defop(vjp=_backward_softmax_vjp)
def _backward_softmax(grad, output, *, axis=-1):
    """The gradient of softmax from its output ``y``: ``y * (grad - sum(grad * y, axis))``, one op on the
    backward path instead of four."""
    _check_dtypes("_backward_softmax", (grad, output))
    return output * (grad - (grad * output).sum(axis=axis, keepdims=True))


@defop(vjp=_softmax_vjp, save_outputs=True, fluent=True)
def softmax(data, length=None, *, axis=-1, temperature=None, dtype=None, use_length=False):
    """Applies the softmax function along ``axis``: ``exp(x / T) / sum(exp(x / T))``.

    With ``use_length``, only the first ``length`` entries along ``axis`` take part; the rest are 0.
    """
    ax = _axis("softmax", axis, data.ndim)
    x = data.astype(_out_dtype("softmax", data, dtype), copy=False)
    if not use_length:
        return _softmax_raw(x, ax, temperature)
    if length is None:
        raise MXNetError("softmax: use_length=True needs the length input")
    mask = _length_mask(x, length, ax)
    if temperature is not None and temperature != 1.0:
        x = x / x.dtype.type(temperature)
    with np.errstate(invalid="ignore"):
        e = np.where(mask, np.exp(x - np.max(np.where(mask, x, -np.inf), axis=ax, keepdims=True)), 0)
        out = e / np.sum(e, axis=ax, keepdims=True)
    return np.nan_to_num(out, nan=0.0).astype(x.dtype, copy=False)


def _lengthless_input(name, data, axis, dtype, use_length):
    """The axis and the input in the output dtype, for the softmax variants without a length input."""
    if use_length:
        raise MXNetError(f"{name}: use_length=True needs a length input, which {name} does not take")
    return _axis(name, axis, data.ndim), data.astype(_out_dtype(name, data, dtype), copy=False)


def _log_softmax_vjp(n, g):
    return _temper(n, F._backward_log_softmax(g, n.output(), axis=n.attrs["axis"]))


def _backward_log_softmax_vjp(n, gg):
    g, y = n.inputs
    axis = n.attrs["axis"]
    e = F.exp(y)
    return gg - F.sum(gg * e, axis=axis, keepdims=True), -(gg * e * F.sum(g, axis=axis, keepdims=True))


@defop(vjp=_backward_log_softmax_vjp)
def _backward_log_softmax(grad, output, *, axis=-1):
    """The gradient of log_softmax from its output ``y``: ``grad - exp(y) * sum(grad, axis)``, one op on
    the backward path instead of four."""
    _check_dtypes("_backward_log_softmax", (grad, output))
    return grad - np.exp(output) * grad.sum(axis=axis, keepdims=True)


@defop(vjp=_log_softmax_vjp, save_outputs=True, fluent=True)
def log_softmax(data, *, axis=-1, temperature=None, dtype=None, use_length=False):
    """Computes the log softmax of the input along ``axis``: ``x / T - log(sum(exp(x / T)))``."""
    ax, x = _lengthless_input("log_softmax", data, axis, dtype, use_length)
    if temperature is not None and temperature != 1.0:
        x = x / x.dtype.type(temperature)
    shifted = x - x.max(axis=ax, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=ax, keepdims=True))


def _softmin_vjp(n, g):
    y, axis = n.output(), n.attrs["axis"]
    return _temper(n, -(y * (g - F.sum(g * y, axis=axis, keepdims=True))))


@defop(vjp=_softmin_vjp, save_outputs=True, fluent=True)
def softmin(data, *, axis=-1, temperature=None, dtype=None, use_length=False):
    """Applies the softmin function along ``axis``: ``exp(-x / T) / sum(exp(-x / T))``."""
    ax, x = _lengthless_input("softmin", data, axis, dtype, use_length)
    return _softmax_raw(-x, ax, temperature)


def _softmax_activation_vjp(n, g):
    y = n.output()
    axis = 1 if n.attrs["mode"] == "channel" else -1
    return y * (g - F.sum(g * y, axis=axis, keepdims=True))


@defop(vjp=_softmax_activation_vjp, save_outputs=True)
def SoftmaxActivation(data, *, mode="instance"):
    """Applies softmax: over the last axis (``mode='instance'``) or over axis 1 (``mode='channel'``)."""
    if mode not in ("instance", "channel"):
        raise MXNetError(f"SoftmaxActivation: mode must be 'instance' or 'channel', got {mode!r}")
    if mode == "channel" and data.ndim < 2:
        raise MXNetError(f"SoftmaxActivation: mode='channel' needs at least 2 dimensions, got {data.shape}")
    return _softmax_raw(data, 1 if mode == "channel" else data.ndim - 1, None)


# ---------------------------------------------------------------------------------------------- Dropout
def _dropout_vjp(n, g, *rest):
    if g is None:
        return (None,)
    mask = n.outputs[1]
    if mask.size == 0:  # identity (not training)
        return (g,)
    return (g * _const(n, mask),)


@defop(vjp=_dropout_vjp, num_outputs=2, num_visible=lambda attrs: 1, save_outputs=True)
def Dropout(data, *, p=0.5, mode="training", axes=(), cudnn_off=False):
    """Applies dropout: in training (or with ``mode='always'``) each element is zeroed with probability
    ``p`` and the rest scaled by ``1 / (1 - p)``; otherwise the identity. ``axes`` share one draw along
    those axes."""
    if mode not in ("training", "always"):
        raise MXNetError(f"Dropout: mode must be 'training' or 'always', got {mode!r}")
    if not 0 <= p <= 1:
        raise MXNetError(f"Dropout: p must be in [0, 1], got {p}")
    active = mode == "always" or autograd.is_training()
    if not active or p == 0:
        return data.copy(), np.zeros(0, data.dtype)  # a new array, as MXNet's
    axes = (axes,) if isinstance(axes, int) else tuple(axes or ())
    mshape = tuple(1 if (i in axes or i - data.ndim in axes) else d for i, d in enumerate(data.shape))
    from ..ndarray import random as _random
    u = on_device_of(_random._unit_float32(math.prod(mshape)).reshape(mshape), data)
    keep = 1.0 - p
    scale = data.dtype.type(1.0 / keep) if keep > 0 else data.dtype.type(0)
    mask = (u < keep).astype(data.dtype) * scale
    return data * mask, mask


# ---------------------------------------------------------------------------------------------- normalisation
def _normalize_dx(g, x, mean, inv, axes, scale):
    """Gradient through ``(x - mean) * inv * scale`` where mean and inv are the statistics over ``axes`` and
    ``scale`` is constant along them (BatchNorm, InstanceNorm, GroupNorm); returns (dx, g * xhat)."""
    xhat = (x - mean) * inv
    gx = g * xhat
    k = inv if scale is None else inv * scale  # small: per channel or group
    return (g - F.mean(g, axis=axes, keepdims=True) - xhat * F.mean(gx, axis=axes, keepdims=True)) * k, gx


def _normalize_dx_varying(g, x, mean, inv, axes, scale):
    """As :func:`_normalize_dx` for a ``scale`` that varies along ``axes`` (LayerNorm); returns (dx, xhat)."""
    xhat = (x - mean) * inv
    dxh = g * scale
    return inv * (dxh - F.mean(dxh, axis=axes, keepdims=True)
                  - xhat * F.mean(dxh * xhat, axis=axes, keepdims=True)), xhat


def _count(shape, axes):
    return math.prod([shape[a] for a in axes]) if axes else 1


def _bn_vjp(n, g, g_mean=None, g_inv=None, *rest):
    x, gamma, _beta, mov_mean, mov_var = n.inputs
    at = n.attrs
    ax = _axis("BatchNorm", at["axis"], x.ndim)
    axes = tuple(i for i in range(x.ndim) if i != ax)
    bs = _bshape(x.ndim, ax, x.shape[ax])
    training = n.outputs[3].size != 0
    mean = F.reshape(n.output(1), shape=bs)
    inv = F.reshape(n.output(2), shape=bs)
    scale = None if at["fix_gamma"] else F.reshape(gamma, shape=bs)
    dx = dgamma = dbeta = None
    if g is not None:
        if training:
            dx, gx = _normalize_dx(g, x, mean, inv, axes, scale)
            _update_moving(n, mov_mean, mov_var)
        else:
            dx = g * inv if scale is None else g * (scale * inv)
            gx = None if at["fix_gamma"] else g * ((x - mean) * inv)
        dbeta = F.sum(g, axis=axes)
        dgamma = F.zeros_like(gamma) if at["fix_gamma"] else F.sum(gx, axis=axes)
    if training and (g_mean is not None or g_inv is not None):
        m = _count(x.shape, axes)
        extra = 0
        if g_mean is not None:
            extra = F.reshape(g_mean, shape=bs) / m
        if g_inv is not None:
            # d invstd / dx = -invstd^3 (x - mean) / m
            extra = extra - F.reshape(g_inv, shape=bs) * F.square(inv) * ((x - mean) * inv) / m
        dx = extra if dx is None else dx + extra
    return dx, dgamma, dbeta, None, None


def _update_moving(n, mov_mean, mov_var):
    """MXNet updates the moving statistics when the backward pass runs, with the biased batch variance."""
    mom = n.attrs["momentum"]
    mean, var = n.outputs[1], n.outputs[3]
    mm, mv = mov_mean._data, mov_var._data
    mm *= mom
    mm += ((1 - mom) * mean).astype(mm.dtype, copy=False)
    mv *= mom
    mv += ((1 - mom) * var).astype(mv.dtype, copy=False)


@defop(vjp=_bn_vjp, num_outputs=4, save_outputs=True,
       num_visible=lambda attrs: 3 if attrs["output_mean_var"] else 1)
def BatchNorm(data, gamma, beta, moving_mean, moving_var, *, eps=1e-3, momentum=0.9, fix_gamma=True,
              use_global_stats=False, output_mean_var=False, axis=1, cudnn_off=False, min_calib_range=None,
              max_calib_range=None):
    """Batch normalization: normalizes ``data`` per channel (``axis``) with batch statistics in training and
    the moving statistics otherwise, then scales by ``gamma`` (1 when ``fix_gamma``) and shifts by ``beta``.

    As in MXNet, ``moving_mean`` and ``moving_var`` are updated in place (``moving = moving * momentum +
    batch * (1 - momentum)``, biased batch variance) when the backward pass of a training-mode call runs.
    With ``output_mean_var`` the batch mean and inverse standard deviation are returned too.
    """
    ax = _axis("BatchNorm", axis, data.ndim)
    c = data.shape[ax]
    for nm, arr in (("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean), ("moving_var", moving_var)):
        if arr.shape != (c,):
            raise MXNetError(f"BatchNorm: {nm} has shape {arr.shape}, expected ({c},) for data of shape "
                             f"{data.shape} and axis={axis}")
    bs = _bshape(data.ndim, ax, c)
    dt = data.dtype
    if autograd.is_training() and not use_global_stats:
        axes = tuple(i for i in range(data.ndim) if i != ax)
        mean = np.mean(data, axis=axes, dtype=dt)
        xc = data - mean.reshape(bs)
        var = np.mean(np.square(xc), axis=axes, dtype=dt)
        inv = (1 / np.sqrt(var + eps)).astype(dt, copy=False)
        hidden = var
    else:
        mean = moving_mean.astype(dt, copy=True)
        inv = (1 / np.sqrt(moving_var + eps)).astype(dt, copy=False)
        xc = data - mean.reshape(bs)
        hidden = np.zeros(0, dt)
    scale = inv if fix_gamma else inv * gamma.astype(dt, copy=False)
    out = xc * scale.reshape(bs) + beta.astype(dt, copy=False).reshape(bs)
    return out, mean, inv, hidden


def _layer_norm_vjp(n, g, g_mean=None, g_std=None):
    x, gamma, _beta = n.inputs
    ax = _axis("LayerNorm", n.attrs["axis"], x.ndim)
    bs = _bshape(x.ndim, ax, x.shape[ax])
    other = tuple(i for i in range(x.ndim) if i != ax)
    mean, std = n.output(1), n.output(2)
    inv = 1 / std
    dx = dgamma = dbeta = None
    if g is not None:
        dx, xhat = _normalize_dx_varying(g, x, mean, inv, (ax,), F.reshape(gamma, shape=bs))
        dgamma = F.sum(g * xhat, axis=other) if other else g * xhat
        dbeta = F.sum(g, axis=other) if other else g
    m = x.shape[ax]
    extra = None
    if g_mean is not None:
        extra = g_mean / m
    if g_std is not None:
        # d std / dx = (x - mean) / (m std)
        e2 = g_std * ((x - mean) * inv) / m
        extra = e2 if extra is None else extra + e2
    if extra is not None:
        dx = extra if dx is None else dx + extra
    return dx, dgamma, dbeta


@defop(vjp=_layer_norm_vjp, num_outputs=3, save_outputs=True,
       num_visible=lambda attrs: 3 if attrs["output_mean_var"] else 1)
def LayerNorm(data, gamma, beta, *, axis=-1, eps=1e-5, output_mean_var=False):
    """Layer normalization: normalizes over ``axis`` then scales by ``gamma`` and shifts by ``beta`` (both
    of that axis' length). With ``output_mean_var`` the mean and standard deviation (keepdims) are returned
    too."""
    ax = _axis("LayerNorm", axis, data.ndim)
    c = data.shape[ax]
    if gamma.shape != (c,) or beta.shape != (c,):
        raise MXNetError(f"LayerNorm: gamma and beta must have shape ({c},), got {gamma.shape} and "
                         f"{beta.shape} for data of shape {data.shape} and axis={axis}")
    dt = data.dtype
    mean = np.mean(data, axis=ax, keepdims=True, dtype=dt)
    xc = data - mean
    std = np.sqrt(np.mean(np.square(xc), axis=ax, keepdims=True, dtype=dt) + eps).astype(dt, copy=False)
    bs = _bshape(data.ndim, ax, c)
    out = xc / std * gamma.astype(dt, copy=False).reshape(bs) + beta.astype(dt, copy=False).reshape(bs)
    return out, mean, std


def _instance_norm_vjp(n, g, g_mean=None, g_inv=None):
    x, gamma, _beta = n.inputs
    bs = _bshape(x.ndim, 1, x.shape[1])
    axes = tuple(range(2, x.ndim))
    mean, inv = n.output(1), n.output(2)
    dx = dgamma = dbeta = None
    red = (0, *axes)
    if g is not None:
        dx, gx = _normalize_dx(g, x, mean, inv, axes, F.reshape(gamma, shape=bs))
        dgamma = F.sum(gx, axis=red)
        dbeta = F.sum(g, axis=red)
    m = _count(x.shape, axes)
    if g_mean is not None:
        dx = g_mean / m if dx is None else dx + g_mean / m
    if g_inv is not None:
        e2 = -(g_inv * F.square(inv) * ((x - mean) * inv)) / m
        dx = e2 if dx is None else dx + e2
    return dx, dgamma, dbeta


@defop(vjp=_instance_norm_vjp, num_outputs=3, save_outputs=True, num_visible=lambda attrs: 1)
def InstanceNorm(data, gamma, beta, *, eps=1e-3):
    """Instance normalization: normalizes each sample's channel over the spatial axes (2 onwards), then
    scales by ``gamma`` and shifts by ``beta`` (one value per channel)."""
    if data.ndim < 3:
        raise MXNetError(f"InstanceNorm: data must have at least 3 dimensions (N, C, ...), got {data.shape}")
    c = data.shape[1]
    if gamma.shape != (c,) or beta.shape != (c,):
        raise MXNetError(f"InstanceNorm: gamma and beta must have shape ({c},), got {gamma.shape} and "
                         f"{beta.shape}")
    dt = data.dtype
    axes = tuple(range(2, data.ndim))
    mean = np.mean(data, axis=axes, keepdims=True, dtype=dt)
    xc = data - mean
    inv = (1 / np.sqrt(np.mean(np.square(xc), axis=axes, keepdims=True, dtype=dt) + eps)).astype(dt, copy=False)
    bs = _bshape(data.ndim, 1, c)
    return xc * inv * gamma.astype(dt, copy=False).reshape(bs) + beta.astype(dt, copy=False).reshape(bs), mean, inv


def _group_norm_vjp(n, g, g_mean=None, g_std=None):
    x, gamma, _beta = n.inputs
    groups = n.attrs["num_groups"]
    nb = x.shape[0]
    gshape = (nb, groups, -1)
    xg = F.reshape(x, shape=gshape)
    mean = F.reshape(n.output(1), shape=(nb, groups, 1))
    inv = 1 / F.reshape(n.output(2), shape=(nb, groups, 1))
    dx = dgamma = dbeta = None
    if g is not None:
        gg = F.reshape(g, shape=gshape)
        dx, gx = _normalize_dx(gg, xg, mean, inv, (2,), F.reshape(gamma, shape=(1, groups, 1)))
        dgamma = F.sum(gx, axis=1, exclude=True)
        dbeta = F.sum(gg, axis=1, exclude=True)
    m = x.size // (nb * groups)
    extra = None
    if g_mean is not None:
        extra = F.broadcast_to(F.reshape(g_mean, shape=(nb, groups, 1)), shape=(nb, groups, m)) / m
    if g_std is not None:
        e2 = F.reshape(g_std, shape=(nb, groups, 1)) * ((xg - mean) * inv) / m
        extra = e2 if extra is None else extra + e2
    if extra is not None:
        dx = extra if dx is None else dx + extra
    return (None if dx is None else F.reshape(dx, shape=x.shape)), dgamma, dbeta


@defop(vjp=_group_norm_vjp, num_outputs=3, save_outputs=True,
       num_visible=lambda attrs: 3 if attrs["output_mean_var"] else 1)
def GroupNorm(data, gamma, beta, *, num_groups=1, eps=1e-5, output_mean_var=False):
    """Group normalization: splits the channels (axis 1) into ``num_groups`` groups, normalizes each group
    of each sample, then scales by ``gamma`` and shifts by ``beta`` (one value per group, shape
    ``(num_groups,)``, as in MXNet 1.9.1). With ``output_mean_var`` the per-group mean and standard
    deviation, shape ``(N, num_groups)``, are returned too."""
    if data.ndim < 2:
        raise MXNetError(f"GroupNorm: data must have at least 2 dimensions, got {data.shape}")
    nb, c = data.shape[:2]
    if num_groups < 1 or c % num_groups:
        raise MXNetError(f"GroupNorm: {c} channels cannot be split into num_groups={num_groups} groups")
    if gamma.shape != (num_groups,) or beta.shape != (num_groups,):
        raise MXNetError(f"GroupNorm: gamma and beta must have shape ({num_groups},) (one per group), got "
                         f"{gamma.shape} and {beta.shape}")
    dt = data.dtype
    xg = data.reshape(nb, num_groups, -1)
    mean = np.mean(xg, axis=2, keepdims=True, dtype=dt)
    xc = xg - mean
    std = np.sqrt(np.mean(np.square(xc), axis=2, keepdims=True, dtype=dt) + eps).astype(dt, copy=False)
    out = xc / std * gamma.astype(dt, copy=False).reshape(1, -1, 1) + beta.astype(dt, copy=False).reshape(1, -1, 1)
    return out.reshape(data.shape), mean.reshape(nb, num_groups), std.reshape(nb, num_groups)


def _l2_axes(mode, ndim):
    if mode == "instance":
        return tuple(range(1, ndim))
    if mode == "channel":
        return (1,)
    return tuple(range(2, ndim))


def _l2_vjp(n, g, g_norm=None):
    y, norm = n.output(0), n.output(1)
    axes = _l2_axes(n.attrs["mode"], y.ndim)
    dx = None
    if g is not None:
        dx = (g - y * F.sum(g * y, axis=axes, keepdims=True)) / norm
    if g_norm is not None:
        dx = g_norm * y if dx is None else dx + g_norm * y
    return (dx,)


@defop(vjp=_l2_vjp, num_outputs=2, save_outputs=True, num_visible=lambda attrs: 1)
def L2Normalization(data, *, eps=1e-10, mode="instance"):
    """Normalizes the input to unit L2 norm: over all but the first axis (``instance``), over axis 1
    (``channel``) or over axes 2 onwards (``spatial``): ``x / sqrt(sum(x ** 2) + eps)``."""
    if mode not in ("instance", "channel", "spatial"):
        raise MXNetError(f"L2Normalization: mode must be 'instance', 'channel' or 'spatial', got {mode!r}")
    if data.ndim < (3 if mode == "spatial" else 2):
        raise MXNetError(f"L2Normalization: data of shape {data.shape} is too small for mode={mode!r}")
    axes = _l2_axes(mode, data.ndim)
    norm = np.sqrt(np.sum(np.square(data), axis=axes, keepdims=True) + eps).astype(data.dtype, copy=False)
    return data / norm, norm


def _window_sum(x, nsize):
    """Sum over a window of ``nsize`` channels (axis 1) centred on each channel, clipped at the edges."""
    half = nsize // 2
    c = x.shape[1]
    cs = np.cumsum(x, axis=1)
    pad = [(0, 0)] * x.ndim
    pad[1] = (1, 0)
    cs = np.pad(cs, pad)
    idx = xp_of(x).arange(c)
    hi = np.minimum(idx + half + 1, c)
    lo = np.maximum(idx - half, 0)
    return np.take(cs, hi, axis=1) - np.take(cs, lo, axis=1)


# the centred window is symmetric, so the sum is its own adjoint
@defop(vjp=lambda n, g: F._LRN_window_sum(g, nsize=n.attrs["nsize"]))
def _LRN_window_sum(data, *, nsize=1):
    """Sums each channel's window of ``nsize`` neighbouring channels (axis 1); LRN's building block."""
    return _window_sum(data, nsize)


def _lrn_vjp(n, g):
    x = n.inputs[0]
    at = n.attrs
    c = at["alpha"] / at["nsize"]
    s = F._LRN_window_sum(F.square(x), nsize=at["nsize"]) * c + at["knorm"]
    sb = s ** -at["beta"]
    inner = F._LRN_window_sum(g * x * s ** (-at["beta"] - 1), nsize=at["nsize"])
    return g * sb - x * inner * (2 * at["beta"] * c)


@defop(vjp=_lrn_vjp)
def LRN(data, *, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None):
    """Local response normalization across channels:
    ``x / (knorm + alpha / nsize * sum of x ** 2 over nsize neighbouring channels) ** beta``."""
    if nsize is None:
        raise MXNetError("LRN: Required parameter nsize of int (non-negative) is not presented")
    if data.ndim != 4:
        raise MXNetError(f"LRN: data must have 4 dimensions (N, C, H, W), got {data.shape}")
    s = _window_sum(np.square(data), nsize) * (alpha / nsize) + knorm
    return (data * s ** -beta).astype(data.dtype, copy=False)

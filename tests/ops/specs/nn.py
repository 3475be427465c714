import math

import numpy as np

from ndgrad import autograd
from ndgrad import random as mxrandom
from ndgrad.ndarray import random as _rnd

from ..spec import OpSpec

_erf = np.vectorize(math.erf)


def _train(f):
    """Run ``f`` in training mode (batch statistics, dropout active) whether or not recording."""
    def call(F, *xs):
        with autograd.train_mode():
            return f(F, *xs)
    return call


def _predict(f):
    """Run ``f`` in inference mode even while recording."""
    def call(F, *xs):
        with autograd.predict_mode():
            return f(F, *xs)
    return call


def _seeded(f, seed=3):
    """Reseed before every call, so random ops draw the same mask for the numeric gradient; the global
    stream is restored afterwards (other tests expect a fresh process's stream)."""
    def call(F, *xs):
        saved = _rnd._bank
        mxrandom.seed(seed)
        try:
            return f(F, *xs)
        finally:
            _rnd._bank = saved
    return call


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _bn_train_ref(x, gamma, beta, eps=1e-3, fix_gamma=True, axis=1):
    axes = tuple(i for i in range(x.ndim) if i != axis)
    bs = [1] * x.ndim
    bs[axis] = -1
    mean = x.mean(axis=axes)
    var = x.var(axis=axes)
    g = np.ones_like(gamma) if fix_gamma else gamma
    out = (x - mean.reshape(bs)) / np.sqrt(var.reshape(bs) + eps) * g.reshape(bs) + beta.reshape(bs)
    return out, mean, 1 / np.sqrt(var + eps)


def _bn_infer_ref(x, gamma, beta, mm, mv, eps=1e-3):
    bs = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mm.reshape(bs)) / np.sqrt(mv.reshape(bs) + eps) * gamma.reshape(bs) + beta.reshape(bs)


def _ln_ref(x, gamma, beta, axis=-1, eps=1e-5):
    mean = x.mean(axis=axis, keepdims=True)
    std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    bs = [1] * x.ndim
    bs[axis] = -1
    return (x - mean) / std * gamma.reshape(bs) + beta.reshape(bs), mean, std


def _in_ref(x, gamma, beta, eps=1e-3):
    axes = tuple(range(2, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    bs = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mean) / np.sqrt(var + eps) * gamma.reshape(bs) + beta.reshape(bs)


def _gn_ref(x, gamma, beta, groups, eps=1e-5):
    xg = x.reshape(x.shape[0], groups, -1)
    mean = xg.mean(axis=2, keepdims=True)
    std = np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    out = ((xg - mean) / std * gamma.reshape(1, -1, 1) + beta.reshape(1, -1, 1)).reshape(x.shape)
    return out, mean[..., 0], std[..., 0]


def _lrn_ref(x, alpha=1e-4, beta=0.75, knorm=2.0, nsize=3):
    c = x.shape[1]
    s = np.zeros_like(x)
    for i in range(c):
        lo, hi = max(0, i - nsize // 2), min(c, i + nsize // 2 + 1)
        s[:, i] = (x[:, lo:hi] ** 2).sum(axis=1)
    return x / (knorm + alpha / nsize * s) ** beta


def _window_ref(x, nsize):
    c = x.shape[1]
    out = np.zeros_like(x)
    for i in range(c):
        out[:, i] = x[:, max(0, i - nsize // 2):min(c, i + nsize // 2 + 1)].sum(axis=1)
    return out


def _away_from_zero(shape, lo=0.2):
    return lambda rng: [rng.uniform(lo, 2, shape) * rng.choice([-1, 1], shape)]


def _gelu(x):
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _dropout_ref_mask(shape, p, seed=3, axes=()):
    mshape = tuple(1 if i in axes else d for i, d in enumerate(shape))
    u = _rnd._Bank(seed).words(int(np.prod(mshape))) / 2.0**32
    return (u.astype(np.float32) < 1 - p).reshape(mshape) / (1 - p)


def _lengths(rng):
    return [rng.uniform(-2, 2, (3, 5)), np.array([2, 5, 1])]


SPECS = [
    # FullyConnected
    OpSpec("FullyConnected", [(4, 3), (5, 3), (5,)], lambda x, w, b: x @ w.T + b, attrs={"num_hidden": 5}),
    OpSpec("FullyConnected", [(2, 3, 2), (4, 6), (4,)], lambda x, w, b: x.reshape(2, 6) @ w.T + b,
           attrs={"num_hidden": 4}, id="flatten"),
    OpSpec("FullyConnected", [(2, 3, 2), (4, 2), (4,)], lambda x, w, b: x @ w.T + b,
           attrs={"num_hidden": 4, "flatten": False}, id="noflatten"),
    OpSpec("FullyConnected", [(4, 3), (5, 3)], lambda x, w: x @ w.T,
           call=lambda F, x, w: F.FullyConnected(x, w, num_hidden=5, no_bias=True), id="nobias"),
    # Activation
    OpSpec("Activation", gen=_away_from_zero((3, 4)), ref=lambda x: np.maximum(x, 0),
           attrs={"act_type": "relu"}, id="relu"),
    OpSpec("Activation", [(3, 4)], lambda x: 1 / (1 + np.exp(-x)), attrs={"act_type": "sigmoid"}, id="sigmoid"),
    OpSpec("Activation", [(3, 4)], np.tanh, attrs={"act_type": "tanh"}, id="tanh"),
    OpSpec("Activation", [(3, 4)], lambda x: np.log1p(np.exp(x)), attrs={"act_type": "softrelu"}, id="softrelu"),
    OpSpec("Activation", gen=_away_from_zero((3, 4)), ref=lambda x: x / (1 + np.abs(x)),
           attrs={"act_type": "softsign"}, id="softsign"),
    # LeakyReLU
    OpSpec("LeakyReLU", gen=_away_from_zero((3, 4)), ref=lambda x: np.where(x > 0, x, 0.25 * x), id="leaky"),
    OpSpec("LeakyReLU", gen=_away_from_zero((3, 4)), ref=lambda x: np.where(x > 0, x, 0.1 * x),
           attrs={"slope": 0.1}, id="leaky-slope"),
    OpSpec("LeakyReLU", gen=lambda rng: [*_away_from_zero((2, 3, 2))(rng), rng.uniform(0.1, 0.5, (3,))],
           ref=lambda x, g: np.where(x > 0, x, x * g.reshape(1, 3, 1)), attrs={"act_type": "prelu"}, id="prelu"),
    OpSpec("LeakyReLU", gen=_away_from_zero((3, 4)), ref=lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)),
           attrs={"act_type": "elu", "slope": 0.7}, id="elu"),
    OpSpec("LeakyReLU", gen=_away_from_zero((3, 4)),
           ref=lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
           attrs={"act_type": "selu"}, id="selu"),
    OpSpec("LeakyReLU", [(3, 4)], _gelu, attrs={"act_type": "gelu"}, id="gelu"),
    OpSpec("LeakyReLU", gen=_away_from_zero((3, 4)),
           ref=lambda x: [np.where(x > 0, x, x * (0.125 + 0.334) / 2), np.where(x > 0, 1, (0.125 + 0.334) / 2)],
           call=_predict(lambda F, x: F.LeakyReLU(x, act_type="rrelu")), id="rrelu-inference"),
    OpSpec("LeakyReLU", gen=_away_from_zero((3, 4)),
           call=_seeded(_train(lambda F, x: F.LeakyReLU(x, act_type="rrelu")[0])), id="rrelu-training"),
    OpSpec("_backward_gelu", [(3, 4), (3, 4)],
           lambda g, x: g * (0.5 * (1 + _erf(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi))),
    # softmax family
    OpSpec("softmax", [(3, 5)], _softmax),
    OpSpec("softmax", [(3, 4, 2)], lambda x: _softmax(x, 1), attrs={"axis": 1}, id="axis1"),
    OpSpec("softmax", [(3, 5)], lambda x: _softmax(x / 2.5), attrs={"temperature": 2.5}, id="temperature"),
    OpSpec("softmax", gen=_lengths,
           ref=lambda x, n: np.where(np.arange(5) < n[:, None],
                                     _softmax(np.where(np.arange(5) < n[:, None], x, -np.inf)), 0),
           call=lambda F, x, n: F.softmax(x, n.astype("int32"), use_length=True), wrt=(0,), id="length"),
    OpSpec("log_softmax", [(3, 5)], lambda x: np.log(_softmax(x))),
    OpSpec("log_softmax", [(3, 4, 2)], lambda x: np.log(_softmax(x / 0.5, 0)), attrs={"axis": 0, "temperature": 0.5},
           id="axis0-temperature"),
    OpSpec("_backward_softmax", [(3, 5), (3, 5)], lambda g, y: y * (g - (g * y).sum(-1, keepdims=True))),
    OpSpec("_backward_softmax", [(3, 4, 2), (3, 4, 2)], lambda g, y: y * (g - (g * y).sum(1, keepdims=True)),
           attrs={"axis": 1}, id="axis1"),
    OpSpec("_backward_log_softmax", [(3, 5), (3, 5)], lambda g, y: g - np.exp(y) * g.sum(-1, keepdims=True)),
    OpSpec("_backward_log_softmax", [(3, 4, 2), (3, 4, 2)],
           lambda g, y: g - np.exp(y) * g.sum(0, keepdims=True), attrs={"axis": 0}, id="axis0"),
    OpSpec("softmin", [(3, 5)], lambda x: _softmax(-x)),
    OpSpec("softmin", [(3, 4, 2)], lambda x: _softmax(-x / 2, 1), attrs={"axis": 1, "temperature": 2.0}, id="axis1"),
    OpSpec("SoftmaxActivation", [(2, 3, 4)], lambda x: _softmax(x, -1), id="instance"),
    OpSpec("SoftmaxActivation", [(2, 3, 4)], lambda x: _softmax(x, 1), attrs={"mode": "channel"}, id="channel"),
    # Dropout
    OpSpec("Dropout", [(3, 4)], lambda x: x, call=_predict(lambda F, x: F.Dropout(x)), id="inference"),
    OpSpec("Dropout", [(6, 8)], lambda x: x * _dropout_ref_mask((6, 8), 0.4),
           call=_seeded(lambda F, x: F.Dropout(x, p=0.4, mode="always")), id="always"),
    OpSpec("Dropout", [(6, 8)], lambda x: x * _dropout_ref_mask((6, 8), 0.5, axes=(0,)),
           call=_seeded(_train(lambda F, x: F.Dropout(x, axes=(0,)))), id="training-axes"),
    # normalisation
    OpSpec("BatchNorm", gen=lambda rng: [rng.uniform(-2, 2, (4, 3, 2)), rng.uniform(0.5, 2, (3,)),
                                         rng.uniform(-1, 1, (3,)), rng.uniform(-1, 1, (3,)), rng.uniform(0.5, 2, (3,))],
           ref=lambda x, g, b, mm, mv: _bn_infer_ref(x, np.ones(3), b, mm, mv),
           call=_predict(lambda F, *xs: F.BatchNorm(*xs)), wrt=(0, 1, 2), id="inference"),
    OpSpec("BatchNorm", gen=lambda rng: [rng.uniform(-2, 2, (4, 3, 2)), rng.uniform(0.5, 2, (3,)),
                                         rng.uniform(-1, 1, (3,)), rng.uniform(-1, 1, (3,)), rng.uniform(0.5, 2, (3,))],
           ref=_bn_infer_ref,
           call=_predict(lambda F, *xs: F.BatchNorm(*xs, fix_gamma=False)),
           wrt=(0, 1, 2), id="inference-gamma"),
    OpSpec("BatchNorm", gen=lambda rng: [rng.uniform(-2, 2, (4, 3, 2)), rng.uniform(0.5, 2, (3,)),
                                         rng.uniform(-1, 1, (3,)), np.zeros(3), np.ones(3)],
           ref=lambda x, g, b, mm, mv: list(_bn_train_ref(x, g, b, fix_gamma=False)),
           call=_train(lambda F, x, g, b, mm, mv: F.BatchNorm(x, g, b, mm, mv, fix_gamma=False,
                                                               output_mean_var=True)),
           wrt=(0, 1, 2), id="training-mean-var"),
    OpSpec("BatchNorm", gen=lambda rng: [rng.uniform(-2, 2, (3, 2, 4)), rng.uniform(0.5, 2, (4,)),
                                         rng.uniform(-1, 1, (4,)), np.zeros(4), np.ones(4)],
           ref=lambda x, g, b, mm, mv: _bn_train_ref(x, g, b, eps=1e-2, axis=2)[0],
           call=_train(lambda F, x, g, b, mm, mv: F.BatchNorm(x, g, b, mm, mv, eps=1e-2, axis=-1)),
           wrt=(0, 1, 2), id="training-axis-1-fixgamma"),
    OpSpec("LayerNorm", [(3, 4), (4,), (4,)], lambda x, g, b: _ln_ref(x, g, b)[0]),
    OpSpec("LayerNorm", [(2, 3, 4), (3,), (3,)], lambda x, g, b: list(_ln_ref(x, g, b, axis=1, eps=1e-3)),
           attrs={"axis": 1, "eps": 1e-3, "output_mean_var": True}, id="axis1-mean-var"),
    OpSpec("InstanceNorm", [(2, 3, 4), (3,), (3,)], _in_ref),
    OpSpec("InstanceNorm", [(2, 2, 2, 3), (2,), (2,)], lambda x, g, b: _in_ref(x, g, b, 0.1), attrs={"eps": 0.1},
           id="4d"),
    OpSpec("GroupNorm", [(2, 4, 3), (2,), (2,)], lambda x, g, b: _gn_ref(x, g, b, 2)[0], attrs={"num_groups": 2}),
    OpSpec("GroupNorm", [(2, 4, 2, 2), (1,), (1,)], lambda x, g, b: list(_gn_ref(x, g, b, 1, 1e-3)),
           attrs={"eps": 1e-3, "output_mean_var": True}, id="mean-var"),
    OpSpec("L2Normalization", [(2, 3, 4)],
           lambda x: x / np.sqrt((x * x).sum(axis=(1, 2), keepdims=True) + 1e-10), id="instance"),
    OpSpec("L2Normalization", [(2, 3, 4)],
           lambda x: x / np.sqrt((x * x).sum(axis=1, keepdims=True) + 1e-10), attrs={"mode": "channel"}, id="channel"),
    OpSpec("L2Normalization", [(2, 3, 4)],
           lambda x: x / np.sqrt((x * x).sum(axis=2, keepdims=True) + 0.1), attrs={"mode": "spatial", "eps": 0.1},
           id="spatial"),
    OpSpec("_LRN_window_sum", [(2, 5, 3)], lambda x: _window_ref(x, 3), attrs={"nsize": 3}),
    OpSpec("LRN", [(2, 5, 3, 1)], lambda x: _lrn_ref(x, alpha=0.5, nsize=3), attrs={"alpha": 0.5, "nsize": 3}),
    OpSpec("LRN", [(2, 6, 2, 2)], lambda x: _lrn_ref(x, alpha=0.3, beta=0.5, knorm=1.0, nsize=5),
           attrs={"alpha": 0.3, "beta": 0.5, "knorm": 1.0, "nsize": 5}, id="4d"),
]

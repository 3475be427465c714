import numpy as np

from ndgrad import autograd

from ..spec import OpSpec


def _paused(f):
    """Output ops ignore the head gradient (MXNet's semantics), so the table checks their forward only, run
    unrecorded; their gradients, and second-order gradients through them, are checked against MXNet's in
    tests/ops/test_nn_behaviour.py."""
    def call(F, *xs):
        with autograd.pause():
            return f(F, *xs)
    return call


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _labels(shape, classes, lshape):
    return lambda rng: [rng.uniform(-2, 2, shape), rng.integers(0, classes, lshape).astype(float)]


def _smooth_l1(x, s):
    return np.where(np.abs(x) < 1 / s**2, 0.5 * (s * x) ** 2, np.abs(x) - 0.5 / s**2)


def _away_from_kinks(s):
    # keep |x| away from 1 / s^2, where smooth_l1's second derivative jumps
    def gen(rng):
        x = rng.uniform(-2, 2, (3, 4))
        k = 1 / s**2
        return [np.where(np.abs(np.abs(x) - k) < 0.1, x + 0.3, x)]
    return gen


SPECS = [
    OpSpec("SoftmaxOutput", gen=_labels((4, 5), 5, (4,)), ref=lambda x, y: _softmax(x), grad=False,
           call=_paused(lambda F, x, y: F.SoftmaxOutput(x, y))),
    OpSpec("SoftmaxOutput", gen=_labels((2, 3, 4), 3, (2, 4)), ref=lambda x, y: _softmax(x, 1), grad=False,
           call=_paused(lambda F, x, y: F.SoftmaxOutput(x, y, multi_output=True)), id="multi"),
    OpSpec("SoftmaxOutput", gen=_labels((2, 3, 4), 4, (2, 3)), ref=lambda x, y: _softmax(x, -1), grad=False,
           call=_paused(lambda F, x, y: F.SoftmaxOutput(x, y, preserve_shape=True)), id="preserve"),
    OpSpec("LinearRegressionOutput", [(4, 3), (4, 3)], lambda x, y: x, grad=False,
           call=_paused(lambda F, x, y: F.LinearRegressionOutput(x, y))),
    OpSpec("LogisticRegressionOutput", [(4, 3), (4, 3)], lambda x, y: 1 / (1 + np.exp(-x)), grad=False,
           call=_paused(lambda F, x, y: F.LogisticRegressionOutput(x, y))),
    OpSpec("MAERegressionOutput", [(4, 1), (4,)], lambda x, y: x, grad=False,
           call=_paused(lambda F, x, y: F.MAERegressionOutput(x, y))),
    OpSpec("SVMOutput", gen=_labels((4, 5), 5, (4,)), ref=lambda x, y: x, grad=False,
           call=_paused(lambda F, x, y: F.SVMOutput(x, y))),
    OpSpec("MakeLoss", [(4, 3)], lambda x: x, grad=False, call=_paused(lambda F, x: F.MakeLoss(x))),
    OpSpec("smooth_l1", gen=_away_from_kinks(1.0), ref=lambda x: _smooth_l1(x, 1.0)),
    OpSpec("smooth_l1", gen=_away_from_kinks(1.5), ref=lambda x: _smooth_l1(x, 1.5), attrs={"scalar": 1.5},
           id="scalar"),
    OpSpec("softmax_cross_entropy", gen=_labels((4, 5), 5, (4,)),
           ref=lambda x, y: -np.log(_softmax(x))[np.arange(4), y.astype(int)].sum().reshape(1), wrt=(0,)),
]

"""Cases shared by generate.py (run with MXNet 1.9.1) and tests/ops/test_nn_behaviour.py (run with ndgrad).

Each case calls the same code with either framework's ``nd`` module: inputs are drawn from a seeded
NumPy generator, the call runs under ``autograd.record(train_mode=...)``, the first output is
backpropagated with a seeded random head gradient, and the outputs, the gradients of the ``wrt`` inputs
and every input after the call (BatchNorm updates its moving statistics in place) are compared.
Imports neither framework.
"""
from __future__ import annotations

import numpy as np


class Case:
    def __init__(self, name, shapes, fn, wrt=(0,), train=True, gen=None, dtype="float32", heads="all"):
        self.name, self.shapes, self.fn, self.wrt, self.train = name, shapes, fn, wrt, train
        self.gen, self.dtype, self.heads = gen, dtype, heads

    def inputs(self):
        rng = np.random.RandomState(_seed(self.name))
        if self.gen is not None:
            return [np.asarray(a) for a in self.gen(rng)]
        return [rng.uniform(-2, 2, s).astype(self.dtype) for s in self.shapes]


def _seed(name):
    return sum(ord(c) * (i + 1) for i, c in enumerate(name)) % 2**31


def run(mx, case):
    """Run ``case`` with the framework module ``mx``; returns a dict of NumPy arrays."""
    nd, autograd = mx.nd, mx.autograd
    raw = case.inputs()
    arrays = [nd.array(a, dtype=a.dtype) for a in raw]
    for i in case.wrt:
        arrays[i].attach_grad()
    with autograd.record(train_mode=case.train):
        out = case.fn(nd, *arrays)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
    res = {f"out{i}": o.asnumpy() for i, o in enumerate(outs)}
    if case.wrt:
        rng = np.random.RandomState(_seed(case.name) + 1)
        heads = [nd.array(rng.standard_normal(o.shape), dtype=o.dtype) for o in outs]
        n = 1 if case.heads == "first" else len(outs)
        autograd.backward(outs[:n], heads[:n])
        for i in case.wrt:
            res[f"grad{i}"] = arrays[i].grad.asnumpy()
    for i, a in enumerate(arrays):
        res[f"after{i}"] = a.asnumpy()
    return res


def _labels(n, classes, shape=None):
    def gen(rng):
        data = rng.uniform(-2, 2, (n, classes) if shape is None else shape).astype("float32")
        lab_shape = (n,) if shape is None else (shape[0], *shape[2:])
        return [data, rng.randint(0, classes, lab_shape).astype("float32")]
    return gen


def _bn_inputs(shape, axis=1):
    def gen(rng):
        c = shape[axis]
        return [rng.uniform(-2, 2, shape).astype("float32"), rng.uniform(0.5, 2, c).astype("float32"),
                rng.uniform(-1, 1, c).astype("float32"), rng.uniform(-1, 1, c).astype("float32"),
                rng.uniform(0.5, 2, c).astype("float32")]
    return gen


def _rnn_inputs(mode, layers, bidirectional, steps=3, batch=2, inputs=4, hidden=3):
    gates = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}[mode]
    dirs = 2 if bidirectional else 1
    size = sum(dirs * (gates * hidden * (inputs if layer == 0 else dirs * hidden) + gates * hidden * hidden
                       + 2 * gates * hidden) for layer in range(layers))

    def gen(rng):
        arrays = [rng.uniform(-1, 1, (steps, batch, inputs)), rng.uniform(-0.6, 0.6, size),
                  rng.uniform(-1, 1, (layers * dirs, batch, hidden))]
        if mode == "lstm":
            arrays.append(rng.uniform(-1, 1, (layers * dirs, batch, hidden)))
        return [a.astype("float32") for a in arrays]
    return gen


def _rnn_case(mode, layers, bidirectional, **kw):
    nin = 4 if mode == "lstm" else 3

    def call(nd, *a):
        return nd.RNN(*a, state_size=3, num_layers=layers, bidirectional=bidirectional, mode=mode,
                      state_outputs=True, **kw)
    name = f"rnn_{mode}_{layers}l_{'bi' if bidirectional else 'uni'}" + "".join(f"_{k}" for k in kw)
    return Case(name, None, call, gen=_rnn_inputs(mode, layers, bidirectional), wrt=tuple(range(nin)))


def _ignore_labels(rng):
    data = rng.uniform(-2, 2, (6, 4)).astype("float32")
    return [data, np.array([0, 3, -1, 2, -1, 1], dtype="float32")]


def _with_nan(shape):
    """Uniform data with every fifth element NaN (so no 2x2 window is all NaN)."""
    def gen(rng):
        x = rng.uniform(-2, 2, shape).astype("float32")
        x.flat[::5] = np.nan
        return [x]
    return gen


CASES = [
    # FullyConnected
    Case("fc", [(4, 3), (5, 3), (5,)], lambda nd, x, w, b: nd.FullyConnected(x, w, b, num_hidden=5), wrt=(0, 1, 2)),
    Case("fc_flatten", [(2, 3, 2), (4, 6), (4,)], lambda nd, x, w, b: nd.FullyConnected(x, w, b, num_hidden=4),
         wrt=(0, 1, 2)),
    Case("fc_noflatten", [(2, 3, 2), (4, 2), (4,)],
         lambda nd, x, w, b: nd.FullyConnected(x, w, b, num_hidden=4, flatten=False), wrt=(0, 1, 2)),
    Case("fc_nobias", [(4, 3), (5, 3)], lambda nd, x, w: nd.FullyConnected(x, w, num_hidden=5, no_bias=True),
         wrt=(0, 1)),
    # activations
    *[Case(f"act_{a}", [(3, 4)], lambda nd, x, a=a: nd.Activation(x, act_type=a))
      for a in ("relu", "sigmoid", "tanh", "softrelu", "softsign")],
    # NaN: Activation's relu gives 0, the relu op keeps NaN, max pooling never picks NaN
    Case("act_relu_nan", None, lambda nd, x: nd.Activation(x, act_type="relu"), gen=_with_nan((3, 5))),
    Case("relu_nan", None, lambda nd, x: nd.relu(x), gen=_with_nan((3, 5))),
    Case("maxpool_nan", None, lambda nd, x: nd.Pooling(x, kernel=(2, 2), stride=(2, 2)), gen=_with_nan((2, 2, 4, 6))),
    Case("maxpool_global_nan", None, lambda nd, x: nd.Pooling(x, kernel=(6, 6), global_pool=True),
         gen=_with_nan((2, 2, 6, 6))),
    Case("leaky", [(3, 4)], lambda nd, x: nd.LeakyReLU(x, slope=0.1)),
    Case("prelu", [(2, 3, 2), (3,)], lambda nd, x, g: nd.LeakyReLU(x, g, act_type="prelu"), wrt=(0, 1)),
    Case("elu", [(3, 4)], lambda nd, x: nd.LeakyReLU(x, act_type="elu", slope=0.7)),
    # forward only: MXNet's selu backward is lambda * (y + alpha) for x < 0 (y already includes lambda);
    # ndgrad gives the true derivative lambda * alpha * exp(x)
    Case("selu", [(3, 4)], lambda nd, x: nd.LeakyReLU(x, act_type="selu"), wrt=()),
    Case("gelu", [(3, 4)], lambda nd, x: nd.LeakyReLU(x, act_type="gelu")),
    Case("rrelu_inference", [(3, 4)], lambda nd, x: nd.LeakyReLU(x, act_type="rrelu")[0], wrt=(), train=False),
    # softmax family
    Case("softmax", [(3, 5)], lambda nd, x: nd.softmax(x)),
    Case("softmax_axis0_temp", [(3, 5)], lambda nd, x: nd.softmax(x, axis=0, temperature=2.0)),
    Case("softmax_length", None, lambda nd, x, n: nd.softmax(x, n, use_length=True, axis=1),
         gen=lambda rng: [rng.uniform(-2, 2, (3, 5)).astype("float32"), np.array([2, 5, 1], "int32")]),
    Case("softmax_dtype", [(3, 5)], lambda nd, x: nd.softmax(x, dtype="float64")),
    Case("log_softmax", [(2, 3, 4)], lambda nd, x: nd.log_softmax(x, axis=1)),
    Case("log_softmax_temp", [(3, 5)], lambda nd, x: nd.log_softmax(x, temperature=0.5)),
    Case("softmin", [(3, 5)], lambda nd, x: nd.softmin(x)),
    # 2-D only: for N-D data MXNet's instance-mode backward uses axis 1 while its forward uses the last axis
    Case("softmax_activation_instance", [(3, 4)], lambda nd, x: nd.SoftmaxActivation(x)),
    Case("softmax_activation_channel", [(2, 3, 2, 2)], lambda nd, x: nd.SoftmaxActivation(x, mode="channel")),
    # BatchNorm
    Case("bn_train", None, lambda nd, *a: nd.BatchNorm(*a, fix_gamma=False, momentum=0.8),
         gen=_bn_inputs((4, 3, 2, 2)), wrt=(0, 1, 2)),
    # gamma of ones: with fix_gamma, MXNet overwrites gamma with ones in place while recording; ndgrad leaves
    # the array alone (its forward and gradients ignore gamma either way)
    Case("bn_train_fixgamma", None, lambda nd, x, g, *a: nd.BatchNorm(x, g.ones_like(), *a),
         gen=_bn_inputs((4, 3, 5)), wrt=(0, 2)),
    Case("bn_train_axis_last", None, lambda nd, *a: nd.BatchNorm(*a, fix_gamma=False, axis=-1, eps=1e-4),
         gen=_bn_inputs((5, 2, 3), axis=2), wrt=(0, 1, 2)),
    Case("bn_train_2d", None, lambda nd, *a: nd.BatchNorm(*a, fix_gamma=False), gen=_bn_inputs((6, 3)),
         wrt=(0, 1, 2)),
    Case("bn_train_mean_var", None, lambda nd, *a: nd.BatchNorm(*a, fix_gamma=False, output_mean_var=True),
         gen=_bn_inputs((4, 3, 2)), wrt=(0, 1, 2), heads="first"),
    # outputs only: MXNet's backward of an inference-mode call applies the batch-statistics formula to the
    # moving statistics (its backward reads the backward pass's train_mode); ndgrad differentiates what ran
    Case("bn_inference", None, lambda nd, *a: nd.BatchNorm(*a, fix_gamma=False), gen=_bn_inputs((4, 3, 2)),
         wrt=(), train=False),
    Case("bn_global_stats", None, lambda nd, *a: nd.BatchNorm(*a, fix_gamma=False, use_global_stats=True),
         gen=_bn_inputs((4, 3, 2)), wrt=(0, 1, 2)),
    # other normalisations
    Case("layernorm", [(2, 3, 4), (4,), (4,)], lambda nd, x, g, b: nd.LayerNorm(x, g, b), wrt=(0, 1, 2)),
    Case("layernorm_axis1_mean_var", [(2, 3, 4), (3,), (3,)],
         lambda nd, x, g, b: nd.LayerNorm(x, g, b, axis=1, output_mean_var=True), wrt=(0, 1, 2), heads="first"),
    Case("instancenorm", [(2, 3, 4, 2), (3,), (3,)], lambda nd, x, g, b: nd.InstanceNorm(x, g, b), wrt=(0, 1, 2)),
    Case("groupnorm", [(2, 4, 3), (2,), (2,)], lambda nd, x, g, b: nd.GroupNorm(x, g, b, num_groups=2),
         wrt=(0, 1, 2)),
    Case("groupnorm_mean_var", [(2, 6, 2, 2), (3,), (3,)],
         lambda nd, x, g, b: nd.GroupNorm(x, g, b, num_groups=3, output_mean_var=True), wrt=(0, 1, 2),
         heads="first"),
    *[Case(f"l2norm_{m}", [(2, 3, 4)], lambda nd, x, m=m: nd.L2Normalization(x, mode=m))
      for m in ("instance", "channel", "spatial")],
    Case("lrn", [(2, 5, 3, 2)], lambda nd, x: nd.LRN(x, nsize=3, alpha=0.5)),
    Case("lrn_default", [(2, 6, 2, 1)], lambda nd, x: nd.LRN(x, nsize=5, alpha=0.2, beta=0.5, knorm=1.0)),
    # fused RNN
    _rnn_case("rnn_tanh", 1, False),
    _rnn_case("rnn_relu", 2, True),
    _rnn_case("lstm", 2, False),
    _rnn_case("lstm", 1, True),
    # no lstm_state_clip_* case: MXNet's CPU kernel ignores them (only cuDNN clips); ndgrad clips as documented
    _rnn_case("gru", 2, True),
    _rnn_case("gru", 1, False),
    # CTC
    Case("ctc_first", None, lambda nd, x, y: nd.CTCLoss(x, y),
         gen=lambda rng: [rng.uniform(-2, 2, (6, 3, 5)).astype("float32"),
                          np.array([[1, 2, 0, 0], [3, 3, 1, 0], [4, 0, 0, 0]], "float32")]),
    Case("ctc_last", None, lambda nd, x, y: nd.ctc_loss(x, y, blank_label="last"),
         gen=lambda rng: [rng.uniform(-2, 2, (5, 2, 4)).astype("float32"),
                          np.array([[0, 1, -1], [2, 2, 0]], "float32")]),
    Case("ctc_lengths", None,
         lambda nd, x, y, tl, ll: nd.CTCLoss(x, y, tl, ll, use_data_lengths=True, use_label_lengths=True),
         gen=lambda rng: [rng.uniform(-2, 2, (6, 2, 5)).astype("float32"),
                          np.array([[1, 2, 3, 4], [3, 3, 1, 2]], "float32"), np.array([4, 6], "float32"),
                          np.array([2, 3], "float32")]),
    # output and loss ops
    Case("softmax_output", None, lambda nd, x, y: nd.SoftmaxOutput(x, y), gen=_labels(4, 5), wrt=(0, 1)),
    Case("softmax_output_scale_batch", None,
         lambda nd, x, y: nd.SoftmaxOutput(x, y, grad_scale=2.0, normalization="batch"), gen=_labels(4, 5)),
    Case("softmax_output_ignore_valid", None,
         lambda nd, x, y: nd.SoftmaxOutput(x, y, use_ignore=True, normalization="valid"), gen=_ignore_labels),
    Case("softmax_output_ignore_null", None,
         lambda nd, x, y: nd.SoftmaxOutput(x, y, use_ignore=True, ignore_label=-1), gen=_ignore_labels),
    # N-D data: MXNet wants a (N, d1) label but reads only its first N values
    Case("softmax_output_flatten", None, lambda nd, x, y: nd.SoftmaxOutput(x, y),
         gen=lambda rng: [rng.uniform(-2, 2, (3, 2, 2)).astype("float32"),
                          np.array([[0, 1], [1, 1], [0, 0]], "float32")]),
    Case("softmax_output_multi", None, lambda nd, x, y: nd.SoftmaxOutput(x, y, multi_output=True),
         gen=_labels(2, 3, shape=(2, 3, 4))),
    Case("softmax_output_multi_batch", None,
         lambda nd, x, y: nd.SoftmaxOutput(x, y, multi_output=True, normalization="batch"),
         gen=_labels(2, 3, shape=(2, 3, 4))),
    Case("softmax_output_multi_valid", None,
         lambda nd, x, y: nd.SoftmaxOutput(x, y, multi_output=True, normalization="valid", use_ignore=True,
                                           ignore_label=1),
         gen=_labels(2, 3, shape=(2, 3, 4))),
    Case("softmax_output_preserve", None, lambda nd, x, y: nd.SoftmaxOutput(x, y, preserve_shape=True),
         gen=lambda rng: [rng.uniform(-2, 2, (2, 3, 4)).astype("float32"),
                          rng.randint(0, 4, (2, 3)).astype("float32")]),
    Case("softmax_output_preserve_batch", None,
         lambda nd, x, y: nd.SoftmaxOutput(x, y, preserve_shape=True, normalization="batch"),
         gen=lambda rng: [rng.uniform(-2, 2, (2, 3, 4)).astype("float32"),
                          rng.randint(0, 4, (2, 3)).astype("float32")]),
    Case("softmax_output_smooth", None, lambda nd, x, y: nd.SoftmaxOutput(x, y, smooth_alpha=0.2),
         gen=_labels(4, 5)),
    Case("linear_regression", [(4, 1), (4,)], lambda nd, x, y: nd.LinearRegressionOutput(x, y), wrt=(0, 1)),
    Case("linear_regression_2d", [(4, 3), (4, 3)],
         lambda nd, x, y: nd.LinearRegressionOutput(x, y, grad_scale=0.5), wrt=(0, 1)),
    Case("logistic_regression", [(4, 3), (4, 3)], lambda nd, x, y: nd.LogisticRegressionOutput(x, y), wrt=(0, 1)),
    Case("mae_regression", [(4, 3), (4, 3)], lambda nd, x, y: nd.MAERegressionOutput(x, y, grad_scale=3.0),
         wrt=(0, 1)),
    Case("svm_output", None, lambda nd, x, y: nd.SVMOutput(x, y), gen=_labels(4, 5), wrt=(0, 1)),
    Case("svm_output_linear", None,
         lambda nd, x, y: nd.SVMOutput(x, y, use_linear=True, margin=0.5, regularization_coefficient=2.0),
         gen=_labels(4, 5)),
    Case("svm_output_margin", None, lambda nd, x, y: nd.SVMOutput(x, y, margin=2.5, regularization_coefficient=0.5),
         gen=_labels(4, 5)),
    Case("make_loss", [(4, 3)], lambda nd, x: nd.MakeLoss(x, grad_scale=2.0)),
    Case("make_loss_batch", [(4, 3)], lambda nd, x: nd.MakeLoss(x, normalization="batch")),
    Case("make_loss_valid", [(4, 3)], lambda nd, x: nd.MakeLoss(x, normalization="valid", valid_thresh=0.5)),
    Case("make_loss_lower", [(4, 3)], lambda nd, x: nd.make_loss(x)),
    Case("smooth_l1", [(3, 4)], lambda nd, x: nd.smooth_l1(x, scalar=1.5)),
    Case("smooth_l1_default", [(3, 4)], lambda nd, x: nd.smooth_l1(x)),
    Case("softmax_cross_entropy", None, lambda nd, x, y: nd.softmax_cross_entropy(x, y), gen=_labels(4, 5)),
]

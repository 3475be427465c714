"""Record Gluon goldens from the real MXNet 1.9.1.

Run with the MXNet venv from the repository root:

    /work/main/.venv-mxnet/bin/python tests/data/gluon/generate.py

Writes, next to this script:
- names.json: auto-generated Parameter names and reprs of a few networks;
- layers.json + layers.npz: each layer's forward (predict and/or training mode) and gradients with fixed
  Parameters (arrays keyed ``<case>/<name>``, Parameters under structural names ``param:<name>``);
- losses.json + losses.npz: each loss's value and gradients;
- training.npz: a few Trainer steps of a small net with SGD (momentum, wd) and Adam;
- summary.txt: ``Block.summary`` of a small network;
- init.npz: Parameters initialized from ``mx.random.seed(42)`` (default Uniform, Xavier, deferred).
"""
import contextlib
import io
import json
import os

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn, rnn
from mxnet.gluon.contrib import nn as cnn

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(42)


# ----------------------------------------------------------------------------------------------- names
def names_cases():
    out = {}
    with mx.name.NameManager():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Conv2D(6, 5, activation="relu"), nn.MaxPool2D(), nn.Dense(10, activation="relu"),
                    nn.BatchNorm(), nn.Dense(3))
        d1, d2 = nn.Dense(3), nn.Dense(3, prefix="mine_")
        out["lenet_like"] = {"params": list(net.collect_params().keys()), "repr": repr(net),
                             "structural": list(net._collect_params_with_prefix().keys())}
        out["top_level"] = {"names": [d1.name, d2.name, nn.Dense(2).name, nn.Conv2D(2, 3).name,
                                      nn.MaxPool2D().name, nn.Activation("relu").name, nn.Sequential().name]}

        class Net(gluon.HybridBlock):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                with self.name_scope():
                    self.body = nn.HybridSequential()
                    with self.body.name_scope():
                        self.body.add(nn.Dense(4), nn.Dense(4))
                    self.head = nn.Dense(2)
                    self.scale = self.params.get("scale", shape=(1,))

            def hybrid_forward(self, F, x, scale):
                return self.head(self.body(x)) * scale

        n = Net()
        out["custom"] = {"params": list(n.collect_params().keys()),
                         "structural": list(n._collect_params_with_prefix().keys()),
                         "select": list(n.collect_params(".*dense0.*").keys())}
        seq = nn.Sequential()
        with seq.name_scope():
            seq.add(nn.Dense(2), nn.Dense(2), nn.Dense(2))
        sliced = seq[1:]
        out["slice"] = {"name": sliced.name, "params": list(sliced.collect_params().keys()), "len": len(sliced)}
    with open(os.path.join(HERE, "names.json"), "w") as f:
        json.dump(out, f, indent=1)


# ----------------------------------------------------------------------------------------------- layers
# (case name, constructor expression, input shape, modes, input dtype). Convolution and pooling cases record in
# training mode: MXNet 1.9.1's (oneDNN) max-pooling backward after an inference-mode forward misplaces
# gradients (e.g. a window [1.05, 1.33] sends its gradient to 1.05).
LAYERS = [
    ("dense_relu", "nn.Dense(4, activation='relu')", (2, 3), ["predict"], "float32"),
    ("dense_noflatten_nobias", "nn.Dense(3, use_bias=False, flatten=False)", (2, 2, 5), ["predict"], "float32"),
    ("dense_flatten", "nn.Dense(4, in_units=6)", (2, 3, 2), ["predict"], "float32"),
    ("dropout", "nn.Dropout(0.5)", (3, 4), ["predict"], "float32"),
    ("batchnorm", "nn.BatchNorm()", (4, 3, 2, 2), ["train", "predict"], "float32"),
    ("batchnorm_last", "nn.BatchNorm(axis=-1, center=False, scale=False, momentum=0.7)", (5, 3),
     ["train", "predict"], "float32"),
    ("batchnormrelu", "nn.BatchNormReLU()", (4, 3, 2, 2), ["train"], "float32"),  # oneDNN only; its
    # inference-mode backward returns zeros
    ("layernorm", "nn.LayerNorm()", (2, 3, 4), ["predict"], "float32"),
    ("layernorm_axis1", "nn.LayerNorm(axis=1, epsilon=1e-3)", (2, 3, 4), ["predict"], "float32"),
    ("instancenorm", "nn.InstanceNorm(scale=True)", (2, 3, 4), ["predict"], "float32"),
    ("groupnorm", "nn.GroupNorm(num_groups=2)", (2, 4, 3), ["predict"], "float32"),
    ("embedding", "nn.Embedding(5, 3)", (2, 4), ["predict"], "int"),
    ("flatten", "nn.Flatten()", (2, 3, 4), ["predict"], "float32"),
    ("act_relu", "nn.Activation('relu')", (3, 4), ["predict"], "float32"),
    ("act_sigmoid", "nn.Activation('sigmoid')", (3, 4), ["predict"], "float32"),
    ("act_tanh", "nn.Activation('tanh')", (3, 4), ["predict"], "float32"),
    ("act_softrelu", "nn.Activation('softrelu')", (3, 4), ["predict"], "float32"),
    ("act_softsign", "nn.Activation('softsign')", (3, 4), ["predict"], "float32"),
    ("leakyrelu", "nn.LeakyReLU(0.1)", (3, 4), ["predict"], "float32"),
    ("prelu", "nn.PReLU(in_channels=3)", (2, 3, 4), ["predict"], "float32"),
    ("elu", "nn.ELU(0.5)", (3, 4), ["predict"], "float32"),
    ("selu", "nn.SELU()", (3, 4), ["predict"], "float32"),
    ("gelu", "nn.GELU()", (3, 4), ["predict"], "float32"),
    ("swish", "nn.Swish(2.0)", (3, 4), ["predict"], "float32"),
    ("conv1d", "nn.Conv1D(2, 3, strides=2, padding=1)", (2, 3, 7), ["train"], "float32"),
    ("conv2d", "nn.Conv2D(4, (3, 2), padding=(1, 0), dilation=(1, 2), activation='relu')", (2, 2, 6, 7),
     ["train"], "float32"),
    ("conv2d_groups", "nn.Conv2D(4, 3, groups=2, in_channels=2, use_bias=False)", (2, 2, 5, 5), ["train"],
     "float32"),
    ("conv3d", "nn.Conv3D(2, 2, strides=(1, 2, 1))", (1, 2, 4, 4, 4), ["train"], "float32"),
    ("conv1d_transpose", "nn.Conv1DTranspose(3, 3, strides=2, output_padding=1)", (2, 2, 5), ["train"],
     "float32"),
    ("conv2d_transpose", "nn.Conv2DTranspose(2, 3, strides=2, padding=1)", (1, 3, 4, 4), ["train"], "float32"),
    ("conv3d_transpose", "nn.Conv3DTranspose(2, 2)", (1, 2, 3, 3, 3), ["train"], "float32"),
    ("maxpool1d", "nn.MaxPool1D()", (2, 3, 8), ["train"], "float32"),
    ("maxpool2d", "nn.MaxPool2D(3, 2, 1)", (1, 2, 6, 6), ["train"], "float32"),
    ("maxpool2d_ceil", "nn.MaxPool2D(ceil_mode=True)", (1, 2, 5, 5), ["train"], "float32"),
    ("maxpool3d", "nn.MaxPool3D()", (1, 2, 4, 4, 4), ["train"], "float32"),
    ("avgpool1d", "nn.AvgPool1D(3, padding=1)", (2, 3, 8), ["train"], "float32"),
    ("avgpool2d_nopad", "nn.AvgPool2D(padding=1, count_include_pad=False)", (1, 2, 5, 5), ["train"], "float32"),
    ("avgpool3d", "nn.AvgPool3D()", (1, 2, 4, 4, 4), ["train"], "float32"),
    ("globalmaxpool1d", "nn.GlobalMaxPool1D()", (2, 3, 5), ["train"], "float32"),
    ("globalavgpool2d", "nn.GlobalAvgPool2D()", (2, 3, 4, 5), ["train"], "float32"),
    ("globalmaxpool3d", "nn.GlobalMaxPool3D()", (1, 2, 3, 3, 3), ["train"], "float32"),
    ("reflectionpad2d", "nn.ReflectionPad2D(2)", (1, 2, 4, 5), ["train"], "float32"),
    ("hybridconcurrent", "cnn.HybridConcurrent(axis=1)", (2, 3), ["predict"], "float32"),
    ("identity", "cnn.Identity()", (2, 3), ["predict"], "float32"),
    ("pixelshuffle1d", "cnn.PixelShuffle1D(3)", (2, 6, 4), ["predict"], "float32"),
    ("pixelshuffle2d", "cnn.PixelShuffle2D((2, 3))", (1, 12, 2, 3), ["predict"], "float32"),
    ("pixelshuffle3d", "cnn.PixelShuffle3D(2)", (1, 16, 2, 1, 2), ["predict"], "float32"),
    ("syncbatchnorm", "cnn.SyncBatchNorm(num_devices=1)", (4, 3, 2), ["train"], "float32"),
]


def build(expr):
    block = eval(expr)
    if isinstance(block, cnn.HybridConcurrent):
        with block.name_scope():
            block.add(nn.Dense(2), nn.Dense(3))
    return block


def param_value(name, shape):
    if name.endswith("running_var"):
        return rng.uniform(0.5, 2.0, shape).astype(np.float32)
    return rng.uniform(-1, 1, shape).astype(np.float32)


def layers_cases():
    meta, arrays = {}, {}
    for case, expr, shape, modes, dtype in LAYERS:
        block = build(expr)
        block.initialize()
        x = nd.array(rng.randint(0, 5, shape) if dtype == "int" else rng.uniform(-2, 2, shape))
        block(x)  # completes deferred shapes
        params = block._collect_params_with_prefix()
        for name, p in params.items():
            value = param_value(name, p.shape)
            p.set_data(nd.array(value))
            arrays[f"{case}/param:{name}"] = value
        arrays[f"{case}/x"] = x.asnumpy()
        meta[case] = {"expr": expr, "modes": modes, "params": list(params), "int_input": dtype == "int",
                      "repr": repr(block)}
        for mode in modes:
            xx = x.copy()
            if dtype != "int":
                xx.attach_grad()
            with autograd.record(train_mode=mode == "train"):
                y = block(xx)
            head = rng.uniform(-1, 1, y.shape).astype(np.float32)
            y.backward(nd.array(head), train_mode=mode == "train")
            arrays[f"{case}/{mode}/y"] = y.asnumpy()
            arrays[f"{case}/{mode}/head"] = head
            if dtype != "int":
                arrays[f"{case}/{mode}/grad:x"] = xx.grad.asnumpy()
            for name, p in params.items():
                if p.grad_req != "null":
                    arrays[f"{case}/{mode}/grad:{name}"] = p.grad().asnumpy()
                else:
                    arrays[f"{case}/{mode}/after:{name}"] = p.data().asnumpy()
    with open(os.path.join(HERE, "layers.json"), "w") as f:
        json.dump(meta, f, indent=1)
    np.savez_compressed(os.path.join(HERE, "layers.npz"), **arrays)


# ----------------------------------------------------------------------------------------------- losses
def u(*shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


def signs(*shape):
    return np.where(rng.uniform(size=shape) > 0.5, 1.0, -1.0).astype(np.float32)


# (case, constructor, {input name: array}, names of inputs that get gradients)
LOSSES = [
    ("l2", "gloss.L2Loss()", lambda: {"pred": u(3, 4), "label": u(3, 4)}, ["pred"]),
    ("l2_weighted", "gloss.L2Loss(weight=2.0)",
     lambda: {"pred": u(3, 4), "label": u(3, 4), "sample_weight": u(3, 1, lo=0, hi=1)}, ["pred"]),
    ("l2_batch_axis1", "gloss.L2Loss(batch_axis=1)", lambda: {"pred": u(3, 4), "label": u(3, 4)}, ["pred"]),
    ("l1", "gloss.L1Loss()", lambda: {"pred": u(3, 4), "label": u(3, 4)}, ["pred"]),
    ("l1_reshape_label", "gloss.L1Loss(weight=0.5)", lambda: {"pred": u(4, 1), "label": u(4)}, ["pred"]),
    ("sigmoid_bce", "gloss.SigmoidBCELoss()",
     lambda: {"pred": u(3, 4, lo=-5, hi=5), "label": (u(3, 4) > 0).astype(np.float32)}, ["pred"]),
    ("sigmoid_bce_from_sigmoid", "gloss.SigmoidBinaryCrossEntropyLoss(from_sigmoid=True)",
     lambda: {"pred": u(3, 4, lo=0.05, hi=0.95), "label": (u(3, 4) > 0).astype(np.float32)}, ["pred"]),
    ("sigmoid_bce_pos_weight", "gloss.SigmoidBCELoss()",
     lambda: {"pred": u(3, 4), "label": (u(3, 4) > 0).astype(np.float32), "sample_weight": None,
              "pos_weight": u(1, 4, lo=0.5, hi=3)}, ["pred"]),
    ("sigmoid_bce_from_sigmoid_pos_weight", "gloss.SigmoidBCELoss(from_sigmoid=True)",
     lambda: {"pred": u(3, 4, lo=0.05, hi=0.95), "label": (u(3, 4) > 0).astype(np.float32),
              "sample_weight": None, "pos_weight": u(1, 4, lo=0.5, hi=3)}, ["pred"]),
    ("softmax_ce", "gloss.SoftmaxCrossEntropyLoss()",
     lambda: {"pred": u(4, 5), "label": rng.randint(0, 5, (4,)).astype(np.float32)}, ["pred"]),
    ("softmax_ce_weighted", "gloss.SoftmaxCELoss(weight=0.3)",
     lambda: {"pred": u(4, 5), "label": rng.randint(0, 5, (4, 1)).astype(np.float32),
              "sample_weight": u(4, 1, lo=0, hi=1)}, ["pred"]),
    ("softmax_ce_dense", "gloss.SoftmaxCELoss(sparse_label=False)",
     lambda: {"pred": u(4, 5), "label": np.eye(5, dtype=np.float32)[rng.randint(0, 5, 4)] * 0.8 + 0.04},
     ["pred"]),
    ("softmax_ce_axis1", "gloss.SoftmaxCELoss(axis=1)",
     lambda: {"pred": u(2, 3, 4), "label": rng.randint(0, 3, (2, 4)).astype(np.float32)}, ["pred"]),
    ("softmax_ce_from_logits", "gloss.SoftmaxCELoss(from_logits=True)",
     lambda: {"pred": np.log(np.full((3, 4), 0.25, np.float32)) + u(3, 4, lo=-0.1, hi=0.1),
              "label": rng.randint(0, 4, (3,)).astype(np.float32)}, ["pred"]),
    ("kldiv", "gloss.KLDivLoss()",
     lambda: {"pred": u(3, 4, lo=-3, hi=-0.1), "label": u(3, 4, lo=0.01, hi=1)}, ["pred", "label"]),
    ("kldiv_softmax", "gloss.KLDivLoss(from_logits=False)",
     lambda: {"pred": u(3, 4), "label": u(3, 4, lo=0.01, hi=1)}, ["pred"]),
    ("huber", "gloss.HuberLoss(rho=0.5)", lambda: {"pred": u(3, 4), "label": u(3, 4)}, ["pred"]),
    ("hinge", "gloss.HingeLoss()", lambda: {"pred": u(3, 4), "label": signs(3, 4)}, ["pred"]),
    ("squared_hinge", "gloss.SquaredHingeLoss(margin=2)", lambda: {"pred": u(3, 4), "label": signs(3, 4)},
     ["pred"]),
    ("logistic_signed", "gloss.LogisticLoss()", lambda: {"pred": u(3, 4), "label": signs(3, 4)}, ["pred"]),
    ("logistic_binary", "gloss.LogisticLoss(label_format='binary')",
     lambda: {"pred": u(3, 4), "label": (signs(3, 4) > 0).astype(np.float32)}, ["pred"]),
    ("triplet", "gloss.TripletLoss(margin=0.5)",
     lambda: {"pred": u(3, 4), "positive": u(3, 4), "negative": u(3, 4)}, ["pred", "positive", "negative"]),
    ("poisson", "gloss.PoissonNLLLoss()", lambda: {"pred": u(3, 4), "target": u(3, 4, lo=0, hi=4)}, ["pred"]),
    ("poisson_full", "gloss.PoissonNLLLoss(from_logits=False, compute_full=True)",
     lambda: {"pred": u(3, 4, lo=0.5, hi=3), "target": rng.randint(0, 6, (3, 4)).astype(np.float32)}, []),
    ("ctc", "gloss.CTCLoss()",
     lambda: {"pred": u(2, 5, 4), "label": np.array([[1, 2, 0], [0, 1, -1]], np.float32)}, ["pred"]),
    ("ctc_lengths_tnc", "gloss.CTCLoss(layout='TNC', label_layout='TN')",
     lambda: {"pred": u(6, 2, 4), "label": np.array([[1, 0], [2, 1], [2, -1]], np.float32),
              "pred_lengths": np.array([6, 4], np.float32), "label_lengths": np.array([3, 2], np.float32)},
     ["pred"]),
    ("sdml", "gloss.SDMLLoss(smoothing_parameter=0.2)", lambda: {"x1": u(4, 3), "x2": u(4, 3)}, ["x1", "x2"]),
    ("cosine", "gloss.CosineEmbeddingLoss(margin=0.2)",
     lambda: {"input1": u(4, 3), "input2": u(4, 3), "label": np.array([1, -1, 1, -1], np.float32)},
     ["input1", "input2"]),
]


def losses_cases():
    gloss = gluon.loss  # noqa: F841 - used by eval
    meta, arrays = {}, {}
    for case, expr, make, wrt in LOSSES:
        loss_fn = eval(expr)
        inputs = make()
        names = list(inputs)
        nds = {k: (None if v is None else nd.array(v)) for k, v in inputs.items()}
        for k in wrt:
            nds[k].attach_grad()
        if wrt:
            with autograd.record():
                out = loss_fn(*[nds[k] for k in names])
            out.backward()
        else:  # MXNet's compute_full updates an array in place, which fails under autograd.record
            out = loss_fn(*[nds[k] for k in names])
        meta[case] = {"expr": expr, "inputs": names, "wrt": wrt, "none": [k for k in names if inputs[k] is None],
                      "repr": repr(loss_fn)}
        for k, v in inputs.items():
            if v is not None:
                arrays[f"{case}/in:{k}"] = v
        arrays[f"{case}/out"] = out.asnumpy()
        for k in wrt:
            arrays[f"{case}/grad:{k}"] = nds[k].grad.asnumpy()
    with open(os.path.join(HERE, "losses.json"), "w") as f:
        json.dump(meta, f, indent=1)
    np.savez_compressed(os.path.join(HERE, "losses.npz"), **arrays)


# ----------------------------------------------------------------------------------------------- training
def training_cases():
    arrays = {}
    x = u(10, 4)
    y = rng.randint(0, 3, (10,)).astype(np.float32)
    arrays["x"], arrays["y"] = x, y
    init = {}
    for name, shape in [("0.weight", (8, 4)), ("0.bias", (8,)), ("1.weight", (3, 8)), ("1.bias", (3,))]:
        init[name] = u(*shape, lo=-0.5, hi=0.5)
        arrays["init:" + name] = init[name]
    for opt, params in [("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-3}),
                        ("adam", {"learning_rate": 0.01})]:
        net = nn.HybridSequential()
        net.add(nn.Dense(8, activation="relu"), nn.Dense(3))
        net.initialize()
        net(nd.array(x))
        for name, p in net._collect_params_with_prefix().items():
            p.set_data(nd.array(init[name]))
        trainer = gluon.Trainer(net.collect_params(), opt, params)
        loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
        losses = []
        for _ in range(3):
            with autograd.record():
                loss = loss_fn(net(nd.array(x)), nd.array(y))
            loss.backward()
            trainer.step(10)
            losses.append(loss.mean().asscalar())
        arrays[f"{opt}/losses"] = np.array(losses, np.float32)
        for name, p in net._collect_params_with_prefix().items():
            arrays[f"{opt}/final:{name}"] = p.data().asnumpy()
    np.savez_compressed(os.path.join(HERE, "training.npz"), **arrays)


# ----------------------------------------------------------------------------------------------- recurrent
# (case, constructor, input shape, how it is called)
RNNS = [
    ("rnncell", "rnn.RNNCell(4)", (2, 3, 5), "unroll"),
    ("rnncell_relu", "rnn.RNNCell(3, activation='relu', input_size=5)", (2, 3, 5), "unroll"),
    ("lstmcell", "rnn.LSTMCell(4)", (2, 3, 5), "unroll"),
    ("grucell", "rnn.GRUCell(4)", (2, 3, 5), "unroll"),
    ("sequential_cells", "seq_cells()", (2, 3, 5), "unroll"),
    ("residual_cell", "rnn.ResidualCell(rnn.GRUCell(5))", (2, 3, 5), "unroll"),
    ("bidirectional_cell", "rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.GRUCell(2))", (2, 3, 5), "unroll"),
    ("lstmcell_valid_length", "rnn.LSTMCell(3)", (2, 4, 5), "unroll_valid"),
    ("bidirectional_valid_length", "rnn.BidirectionalCell(rnn.GRUCell(3), rnn.GRUCell(2))", (2, 4, 5),
     "unroll_valid"),
    ("rnn_layer", "rnn.RNN(4, num_layers=2, activation='tanh')", (3, 2, 5), "layer"),
    ("lstm_layer", "rnn.LSTM(3, bidirectional=True)", (3, 2, 5), "layer_states"),
    ("gru_layer_ntc", "rnn.GRU(4, layout='NTC', num_layers=2)", (2, 3, 5), "layer_states"),
]


def seq_cells():
    cell = rnn.SequentialRNNCell()
    with cell.name_scope():
        cell.add(rnn.LSTMCell(4))
        cell.add(rnn.GRUCell(3))
    return cell


def rnn_cases():
    meta, arrays = {}, {}
    for case, expr, shape, kind in RNNS:
        with mx.name.NameManager():
            block = eval(expr)
        block.initialize()
        x = nd.array(rng.uniform(-1, 1, shape))
        if kind.startswith("unroll"):
            block.unroll(shape[1], x, layout="NTC", merge_outputs=True)
        else:
            block(x)
        params = block._collect_params_with_prefix()
        for name, p in params.items():
            value = rng.uniform(-0.5, 0.5, p.shape).astype(np.float32)
            p.set_data(nd.array(value))
            arrays[f"{case}/param:{name}"] = value
        arrays[f"{case}/x"] = x.asnumpy()
        xx = x.copy()
        xx.attach_grad()
        with autograd.record():
            if kind == "unroll":
                out, states = block.unroll(shape[1], xx, layout="NTC", merge_outputs=True)
            elif kind == "unroll_valid":
                out, states = block.unroll(shape[1], xx, layout="NTC", merge_outputs=True,
                                           valid_length=nd.array([2, 4]))
            elif kind == "layer":
                out, states = block(xx), []
            else:
                begin = block.begin_state(shape[block._layout.find("N")])
                out, states = block(xx, begin)
        head = rng.uniform(-1, 1, out.shape).astype(np.float32)
        out.backward(nd.array(head))
        arrays[f"{case}/head"] = head
        arrays[f"{case}/out"] = out.asnumpy()
        for i, st in enumerate(states):
            arrays[f"{case}/state{i}"] = st.asnumpy()
        arrays[f"{case}/grad:x"] = xx.grad.asnumpy()
        for name, p in params.items():
            arrays[f"{case}/grad:{name}"] = p.grad().asnumpy()
        meta[case] = {"expr": expr, "kind": kind, "params": list(params), "nstates": len(states),
                      "repr": repr(block), "names": list(block.collect_params().keys())}
    with open(os.path.join(HERE, "rnn.json"), "w") as f:
        json.dump(meta, f, indent=1)
    np.savez_compressed(os.path.join(HERE, "rnn.npz"), **arrays)


# ----------------------------------------------------------------------------------------------- summary
def summary_case():
    net = nn.HybridSequential()
    net.add(nn.Conv2D(3, 3), nn.Activation("relu"), nn.Flatten(), nn.Dense(4), nn.BatchNorm(), nn.Dense(2))
    net.initialize()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        net.summary(nd.ones((2, 1, 5, 5)))
    with open(os.path.join(HERE, "summary.txt"), "w") as f:
        f.write(buf.getvalue())


# ----------------------------------------------------------------------------------------------- initialization
def init_cases():
    """Default and explicit initialization from a seeded stream, deferred Parameters initialized at forward."""
    arrays = {}
    with mx.name.NameManager():
        mx.random.seed(42)
        net = nn.HybridSequential()
        net.add(nn.Dense(3, in_units=2), nn.Dense(2), nn.BatchNorm(), nn.Conv2D(2, 2, in_channels=1))
        net.initialize()
        net[1](nd.ones((1, 3)))
        net2 = nn.Dense(2, in_units=2)
        net2.initialize(mx.init.Xavier())
        for p in list(net.collect_params().values()) + list(net2.collect_params().values()):
            if p._data is not None:
                arrays[p.name] = p.data().asnumpy()
    np.savez_compressed(os.path.join(HERE, "init.npz"), **arrays)


if __name__ == "__main__":
    init_cases()
    names_cases()
    layers_cases()
    losses_cases()
    training_cases()
    rnn_cases()
    summary_case()
    print("wrote goldens to", HERE)

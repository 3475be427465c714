"""The benchmark workloads, written as an MXNet user writes them, each beside a hand-written NumPy floor.

Every ``make_*`` takes the framework module (``ndgrad``, or the real ``mxnet`` when run under its venv)
and returns ``(step, ops_per_step)``; every ``floor_*`` returns the same math in plain NumPy. The steps
return the gradient (or the loss) they computed, so that tests can check both sides do the same work.
"""
from __future__ import annotations

import numpy as np
import itertools

TINY_OPS = 200
BIG_N = 4 * 1024 * 1024


def make_tiny_ops(mx):
    """200 recorded element-wise ops on a 2x2 array, then backward."""
    nd, autograd = mx.nd, mx.autograd
    x = nd.array([[0.1, 0.2], [0.3, 0.4]])
    x.attach_grad()

    def step():
        with autograd.record():
            y = x
            for _ in range(TINY_OPS // 4):
                y = y * 1.01
                y = y + 0.01
                y = nd.tanh(y)
                y = y * x
        y.backward()
        return x.grad
    return step, TINY_OPS


def floor_tiny_ops():
    x = np.array([[0.1, 0.2], [0.3, 0.4]], dtype=np.float32)

    def step():
        tape, y = [], x
        for _ in range(TINY_OPS // 4):
            y = y * np.float32(1.01)
            y = y + np.float32(0.01)
            y = np.tanh(y)
            tape.append((y, x))
            y = y * x
        g, gx = np.ones_like(y), np.zeros_like(x)
        for t, xv in reversed(tape):
            gx += g * t
            g = g * xv
            g = g * (1 - t * t)
            g = g * np.float32(1.01)
        return gx
    return step, TINY_OPS


def _seed_f(x):
    x = x * 2
    while x.norm().asscalar() < 1000:
        x = x * 2
    if x.sum().asscalar() >= 0:
        y = x[0]
    else:
        y = x[1]
    return y


SEED_X = [0.09762704, 0.18568921]
# recorded ops per call: one doubling per norm test, the norm tests themselves, the sum and the pick
SEED_OPS = 2 * int(np.ceil(np.log2(1000 / np.linalg.norm(SEED_X)))) + 2


def make_seed_loop(mx):
    """The tutorial's control-flow function: record, backward; reported per recorded op."""
    nd, autograd = mx.nd, mx.autograd
    x = nd.array(SEED_X)
    x.attach_grad()

    def step():
        with autograd.record():
            y = _seed_f(x)
        y.backward()
        return x.grad
    return step, SEED_OPS


def floor_seed_loop():
    x = np.array(SEED_X, dtype=np.float32)

    def step():
        y, k = x * 2, 2.0
        while float(np.sqrt((y * y).sum())) < 1000:
            y = y * 2
            k *= 2
        grad = np.zeros_like(x)
        grad[0 if float(y.sum()) >= 0 else 1] = k
        return grad
    return step, SEED_OPS


def make_big_elementwise(mx):
    """``(sin(x) * x**2 + exp(-x)).sum()`` on 4M float32, forward and backward."""
    nd, autograd = mx.nd, mx.autograd
    x = nd.array(np.random.default_rng(0).uniform(-1, 1, BIG_N).astype(np.float32))
    x.attach_grad()

    def step():
        with autograd.record():
            y = (nd.sin(x) * x**2 + nd.exp(-x)).sum()
        y.backward()
        x.grad.wait_to_read()
        return x.grad
    return step, 1


def floor_big_elementwise():
    x = np.random.default_rng(0).uniform(-1, 1, BIG_N).astype(np.float32)

    def step():
        s = np.sin(x)
        x2 = x * x
        e = np.exp(-x)
        _ = (s * x2 + e).sum()
        return np.cos(x) * x2 + s * (2 * x) - e
    return step, 1


MLP_BATCH, MLP_SIZES = 128, (784, 512, 512, 10)
LR = 0.05


def _mlp_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((MLP_BATCH, MLP_SIZES[0])).astype(np.float32)
    y = rng.integers(0, MLP_SIZES[-1], MLP_BATCH).astype(np.float32)
    return x, y


def _gluon_step(mx, net, x, y):
    """One SGD training step with softmax cross-entropy, as a Gluon user writes it."""
    nd, autograd, gluon = mx.nd, mx.autograd, mx.gluon
    net.initialize(mx.init.Xavier())
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    data, label = nd.array(x), nd.array(y)

    def step():
        with autograd.record():
            loss = loss_fn(net(data), label)
        loss.backward()
        trainer.step(data.shape[0])
        loss.wait_to_read()
        return loss
    return step, 1


def make_mlp_train(mx):
    """784-512-512-10 ReLU MLP, softmax cross-entropy, batch 128, one SGD step."""
    nn = mx.gluon.nn
    net = nn.Sequential()
    net.add(nn.Dense(512, activation="relu"), nn.Dense(512, activation="relu"), nn.Dense(10))
    return _gluon_step(mx, net, *_mlp_data())


def _softmax_ce_grad(logits, y):
    """Mean-free softmax cross-entropy: per-sample loss and d(loss.sum())/d(logits)."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    idx = (np.arange(len(y)), y.astype(np.int64))
    loss = -np.log(p[idx])
    p[idx] -= 1
    return loss, p


def _dense_floor(x, y, ws, bs, scale, input_grad):
    """Dense ReLU layers, softmax cross-entropy, backward and an SGD step, in NumPy; returns the gradient of
    ``x`` when ``input_grad``."""
    acts = [x]
    for k, (w, b) in enumerate(zip(ws, bs, strict=True)):
        h = acts[-1] @ w.T + b
        acts.append(np.maximum(h, 0) if k < len(ws) - 1 else h)
    _, g = _softmax_ce_grad(acts[-1], y)
    for k in reversed(range(len(ws))):
        gw, gb = g.T @ acts[k], g.sum(axis=0)
        if k:
            g = (g @ ws[k]) * (acts[k] > 0)
        elif input_grad:
            g = g @ ws[k]
        ws[k] -= scale * gw
        bs[k] -= scale * gb
    return g if input_grad else None


def floor_mlp_train():
    x, y = _mlp_data()
    rng = np.random.default_rng(1)
    ws = [rng.standard_normal((o, i)).astype(np.float32) * np.float32(np.sqrt(2 / (i + o)))
          for i, o in itertools.pairwise(MLP_SIZES)]
    bs = [np.zeros(o, np.float32) for o in MLP_SIZES[1:]]
    scale = np.float32(LR / MLP_BATCH)

    def step():
        _dense_floor(x, y, ws, bs, scale, input_grad=False)
    return step, 1


CNN_BATCH = 64


def _cnn_data():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((CNN_BATCH, 1, 28, 28)).astype(np.float32),
            rng.integers(0, 10, CNN_BATCH).astype(np.float32))


def make_cnn_train(mx):
    """LeNet (conv5-pool-conv5-pool-120-84-10, ReLU, max pooling) on 64x1x28x28, one SGD step."""
    nn = mx.gluon.nn
    net = nn.Sequential()
    net.add(nn.Conv2D(6, kernel_size=5, activation="relu"), nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(16, kernel_size=5, activation="relu"), nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"), nn.Dense(10))
    return _gluon_step(mx, net, *_cnn_data())


def _im2col(x, k):
    """(N, C, H, W) -> (N*OH*OW, C*k*k) patches of a stride-1 k x k window (naive copy)."""
    n, c, h, w = x.shape
    oh, ow = h - k + 1, w - k + 1
    cols = np.empty((n, c, k, k, oh, ow), x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = x[:, :, i:i + oh, j:j + ow]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, c * k * k), (n, oh, ow)


def _col2im(cols, shape, k):
    n, c, h, w = shape
    oh, ow = h - k + 1, w - k + 1
    cols = cols.reshape(n, oh, ow, c, k, k).transpose(0, 3, 4, 5, 1, 2)
    out = np.zeros(shape, cols.dtype)
    for i in range(k):
        for j in range(k):
            out[:, :, i:i + oh, j:j + ow] += cols[:, :, i, j]
    return out


def _pool_fwd(x):
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2)
    out = win.max(axis=(3, 5))
    mask = win == out[:, :, :, None, :, None]
    return out, mask


def _pool_bwd(g, mask):
    n, c, h2, _, w2, _ = mask.shape
    return (mask * g[:, :, :, None, :, None]).reshape(n, c, h2 * 2, w2 * 2)


def floor_cnn_train():
    x, y = _cnn_data()
    rng = np.random.default_rng(1)
    conv_shapes = [(6, 1, 5, 5), (16, 6, 5, 5)]
    cw = [rng.standard_normal(s).astype(np.float32) * np.float32(0.1) for s in conv_shapes]
    cb = [np.zeros(s[0], np.float32) for s in conv_shapes]
    sizes = (256, 120, 84, 10)
    fw = [rng.standard_normal((o, i)).astype(np.float32) * np.float32(0.1) for i, o in itertools.pairwise(sizes)]
    fb = [np.zeros(o, np.float32) for o in sizes[1:]]
    scale = np.float32(LR / CNN_BATCH)

    def step():
        tape, a = [], x
        for w, b in zip(cw, cb, strict=False):
            cols, (n, oh, ow) = _im2col(a, 5)
            h = (cols @ w.reshape(w.shape[0], -1).T + b).reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)
            r = np.maximum(h, 0)
            p, mask = _pool_fwd(r)
            tape.append((a.shape, cols, r, mask))
            a = p
        g = _dense_floor(a.reshape(CNN_BATCH, -1), y, fw, fb, scale, input_grad=True).reshape(a.shape)
        for li in reversed(range(len(cw))):
            in_shape, cols, r, mask = tape[li]
            g = _pool_bwd(g, mask) * (r > 0)
            g2 = g.transpose(0, 2, 3, 1).reshape(-1, g.shape[1])
            gw, gb = g2.T @ cols, g2.sum(axis=0)
            if li:
                g = _col2im(g2 @ cw[li].reshape(cw[li].shape[0], -1), in_shape, 5)
            cw[li] -= scale * gw.reshape(cw[li].shape)
            cb[li] -= scale * gb
    return step, 1

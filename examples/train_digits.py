"""Train a LeNet-style CNN with Gluon on scikit-learn's 8x8 handwritten digits (no download needed).

    python examples/train_digits.py [--epochs 15] [--out out/digits_training.png]

Prints the loss and accuracies per epoch (with a tqdm progress bar over the batches), the final test
accuracy, and writes a PNG with the loss and accuracy curves. The code is plain MXNet Gluon; only the import
line differs (``import ndgrad as mx``).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits
from tqdm import tqdm

import ndgrad as mx
from ndgrad import autograd, gluon, nd
from ndgrad.gluon import nn

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after choosing the backend


def lenet() -> nn.HybridSequential:
    """Two conv/pool stages and two dense layers, sized for 1x8x8 inputs."""
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(32, kernel_size=3, padding=1, activation="relu"),
                nn.MaxPool2D(pool_size=2),                      # 32 x 4 x 4
                nn.Conv2D(64, kernel_size=3, padding=1, activation="relu"),
                nn.MaxPool2D(pool_size=2),                      # 64 x 2 x 2
                nn.Flatten(),
                nn.Dense(128, activation="relu"),
                nn.Dropout(0.5),
                nn.Dense(10))
    return net


def batches(x: np.ndarray, y: np.ndarray, batch_size: int, rng: np.random.RandomState | None = None):
    """Minibatches as NDArrays, shuffled when ``rng`` is given."""
    order = rng.permutation(len(x)) if rng is not None else np.arange(len(x))
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        yield nd.array(x[idx]), nd.array(y[idx])


def evaluate(net: nn.HybridSequential, x: np.ndarray, y: np.ndarray, batch_size: int = 256) -> float:
    metric = mx.metric.Accuracy()
    for data, label in batches(x, y, batch_size):
        metric.update([label], [net(data)])
    return metric.get()[1]


def train(net, trainer, loss_fn, data, args, rng, history) -> None:
    """``args.epochs`` epochs of minibatch training; appends loss and accuracies to ``history``."""
    x_train, y_train, x_test, y_test = data
    steps = -(-len(x_train) // args.batch_size)
    for epoch in range(1, args.epochs + 1):
        metric, total_loss = mx.metric.Accuracy(), 0.0
        bar = tqdm(batches(x_train, y_train, args.batch_size, rng), total=steps, desc=f"epoch {epoch:2d}",
                   leave=False, unit="batch")
        for data_batch, label in bar:
            with autograd.record():
                out = net(data_batch)
                loss = loss_fn(out, label)
            loss.backward()
            trainer.step(data_batch.shape[0])
            metric.update([label], [out])
            total_loss += loss.sum().asscalar()
            bar.set_postfix(loss=f"{loss.mean().asscalar():.3f}")
        history["loss"].append(total_loss / len(x_train))
        history["train_acc"].append(metric.get()[1])
        history["test_acc"].append(evaluate(net, x_test, y_test))
        print(f"epoch {epoch:2d}  loss {history['loss'][-1]:.4f}  train acc {history['train_acc'][-1]:.4f}  "
              f"test acc {history['test_acc'][-1]:.4f}")


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/digits_training.png", help="where to write the training curves")
    args = parser.parse_args(argv)

    mx.random.seed(args.seed)
    rng = np.random.RandomState(args.seed)
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]       # (1797, 1, 8, 8) in [0, 1]
    y = digits.target.astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=args.seed, stratify=y)

    net = lenet()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": args.lr})

    history: dict[str, list[float]] = {"loss": [], "train_acc": [], "test_acc": []}
    start = time.time()
    with threadpool_limits(limits=1):  # the matrices are tiny: BLAS threads would only add overhead
        train(net, trainer, loss_fn, (x_train, y_train, x_test, y_test), args, rng, history)
    accuracy = history["test_acc"][-1]
    print(f"test accuracy: {accuracy:.4f} ({len(x_test)} images, {time.time() - start:.1f} s of training)")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    epochs = range(1, args.epochs + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, history["loss"], marker="o")
    ax_loss.set(title="training loss", xlabel="epoch", ylabel="softmax cross-entropy")
    ax_acc.plot(epochs, history["train_acc"], marker="o", label="train")
    ax_acc.plot(epochs, history["test_acc"], marker="s", label="test")
    low = min(history["train_acc"] + history["test_acc"])
    ax_acc.set(title="accuracy", xlabel="epoch", ylabel="accuracy", ylim=(max(0.0, low - 0.02), 1.0))
    ax_acc.legend()
    fig.suptitle("LeNet on scikit-learn digits, trained with ndgrad's Gluon")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    print(f"wrote {out}")
    return accuracy


if __name__ == "__main__":
    main()

"""Record metric goldens from real MXNet 1.9.1 (writes metric.json and metric_data.npz).

Run: /work/main/.venv-mxnet/bin/python tests/data/optdata/gen_metric.py
Each case: a metric built by mx.metric.create(spec, **kwargs), two updates on the data of metric_data.npz,
get() and get_global() after each, then reset_local(), a third update, get/get_global.
"""
import json
import os

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    ["acc", {}, "cls"], ["acc", {"axis": 0}, "cls_t"], ["top_k_acc", {"top_k": 2}, "cls"],
    ["top_k_acc", {"top_k": 3}, "cls"], ["f1", {}, "bin"], ["f1", {"average": "micro"}, "bin"],
    ["mcc", {}, "bin"], ["mcc", {"average": "micro"}, "bin"], ["mae", {}, "reg"], ["mse", {}, "reg"],
    ["rmse", {}, "reg"], ["ce", {}, "prob"], ["ce", {"eps": 0.1}, "prob"], ["nll_loss", {}, "prob"],
    ["perplexity", {"ignore_label": None}, "prob"], ["perplexity", {"ignore_label": 2}, "prob"],
    ["pearsonr", {}, "reg"], ["pearsonr", {"average": "micro"}, "reg"], ["pcc", {}, "cls"], ["loss", {}, "reg"],
    [["acc", "ce"], {}, "prob"], ["acc", {}, "cls_lab"],
]


def make_data():
    rng = np.random.RandomState(3)
    d = {}
    for b in range(3):
        d[f"cls/{b}/label"] = rng.randint(0, 4, size=(8,)).astype(np.float32)
        d[f"cls/{b}/pred"] = rng.uniform(size=(8, 4)).astype(np.float32)
        d[f"cls_t/{b}/label"] = d[f"cls/{b}/label"][:4]
        d[f"cls_t/{b}/pred"] = rng.uniform(size=(3, 4)).astype(np.float32)
        d[f"cls_lab/{b}/label"] = rng.randint(0, 3, size=(6,)).astype(np.float32)
        d[f"cls_lab/{b}/pred"] = rng.randint(0, 3, size=(6,)).astype(np.float32)
        d[f"bin/{b}/label"] = rng.randint(0, 2, size=(10,)).astype(np.float32)
        d[f"bin/{b}/pred"] = rng.uniform(size=(10, 2)).astype(np.float32)
        d[f"reg/{b}/label"] = rng.uniform(size=(6,)).astype(np.float32)
        d[f"reg/{b}/pred"] = (d[f"reg/{b}/label"] + rng.normal(0, 0.3, size=(6,))).astype(np.float32)
        p = rng.uniform(0.05, 1, size=(7, 3)).astype(np.float32)
        d[f"prob/{b}/pred"] = p / p.sum(axis=1, keepdims=True)
        d[f"prob/{b}/label"] = rng.randint(0, 3, size=(7,)).astype(np.float32)
    return d


def main():
    d = make_data()
    results = []
    for spec, kw, data in CASES:
        m = mx.metric.create(spec, **kw)
        rec = []
        for b in range(3):
            if b == 2:
                m.reset_local()
            m.update([mx.nd.array(d[f"{data}/{b}/label"])], [mx.nd.array(d[f"{data}/{b}/pred"])])
            rec.append([m.get(), m.get_global()])
        results.append({"spec": spec, "kwargs": kw, "data": data, "name_values": rec,
                        "name_value": m.get_name_value()})
    np.savez_compressed(os.path.join(HERE, "metric_data.npz"), **d)
    with open(os.path.join(HERE, "metric.json"), "w") as f:
        json.dump(results, f, indent=1, default=float)


if __name__ == "__main__":
    main()

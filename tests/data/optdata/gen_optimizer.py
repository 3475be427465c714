"""Record optimizer and lr_scheduler goldens from real MXNet 1.9.1.

Run with the MXNet venv:  /work/main/.venv-mxnet/bin/python tests/data/optdata/gen_optimizer.py
Writes optimizer.npz (weights after each of 3 steps, final states) and optimizer.json (the cases).
"""
import json
import os

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    ("sgd", {"learning_rate": 0.1}),
    ("sgd", {"learning_rate": 0.1, "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": 0.4}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01, "rescale_grad": 2.0, "clip_gradient": 0.5}),
    ("nag", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01, "clip_gradient": 0.5}),
    ("nag", {"learning_rate": 0.1, "wd": 0.01}),
    ("signum", {"learning_rate": 0.01, "momentum": 0.9, "wd": 0.01, "wd_lh": 0.02}),
    ("signum", {"learning_rate": 0.01, "momentum": 0.0, "wd": 0.01}),
    ("ftml", {"learning_rate": 0.05, "wd": 0.01, "clip_gradient": 0.8, "rescale_grad": 0.7}),
    ("adam", {"learning_rate": 0.01}),
    ("adam", {"learning_rate": 0.01, "wd": 0.1, "clip_gradient": 0.3, "rescale_grad": 0.9, "epsilon": 1e-3}),
    ("adagrad", {"learning_rate": 0.1, "wd": 0.01, "clip_gradient": 0.5}),
    ("adadelta", {"rho": 0.8, "epsilon": 1e-4, "wd": 0.01, "rescale_grad": 0.5}),
    ("adamax", {"learning_rate": 0.01, "wd": 0.01, "clip_gradient": 0.6}),
    ("nadam", {"learning_rate": 0.01, "wd": 0.01}),
    ("rmsprop", {"learning_rate": 0.01, "wd": 0.01, "clip_gradient": 0.5}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True, "wd": 0.01, "clip_weights": 1.0}),
    ("rmsprop", {"learning_rate": 0.01, "gamma1": 0.8, "epsilon": 0.01}),
    ("ftrl", {"learning_rate": 0.1, "lamda1": 0.05, "beta": 1.0, "wd": 0.01}),
    ("lamb", {"learning_rate": 0.01, "wd": 0.01}),
    ("lamb", {"learning_rate": 0.01, "bias_correction": False, "lower_bound": 0.5, "upper_bound": 2.0,
              "clip_gradient": 0.5}),
    ("lars", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01, "eta": 0.01}),
    ("lars", {"learning_rate": 0.1, "eta": 0.01, "rescale_grad": 0.5}),
    ("dcasgd", {"learning_rate": 0.1, "lamda": 0.1, "wd": 0.01}),
    ("test", {"rescale_grad": 0.5}),
    # lr_mult / wd_mult through names, and an lr scheduler
    ("sgd", {"learning_rate": 0.1, "momentum": 0.5, "wd": 0.1, "param_idx2name": {"0": "fc_bias"}}),
    ("adam", {"learning_rate": 0.1, "lr_scheduler": ["factor", {"step": 1, "factor": 0.5}]}),
    ("lbsgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01, "batch_scale": 2, "warmup_epochs": 1,
               "updates_per_epoch": 2}),
    ("lbsgd", {"learning_rate": 0.1, "warmup_strategy": "lars", "wd": 0.01}),
    ("lbsgd", {"learning_rate": 0.1, "warmup_strategy": "sqrt", "batch_scale": 3, "warmup_epochs": 2,
               "updates_per_epoch": 1}),
    ("groupadagrad", {"learning_rate": 0.1, "clip_gradient": 0.5, "rescale_grad": 0.8}),
]


def make_sched(spec):
    kind, kw = spec
    return {"factor": mx.lr_scheduler.FactorScheduler}[kind](**kw)


def main():
    rng = np.random.RandomState(42)
    w0 = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    grads = [rng.uniform(-1, 1, (3, 4)).astype(np.float32) for _ in range(3)]
    out = {"w0": w0}
    for k, g in enumerate(grads):
        out[f"g{k}"] = g
    for c, (name, kw) in enumerate(CASES):
        kw = dict(kw)
        if "param_idx2name" in kw:
            kw["param_idx2name"] = {int(k): v for k, v in kw["param_idx2name"].items()}
        for via in ("update", "updater"):
            if "lr_scheduler" in CASES[c][1]:
                kw["lr_scheduler"] = make_sched(CASES[c][1]["lr_scheduler"])
            opt = mx.optimizer.create(name, **kw)
            w = mx.nd.array(w0)
            if via == "update":
                state = opt.create_state_multi_precision(0, w)
            else:
                upd = mx.optimizer.get_updater(opt)
            for k, g in enumerate(grads):
                gg = mx.nd.array(g)
                if via == "update":
                    opt.update_multi_precision(0, w, gg, state)
                else:
                    upd(0, gg, w)
                out[f"{c}/{via}/w{k}"] = w.asnumpy()
    # float16 weights with a float32 master copy
    for c, (name, kw) in enumerate([("sgd", {"learning_rate": 0.1, "momentum": 0.9, "multi_precision": True}),
                                    ("sgd", {"learning_rate": 0.1, "multi_precision": True}),
                                    ("nag", {"learning_rate": 0.1, "momentum": 0.9, "multi_precision": True}),
                                    ("adam", {"learning_rate": 0.01, "multi_precision": True}),
                                    ("lamb", {"learning_rate": 0.01, "multi_precision": True})]):
        opt = mx.optimizer.create(name, **kw)
        upd = mx.optimizer.get_updater(opt)
        w = mx.nd.array(w0, dtype="float16")
        for k, g in enumerate(grads):
            upd(0, mx.nd.array(g, dtype="float16"), w)
            out[f"mp{c}/w{k}"] = w.asnumpy()
        st = upd.states[0]
        master = st[1] if name in ("sgd", "nag") else st[0]
        out[f"mp{c}/master"] = master.asnumpy()
    # multi-parameter Updater (aggregation path) with lr_mult / wd_mult by index
    opt = mx.optimizer.create("sgd", learning_rate=0.1, momentum=0.9, wd=0.05)
    opt.set_lr_mult({1: 0.5})
    opt.set_wd_mult({2: 0.0})
    upd = mx.optimizer.get_updater(opt)
    ws = [mx.nd.array(w0 * (i + 1)) for i in range(3)]
    for g in grads:
        upd([0, 1, 2], [mx.nd.array(g * (i + 1)) for i in range(3)], ws)
    for i, w in enumerate(ws):
        out[f"multi/w{i}"] = w.asnumpy()
    # the raw update ops
    w, g, m, v = (mx.nd.array(x) for x in (w0, grads[0], grads[1] * 0.1, np.abs(grads[2]) * 0.1))
    r = mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([0.5]), lr=0.01, eta=0.5, wd=0.1, clip_gradient=0.3)
    out["op/adamw"], out["op/adamw_m"], out["op/adamw_v"] = r.asnumpy(), m.asnumpy(), v.asnumpy()
    out["op/adamw_g"] = g.asnumpy()  # MXNet leaves the rescaled, clipped gradient in grad
    g = mx.nd.array(grads[0])
    m = mx.nd.array(grads[1] * 0.1)
    r = mx.nd.sgd_mom_update(w, g, m, lr=0.1, momentum=0.9, wd=0.01)
    out["op/sgd_mom"], out["op/sgd_mom_m"] = r.asnumpy(), m.asnumpy()
    w16 = mx.nd.array(w0, dtype="float16")
    w32, m = mx.nd.array(w0), mx.nd.array(grads[1] * 0.1)
    r = mx.nd.mp_nag_mom_update(w16, mx.nd.array(grads[0], dtype="float16"), m, w32, lr=0.1, momentum=0.9,
                                wd=0.01)
    out["op/mp_nag"], out["op/mp_nag_m"], out["op/mp_nag_w32"] = r.asnumpy(), m.asnumpy(), w32.asnumpy()
    # (contrib.group_adagrad_update has no dense CPU kernel in MXNet 1.9.1; the GroupAdaGrad optimizer case covers it)
    # schedulers
    scheds = {
        "factor": mx.lr_scheduler.FactorScheduler(step=3, factor=0.5, stop_factor_lr=0.01, base_lr=0.1),
        "factor_warm": mx.lr_scheduler.FactorScheduler(step=3, factor=0.5, base_lr=0.1, warmup_steps=4,
                                                       warmup_begin_lr=0.01),
        "multi": mx.lr_scheduler.MultiFactorScheduler(step=[2, 5, 9], factor=0.3, base_lr=1.0),
        "multi_warm": mx.lr_scheduler.MultiFactorScheduler(step=[5, 8], factor=0.5, base_lr=1.0, warmup_steps=3,
                                                           warmup_mode="constant", warmup_begin_lr=0.1),
        "poly": mx.lr_scheduler.PolyScheduler(max_update=10, base_lr=0.5, pwr=2, final_lr=0.01),
        "poly_warm": mx.lr_scheduler.PolyScheduler(max_update=12, base_lr=0.5, pwr=1.5, warmup_steps=3),
        "cosine": mx.lr_scheduler.CosineScheduler(max_update=10, base_lr=0.5, final_lr=0.05),
        "cosine_warm": mx.lr_scheduler.CosineScheduler(max_update=12, base_lr=0.5, warmup_steps=4,
                                                       warmup_begin_lr=0.1),
    }
    for key, s in scheds.items():
        out[f"sched/{key}"] = np.array([s(i) for i in range(15)], dtype=np.float64)
    np.savez_compressed(os.path.join(HERE, "optimizer.npz"), **out)
    with open(os.path.join(HERE, "optimizer.json"), "w") as f:
        json.dump([[n, kw] for n, kw in CASES], f, indent=1)


if __name__ == "__main__":
    main()

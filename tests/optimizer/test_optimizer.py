"""Optimizers against goldens recorded from MXNet 1.9.1 (tests/data/optdata/gen_optimizer.py)."""
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import autograd, nd

DATA = Path(__file__).resolve().parents[1] / "data" / "optdata"
GOLD = np.load(DATA / "optimizer.npz")
CASES = json.loads((DATA / "optimizer.json").read_text())


def _kwargs(kw):
    kw = dict(kw)
    if "param_idx2name" in kw:
        kw["param_idx2name"] = {int(k): v for k, v in kw["param_idx2name"].items()}
    if "lr_scheduler" in kw:
        kind, skw = kw["lr_scheduler"]
        kw["lr_scheduler"] = {"factor": mx.lr_scheduler.FactorScheduler}[kind](**skw)
    return kw


@pytest.mark.parametrize("via", ["update", "updater"])
@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{i}-{n}" for i, (n, _) in enumerate(CASES)])
def test_three_steps_match_mxnet(case, via):
    name, kw = CASES[case]
    opt = mx.optimizer.create(name, **_kwargs(kw))
    w = nd.array(GOLD["w0"])
    buf = w._data
    if via == "update":
        state = opt.create_state_multi_precision(0, w)
    else:
        upd = mx.optimizer.get_updater(opt)
    for k in range(3):
        g = nd.array(GOLD[f"g{k}"])
        if via == "update":
            opt.update_multi_precision(0, w, g, state)
        else:
            upd(0, g, w)
        np.testing.assert_allclose(w.asnumpy(), GOLD[f"{case}/{via}/w{k}"], rtol=2e-5, atol=2e-6,
                                   err_msg=f"{name} {kw} step {k}")
    assert w._data is buf and w.dtype == np.float32  # updated in place


@pytest.mark.parametrize("c,name,kw", [
    (0, "sgd", {"learning_rate": 0.1, "momentum": 0.9}),
    (1, "sgd", {"learning_rate": 0.1}),
    (2, "nag", {"learning_rate": 0.1, "momentum": 0.9}),
    (3, "adam", {"learning_rate": 0.01}),
    (4, "lamb", {"learning_rate": 0.01}),
])
def test_multi_precision_float16(c, name, kw):
    opt = mx.optimizer.create(name, multi_precision=True, **kw)
    upd = mx.optimizer.get_updater(opt)
    w = nd.array(GOLD["w0"], dtype="float16")
    for k in range(3):
        upd(0, nd.array(GOLD[f"g{k}"], dtype="float16"), w)
        assert w.dtype == np.float16
        np.testing.assert_allclose(w.asnumpy().astype(np.float32), GOLD[f"mp{c}/w{k}"].astype(np.float32),
                                   rtol=1e-3, atol=1e-3)
    st = upd.states[0]
    master = st[1] if name in ("sgd", "nag") else st[0]
    assert master.dtype == np.float32
    np.testing.assert_allclose(master.asnumpy(), GOLD[f"mp{c}/master"], rtol=1e-4, atol=1e-5)


def test_updater_multi_index_with_mults():
    opt = mx.optimizer.create("sgd", learning_rate=0.1, momentum=0.9, wd=0.05)
    opt.set_lr_mult({1: 0.5})
    opt.set_wd_mult({2: 0.0})
    upd = mx.optimizer.get_updater(opt)
    ws = [nd.array(GOLD["w0"] * (i + 1)) for i in range(3)]
    for k in range(3):
        upd([0, 1, 2], [nd.array(GOLD[f"g{k}"] * (i + 1)) for i in range(3)], ws)
    for i, w in enumerate(ws):
        np.testing.assert_allclose(w.asnumpy(), GOLD[f"multi/w{i}"], rtol=2e-5, atol=2e-6)


def test_update_ops_match_mxnet():
    w0, g = GOLD["w0"], GOLD["g0"]
    w, gg = nd.array(w0), nd.array(g)
    m, v = nd.array(GOLD["g1"] * 0.1), nd.array(np.abs(GOLD["g2"]) * 0.1)
    r = nd.contrib_adamw_update(w, gg, m, v, nd.array([0.5]), lr=0.01, eta=0.5, wd=0.1, clip_gradient=0.3) \
        if hasattr(nd, "contrib_adamw_update") else nd.adamw_update(w, gg, m, v, nd.array([0.5]), lr=0.01, eta=0.5,
                                                                    wd=0.1, clip_gradient=0.3)
    np.testing.assert_allclose(r.asnumpy(), GOLD["op/adamw"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(m.asnumpy(), GOLD["op/adamw_m"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(v.asnumpy(), GOLD["op/adamw_v"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gg.asnumpy(), GOLD["op/adamw_g"], rtol=1e-6)
    np.testing.assert_array_equal(w.asnumpy(), w0)  # no out=: the weight is untouched
    gg = nd.array(g)
    m = nd.array(GOLD["g1"] * 0.1)
    nd.sgd_mom_update(w, gg, m, lr=0.1, momentum=0.9, wd=0.01, out=w)
    np.testing.assert_allclose(w.asnumpy(), GOLD["op/sgd_mom"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(m.asnumpy(), GOLD["op/sgd_mom_m"], rtol=1e-5, atol=1e-7)


def test_updates_are_not_recorded():
    w = nd.array(GOLD["w0"])
    w.attach_grad()
    with autograd.record():
        y = (w * w).sum()
    y.backward()
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9)
    state = opt.create_state(0, w)
    with autograd.record():
        opt.update(0, w, w.grad, state)
    np.testing.assert_allclose(w.asnumpy(), GOLD["w0"] - 0.1 * 2 * GOLD["w0"], rtol=1e-6)


def test_registry_and_create():
    assert isinstance(mx.optimizer.create("SGD"), mx.optimizer.SGD)
    assert isinstance(mx.optimizer.Optimizer.create_optimizer("adam", learning_rate=0.1), mx.optimizer.Adam)
    assert mx.optimizer.create("adam", learning_rate=0.1).learning_rate == 0.1
    with pytest.raises(ValueError, match="Cannot find optimizer"):
        mx.optimizer.create("nope")

    @mx.optimizer.register
    class MyOpt(mx.optimizer.Optimizer):
        pass

    assert type(mx.optimizer.create("myopt")) is MyOpt
    del mx.optimizer.Optimizer.opt_registry["myopt"]


def test_learning_rate_and_scheduler():
    opt = mx.optimizer.SGD()
    assert opt.learning_rate == 0.01
    opt.set_learning_rate(0.3)
    assert opt.learning_rate == 0.3
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(lr_scheduler=sched)
    with pytest.raises(UserWarning):
        opt.set_learning_rate(0.1)
    w, g = nd.ones((2,)), nd.ones((2,))
    for _ in range(3):
        opt.update(0, w, g, None)
    assert opt.num_update == 3 and opt.learning_rate == 0.25
    np.testing.assert_allclose(w.asnumpy(), 1 - (1 + 0.5 + 0.25), rtol=1e-6)


def test_wd_mult_from_names_and_param_dict():
    opt = mx.optimizer.SGD(param_idx2name={0: "fc_weight", 1: "fc_bias", 2: "bn_gamma"}, wd=0.1)
    assert opt._get_wd(0) == 0.1 and opt._get_wd(1) == 0.0 and opt._get_wd(2) == 0.1

    class P:
        lr_mult, wd_mult = 2.0, 3.0

    opt = mx.optimizer.SGD(learning_rate=0.5, wd=0.1, param_dict={0: P()})
    assert opt._get_lr(0) == 1.0 and opt._get_wd(0) == pytest.approx(0.3) and opt._get_lr(1) == 0.5


def test_updater_states_roundtrip():
    opt = mx.optimizer.Adam()
    upd = mx.optimizer.get_updater(opt)
    w = nd.array(GOLD["w0"])
    upd(0, nd.array(GOLD["g0"]), w)
    blob = upd.get_states(dump_optimizer=True)
    upd2 = mx.optimizer.get_updater(mx.optimizer.Adam())
    upd2.set_states(blob)
    w2 = w.copy()
    upd(0, nd.array(GOLD["g1"]), w)
    upd2(0, nd.array(GOLD["g1"]), w2)
    np.testing.assert_allclose(w.asnumpy(), w2.asnumpy(), rtol=1e-6)
    assert isinstance(pickle.loads(upd.get_states()), dict)


def test_sgld_noise_follows_seed():
    def run():
        mx.random.seed(3)
        opt = mx.optimizer.SGLD(learning_rate=0.01)
        w = nd.zeros((1000,))
        opt.update(0, w, nd.zeros((1000,)), None)
        return w.asnumpy()
    a, b = run(), run()
    np.testing.assert_array_equal(a, b)
    assert abs(a.std() - 0.1) < 0.02 and abs(a.mean()) < 0.02


def test_adamw_decoupled_decay():
    opt = mx.optimizer.create("adamw", learning_rate=0.1, wd=0.5)
    w = nd.ones((3,))
    st = opt.create_state(0, w)
    opt.update(0, w, nd.zeros((3,)), st)  # zero gradient: only the decay acts
    np.testing.assert_allclose(w.asnumpy(), 1 - 0.1 * 0.5, rtol=1e-6)


def test_dcasgd_momentum_fails_as_in_mxnet():
    opt = mx.optimizer.create("dcasgd", momentum=0.9, learning_rate=0.1)
    w = nd.ones((3,))
    with pytest.raises(ValueError, match="ambiguous"):
        opt.update(0, w, nd.ones((3,)), opt.create_state(0, w))
    w = nd.ones((1,))
    with pytest.raises(AssertionError):
        opt.update(0, w, nd.ones((1,)), opt.create_state(0, w))


def test_group_adagrad_rejects_decay_and_vectors():
    opt = mx.optimizer.contrib.GroupAdaGrad(wd=0.1)
    w = nd.ones((2, 3))
    with pytest.raises(mx.MXNetError, match="Weight decay"):
        opt.update(0, w, nd.ones((2, 3)), opt.create_state(0, w))
    with pytest.raises(mx.MXNetError, match="2-D"):
        opt.create_state(0, nd.ones((3,)))


def test_mp_nag_and_group_adagrad_ops():
    w0, g = GOLD["w0"], GOLD["g0"]
    w16 = nd.array(w0, dtype="float16")
    w32, m = nd.array(w0), nd.array(GOLD["g1"] * 0.1)
    r = nd.mp_nag_mom_update(w16, nd.array(g, dtype="float16"), m, w32, lr=0.1, momentum=0.9, wd=0.01)
    assert r.dtype == np.float16
    np.testing.assert_allclose(r.asnumpy().astype(np.float32), GOLD["op/mp_nag"].astype(np.float32), atol=1e-3)
    np.testing.assert_allclose(m.asnumpy(), GOLD["op/mp_nag_m"], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(w32.asnumpy(), GOLD["op/mp_nag_w32"], rtol=1e-3, atol=1e-4)
    # the op agrees with the GroupAdaGrad optimizer (checked against MXNet in the three-step cases)
    opt = mx.optimizer.contrib.GroupAdaGrad(learning_rate=0.1, rescale_grad=0.5, clip_gradient=0.2)
    w, hist = nd.array(w0), nd.array(np.abs(GOLD["g2"][:, :1]))
    hist2 = hist.copy()
    r = nd.group_adagrad_update(w, nd.array(g), hist, lr=0.1, rescale_grad=0.5, clip_gradient=0.2,
                                epsilon=1e-5)
    opt.update(0, w, nd.array(g), hist2)
    np.testing.assert_allclose(r.asnumpy(), w.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(hist.asnumpy(), hist2.asnumpy(), rtol=1e-6)

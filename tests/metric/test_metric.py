"""Metrics against MXNet 1.9.1 goldens (tests/data/optdata/gen_metric.py) and behaviour checks."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import nd

DATA = Path(__file__).resolve().parents[1] / "data" / "optdata"
CASES = json.loads((DATA / "metric.json").read_text())
ARR = np.load(DATA / "metric_data.npz")


def _close(got, want):
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            _close(g, w)
    elif isinstance(want, str):
        assert got == want
    elif want is None or (isinstance(want, float) and math.isnan(want)):
        assert got is None or math.isnan(got)
    else:
        assert float(got) == pytest.approx(want, rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['spec']}-{c['data']}" for i, c in enumerate(CASES)])
def test_metric_matches_mxnet(case):
    m = mx.metric.create(case["spec"], **case["kwargs"])
    data = case["data"]
    for b in range(3):
        if b == 2:
            m.reset_local()
        m.update([nd.array(ARR[f"{data}/{b}/label"])], [nd.array(ARR[f"{data}/{b}/pred"])])
        want_local, want_global = case["name_values"][b]
        _close(list(m.get()), want_local)
        _close(list(m.get_global()), want_global)
    _close([list(t) for t in m.get_name_value()], case["name_value"])


def test_accuracy_basic_and_reset():
    acc = mx.metric.Accuracy()
    assert math.isnan(acc.get()[1])
    acc.update(nd.array([0, 1, 1]), nd.array([[0.3, 0.7], [0, 1.0], [0.4, 0.6]]))
    assert acc.get() == ("accuracy", pytest.approx(2 / 3))
    assert acc.num_inst == 3 and acc.sum_metric == 2
    acc.reset()
    assert acc.num_inst == 0 and math.isnan(acc.get()[1])
    with pytest.raises(ValueError, match="does not match"):
        acc.update([nd.array([1])], [nd.array([[0, 1.0]]), nd.array([[0, 1.0]])])


def test_registry_create_custom_and_np():
    assert isinstance(mx.metric.create("acc"), mx.metric.Accuracy)
    assert isinstance(mx.metric.create("ce"), mx.metric.CrossEntropy)
    comp = mx.metric.create(["acc", "mse"])
    assert isinstance(comp, mx.metric.CompositeEvalMetric) and len(comp.metrics) == 2

    def my_err(label, pred):
        return float(np.abs(label - pred).sum()), label.size

    m = mx.metric.create(my_err)
    assert isinstance(m, mx.metric.CustomMetric) and m.name == "my_err"
    m.update([nd.array([1.0, 2.0])], [nd.array([1.5, 2.0])])
    assert m.get() == ("my_err", pytest.approx(0.25))
    n = mx.metric.np(lambda label, pred: float((label == pred).mean()))
    assert n.name == "custom(<lambda>)"
    n.update([nd.array([1.0, 2.0])], [nd.array([1.0, 3.0])])
    assert n.get()[1] == pytest.approx(0.5)
    with pytest.raises(mx.MXNetError, match="not registered"):
        mx.metric.create("nope")
    cfg = mx.metric.Accuracy(axis=0).get_config()
    assert cfg["metric"] == "Accuracy" and cfg["axis"] == 0

    @mx.metric.register
    class Always1(mx.metric.EvalMetric):
        def __init__(self):
            super().__init__("always1")

        def update(self, labels, preds):
            self.sum_metric += 1
            self.num_inst += 1

    assert mx.metric.create("always1").name == "always1"


def test_loss_metric_and_str():
    m = mx.metric.Loss()
    m.update(None, nd.array([1.0, 2.0, 3.0]))
    assert m.get() == ("loss", pytest.approx(2.0))
    assert str(m) == "EvalMetric: {'loss': 2.0}"


def test_topk_requires_k_above_one():
    with pytest.raises(AssertionError):
        mx.metric.TopKAccuracy(top_k=1)
    m = mx.metric.TopKAccuracy(top_k=2)
    m.update([nd.array([2, 0])], [nd.array([[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]])])
    assert m.get() == ("top_k_accuracy_2", 0.5)


def test_f1_binary_only():
    with pytest.raises(ValueError, match="binary"):
        mx.metric.F1().update([nd.array([0, 1, 2])], [nd.array(np.eye(3))])

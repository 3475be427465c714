"""x[key] and x[key] = value against MXNet 1.9.1's recorded answers (tests/data/indexlinalg/getitem.json)."""
import json
from pathlib import Path

import numpy as np
import pytest

from ndgrad import autograd, nd
from ndgrad.base import MXNetError

GOLD = json.loads((Path(__file__).parents[1] / "data" / "indexlinalg" / "getitem.json").read_text())


def _key(src):
    return eval(src, {"nd": nd, "np": np})


@pytest.mark.parametrize("case", GOLD["get"], ids=lambda c: f"{c['key']}@{c['shape_in']}")
def test_getitem_matches_mxnet(case):
    shape = tuple(case["shape_in"])
    x = nd.arange(int(np.prod(shape))).reshape(shape)
    if "error" in case:
        with pytest.raises(IndexError if case["error"] == "IndexError" else MXNetError):
            x[_key(case["key"])]
        return
    y = x[_key(case["key"])]
    assert y.shape == tuple(case["shape"])
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.asnumpy().ravel(), case["value"])
    before = y.asnumpy().copy()
    x[:] = x + 100
    shares = not np.array_equal(before, y.asnumpy())
    assert shares == case["shares"], "memory sharing differs from MXNet"


@pytest.mark.parametrize("case", GOLD["set"], ids=lambda c: f"{c['key']}={c['value_src']}")
def test_setitem_matches_mxnet(case):
    x = nd.arange(24).reshape((2, 3, 4))
    if "error" in case:
        with pytest.raises(MXNetError):
            x[_key(case["key"])] = _key(case["value_src"])
        return
    x[_key(case["key"])] = _key(case["value_src"])
    np.testing.assert_array_equal(x.asnumpy().ravel(), case["result"])


def test_getitem_gradient_adds_repeated_rows():
    x = nd.arange(12).reshape((3, 4))
    x.attach_grad()
    with autograd.record():
        y = x[[0, 2, 2]]
    y.backward(nd.arange(12).reshape((3, 4)))
    np.testing.assert_array_equal(x.grad.asnumpy().ravel(), GOLD["grad_repeat"])


def test_setitem_on_recorded_array_raises():
    x = nd.ones((2, 2))
    x.attach_grad()
    with autograd.record():
        y = x * 2
        with pytest.raises(MXNetError):
            y[0] = 1

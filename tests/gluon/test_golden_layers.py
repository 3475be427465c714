"""Each Gluon layer's forward and gradients against MXNet 1.9.1, with fixed Parameters."""
from __future__ import annotations

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import autograd, nd
from ndgrad.gluon import nn
from ndgrad.gluon.contrib import nn as cnn
from ndgrad.test_utils import assert_almost_equal

from ._helpers import golden

META, ARRAYS = golden("layers")



def build(expr: str):
    block = eval(expr)
    if isinstance(block, cnn.HybridConcurrent):
        with block.name_scope():
            block.add(nn.Dense(2), nn.Dense(3))
    return block


@pytest.mark.parametrize("case", sorted(META))
def test_layer_matches_mxnet(case):
    meta = META[case]
    with mx.name.NameManager():
        block = build(meta["expr"])
    x_np = ARRAYS[f"{case}/x"]
    x = nd.array(x_np, dtype=np.int64 if meta["int_input"] else np.float32)
    values = {name: ARRAYS[f"{case}/param:{name}"] for name in meta["params"]}
    params = block._collect_params_with_prefix()
    assert sorted(params) == sorted(values)
    for name, value in values.items():
        params[name]._load_init(nd.array(value), None)
    for mode in meta["modes"]:
        xx = x.copy()
        if not meta["int_input"]:
            xx.attach_grad()
        with autograd.record(train_mode=mode == "train"):
            y = block(xx)
        y.backward(nd.array(ARRAYS[f"{case}/{mode}/head"]), train_mode=mode == "train")
        assert_almost_equal(y, ARRAYS[f"{case}/{mode}/y"], rtol=1e-4, atol=1e-5)
        # MXNet 1.9.1's SELU backward deviates from the derivative for negative inputs; ndgrad's is exact
        if not meta["int_input"] and case != "selu":
            assert_almost_equal(xx.grad, ARRAYS[f"{case}/{mode}/grad:x"], rtol=1e-4, atol=1e-5)
        for name, p in params.items():
            if p.grad_req != "null":
                assert_almost_equal(p.grad(), ARRAYS[f"{case}/{mode}/grad:{name}"], rtol=1e-4, atol=1e-5,
                                    names=(f"grad of {name}", "mxnet"))
            else:  # running statistics, updated in training mode
                assert_almost_equal(p.data(), ARRAYS[f"{case}/{mode}/after:{name}"], rtol=1e-4, atol=1e-5,
                                    names=(name, "mxnet"))
    assert repr(block) == meta["repr"]

"""Block.save / Block.load: MXNet's architecture JSON beside the parameter file, and the round trip."""
import json

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import gluon, nd
from ndgrad.base import MXNetError


def _net(units=3):
    net = gluon.nn.Sequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(units, in_units=2), gluon.nn.Dense(1, in_units=units))
    return net


def test_save_writes_mxnets_structure_and_round_trips(tmp_path):
    with mx.name.NameManager():
        net = _net()
    net.initialize()
    prefix = str(tmp_path / "model")
    net.save(prefix)
    # what MXNet 1.9.1 writes for the same network
    assert json.loads((tmp_path / "model-model.json").read_text()) == {"sequential0": {
        "orig_name": "sequential0", "children": {"sequential0_dense0": "0", "sequential0_dense1": "1"},
        "dense1": {"orig_name": "sequential0_dense0", "hybridized": False, "children": {}},
        "dense2": {"orig_name": "sequential0_dense1", "hybridized": False, "children": {}}}}
    assert sorted(nd.load(prefix + "-model.params")) == ["0.bias", "0.weight", "1.bias", "1.weight"]
    other = _net()
    other.load(prefix)
    x = nd.array(np.random.default_rng(0).standard_normal((4, 2)))
    np.testing.assert_array_equal(other(x).asnumpy(), net(x).asnumpy())


def test_load_into_a_differently_built_block_is_a_clear_error(tmp_path):
    net = _net()
    net.initialize()
    net.save(str(tmp_path / "m"))
    single = gluon.nn.Sequential()
    single.add(gluon.nn.Dense(3, in_units=2))
    with pytest.raises(MXNetError, match="children"):
        single.load(str(tmp_path / "m"))

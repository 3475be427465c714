"""Automatic block and Parameter names, against MXNet 1.9.1 (tests/data/gluon/names.json)."""
from __future__ import annotations

import json

import ndgrad as mx
from ndgrad import gluon
from ndgrad.gluon import nn

from ._helpers import DATA, SHARED

NAMES = json.loads((DATA / "names.json").read_text())


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


def test_names_match_mxnet():
    with mx.name.NameManager():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Conv2D(6, 5, activation="relu"), nn.MaxPool2D(), nn.Dense(10, activation="relu"),
                    nn.BatchNorm(), nn.Dense(3))
        d1, d2 = nn.Dense(3), nn.Dense(3, prefix="mine_")
        assert list(net.collect_params().keys()) == NAMES["lenet_like"]["params"]
        assert list(net._collect_params_with_prefix()) == NAMES["lenet_like"]["structural"]
        assert repr(net) == NAMES["lenet_like"]["repr"]
        names = [d1.name, d2.name, nn.Dense(2).name, nn.Conv2D(2, 3).name, nn.MaxPool2D().name,
                 nn.Activation("relu").name, nn.Sequential().name]
        assert names == NAMES["top_level"]["names"]
        n = Net()
        assert list(n.collect_params().keys()) == NAMES["custom"]["params"]
        assert list(n._collect_params_with_prefix()) == NAMES["custom"]["structural"]
        assert list(n.collect_params(".*dense0.*").keys()) == NAMES["custom"]["select"]
        seq = nn.Sequential()
        with seq.name_scope():
            seq.add(nn.Dense(2), nn.Dense(2), nn.Dense(2))
        sliced = seq[1:]
        assert sliced.name == NAMES["slice"]["name"]
        assert list(sliced.collect_params().keys()) == NAMES["slice"]["params"]
        assert len(sliced) == NAMES["slice"]["len"]


def test_shared_lenet_names():
    meta = json.loads((SHARED / "lenet.names.json").read_text())
    with mx.name.NameManager():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Conv2D(6, 5, activation="relu"), nn.MaxPool2D(2), nn.Conv2D(16, 5, activation="relu"),
                    nn.MaxPool2D(2), nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"),
                    nn.BatchNorm(), nn.Dense(10))
    assert list(net._collect_params_with_prefix()) == meta["structural_names"]
    assert list(net.collect_params().keys()) == meta["full_names"]


def test_name_manager_restarts_counters():
    with mx.name.NameManager():
        assert nn.Dense(1).name == "dense0"
        with mx.name.NameManager():
            assert nn.Dense(1).name == "dense0"
        assert nn.Dense(1).name == "dense1"
    with mx.name.Prefix("outer_"):
        assert nn.Dense(1).name == "outer_dense0"


def test_empty_prefix_scope_passes_names_through():
    with mx.name.NameManager():
        outer = nn.HybridSequential(prefix="")
        with outer.name_scope():
            outer.add(nn.Dense(2))
        assert outer[0].name == "dense0"

"""Recurrent cells and fused layers against MXNet 1.9.1 (tests/data/gluon/rnn.*)."""
from __future__ import annotations

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import autograd, nd
from ndgrad.gluon import rnn
from ndgrad.test_utils import assert_almost_equal

from ._helpers import golden

META, ARRAYS = golden("rnn")


def seq_cells():
    cell = rnn.SequentialRNNCell()
    with cell.name_scope():
        cell.add(rnn.LSTMCell(4))
        cell.add(rnn.GRUCell(3))
    return cell


@pytest.mark.parametrize("case", sorted(META))
def test_recurrent_matches_mxnet(case):
    meta = META[case]
    with mx.name.NameManager():
        block = eval(meta["expr"])
    params = block._collect_params_with_prefix()
    assert list(params) == meta["params"]
    for name in meta["params"]:
        params[name]._load_init(nd.array(ARRAYS[f"{case}/param:{name}"]), mx.cpu())
    assert list(block.collect_params().keys()) == meta["names"]
    x = nd.array(ARRAYS[f"{case}/x"])
    x.attach_grad()
    with autograd.record():
        if meta["kind"] == "unroll":
            out, states = block.unroll(x.shape[1], x, layout="NTC", merge_outputs=True)
        elif meta["kind"] == "unroll_valid":
            out, states = block.unroll(x.shape[1], x, layout="NTC", merge_outputs=True,
                                       valid_length=nd.array([2, 4]))
        elif meta["kind"] == "layer":
            out, states = block(x), []
        else:
            out, states = block(x, block.begin_state(x.shape[block._layout.find("N")]))
    out.backward(nd.array(ARRAYS[f"{case}/head"]))
    assert_almost_equal(out, ARRAYS[f"{case}/out"], rtol=1e-4, atol=1e-5)
    assert len(states) == meta["nstates"]
    for i, st in enumerate(states):
        assert_almost_equal(st, ARRAYS[f"{case}/state{i}"], rtol=1e-4, atol=1e-5, names=(f"state {i}", "mxnet"))
    assert_almost_equal(x.grad, ARRAYS[f"{case}/grad:x"], rtol=1e-4, atol=1e-5, names=("grad x", "mxnet"))
    for name, p in params.items():
        assert_almost_equal(p.grad(), ARRAYS[f"{case}/grad:{name}"], rtol=1e-4, atol=1e-5,
                            names=(f"grad of {name}", "mxnet"))
    assert repr(block).replace("\n", " / ") == meta["repr"].replace("\n", " / ")


def test_cell_step_and_list_unroll():
    cell = rnn.GRUCell(3, input_size=2)
    cell.initialize()
    states = cell.begin_state(batch_size=4)
    assert [s.shape for s in states] == [(4, 3)]
    out, new_states = cell(nd.ones((4, 2)), states)
    assert out.shape == (4, 3) and new_states[0] is out
    outs, _ = cell.unroll(5, [nd.ones((4, 2))] * 5)
    assert isinstance(outs, list) and len(outs) == 5
    merged, _ = cell.unroll(5, nd.ones((5, 4, 2)), layout="TNC", merge_outputs=True)
    assert merged.shape == (5, 4, 3)


def test_layer_without_states_returns_output_only_and_checks_state_shape():
    layer = rnn.LSTM(3, input_size=2)
    layer.initialize()
    assert layer(nd.ones((4, 2, 2))).shape == (4, 2, 3)
    _, states = layer(nd.ones((4, 2, 2)), layer.begin_state(2))
    assert [s.shape for s in states] == [(1, 2, 3), (1, 2, 3)]
    with pytest.raises(ValueError, match="Invalid recurrent state shape"):
        layer(nd.ones((4, 2, 2)), layer.begin_state(3))


def test_layer_deferred_input_size_and_modifier_rules():
    layer = rnn.GRU(2)
    layer.initialize()
    assert layer(nd.ones((3, 1, 6))).shape == (3, 1, 2)
    assert layer.l0_i2h_weight.shape == (6, 6)
    cell = rnn.RNNCell(2)
    rnn.ZoneoutCell(cell, zoneout_outputs=0.5)
    with pytest.raises(mx.MXNetError, match="modifier cells"):
        cell.begin_state(1)
    with pytest.raises(NotImplementedError, match="unroll"):
        rnn.BidirectionalCell(rnn.RNNCell(1), rnn.RNNCell(1))(nd.ones((1, 1)), [])


def test_valid_length_masks_outputs():
    cell = rnn.RNNCell(2, input_size=1)
    cell.initialize()
    x = nd.ones((2, 4, 1))
    out, states = cell.unroll(4, x, layout="NTC", merge_outputs=True, valid_length=nd.array([2, 4]))
    assert np.all(out.asnumpy()[0, 2:] == 0) and np.any(out.asnumpy()[1, 2:] != 0)
    np.testing.assert_allclose(states[0].asnumpy()[0], out.asnumpy()[0, 1])

"""The fused recurrent op ``RNN`` (rnn_relu, rnn_tanh, lstm, gru), with MXNet's flat parameter layout.

``RNN`` is composed of registered ops: the input projections of a whole layer are one FullyConnected, then
a Python loop over time steps applies the recurrent cell with ndgrad ops. Autograd records every step, so
gradients (of any order) flow through the unrolled sequence with no gradient rule of its own.

The flat ``parameters`` vector holds, as MXNet (and cuDNN) lay it out, all weights first, then all biases:
for each layer, for each direction, ``W_i2h (G*H, in)`` then ``W_h2h (G*H, H)``; then for each layer and
direction ``b_i2h (G*H,)`` then ``b_h2h (G*H,)``. ``G`` is 1, 4 (gates i, f, g, o) or 3 (gates r, z, n).
"""
from __future__ import annotations

import numpy as np

from ..backend import to_device, to_host
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .registry import bind_public
from .registry import fn as F

_GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def rnn_param_size(mode: str, num_layers: int, bidirectional: bool, input_size: int, state_size: int) -> int:
    """Number of elements of the flat parameter vector."""
    g, h, d = _GATES[mode], state_size, 2 if bidirectional else 1
    size = 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else d * h
        size += d * (g * h * width + g * h * h + 2 * g * h)
    return size


def _unpack(params, mode, num_layers, dirs, input_size, h):
    """Slice the flat vector into {(layer, direction): (w_i2h, w_h2h, b_i2h, b_h2h)}."""
    g = _GATES[mode]
    pos = 0

    def take(shape):
        nonlocal pos
        n = shape[0] * (shape[1] if len(shape) > 1 else 1)
        part = F.slice_axis(params, axis=0, begin=pos, end=pos + n)
        pos += n
        return F.reshape(part, shape=shape)

    weights = {}
    for layer in range(num_layers):
        width = input_size if layer == 0 else dirs * h
        for d in range(dirs):
            weights[layer, d] = (take((g * h, width)), take((g * h, h)))
    out = {}
    for layer in range(num_layers):
        for d in range(dirs):
            out[layer, d] = (*weights[layer, d], take((g * h,)), take((g * h,)))
    return out


def _cell(mode, xp, h, c, w_h2h, b_h2h, hidden, clip):
    """One time step: ``xp`` is the input projection for this step; returns (h, c)."""
    g = _GATES[mode]
    hp = F.FullyConnected(h, w_h2h, b_h2h, num_hidden=g * hidden)
    if mode == "rnn_tanh":
        return F.tanh(xp + hp), None
    if mode == "rnn_relu":
        return F.relu(xp + hp), None
    if mode == "lstm":
        i, f, cand, o = F.split(xp + hp, num_outputs=4, axis=1)
        c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(cand)
        if clip is not None:
            c = F.clip(c, a_min=clip[0], a_max=clip[1])
        return F.sigmoid(o) * F.tanh(c), c
    xr, xz, xn = F.split(xp, num_outputs=3, axis=1)
    hr, hz, hn = F.split(hp, num_outputs=3, axis=1)
    r = F.sigmoid(xr + hr)
    z = F.sigmoid(xz + hz)
    n = F.tanh(xn + r * hn)
    return (1 - z) * n + z * h, None


def _const(raw, ctx):
    return NDArray(to_device(np.ascontiguousarray(raw), ctx.device_type, ctx.device_id), ctx)


def _direction(mode, x, h, c, weights, hidden, reverse, clip, lengths=None):
    """Run one direction of one layer over ``x`` (T, N, in); returns (outputs (T, N, H), h, c).

    With ``lengths`` (a NumPy vector), steps past a sequence's end leave its state unchanged and output
    zeros; the reverse direction then reads each sequence backwards from its own last step.
    """
    w_i2h, w_h2h, b_i2h, b_h2h = weights
    steps, batch = x.shape[0], x.shape[1]
    g = _GATES[mode]
    if lengths is not None and reverse:
        seq_len = _const(lengths.astype(x.dtype), x.context)
        x = F.SequenceReverse(x, seq_len, use_sequence_length=True)
    xp = F.reshape(F.FullyConnected(F.reshape(x, shape=(steps * batch, -1)), w_i2h, b_i2h, num_hidden=g * hidden),
                   shape=(steps, batch, g * hidden))
    outs = [None] * steps
    order = range(steps - 1, -1, -1) if reverse and lengths is None else range(steps)
    for t in order:
        hn, cn = _cell(mode, xp[t], h, c, w_h2h, b_h2h, hidden, clip)
        if lengths is None:
            h, c = hn, cn
            outs[t] = h
            continue
        live = _const(np.broadcast_to((t < lengths)[:, None], (batch, hidden)).astype(x.dtype), x.context)
        h = F.where(live, hn, h)
        if c is not None:
            c = F.where(live, cn, c)
        outs[t] = hn * live
    out = F.stack(*outs, axis=0)
    if lengths is not None and reverse:
        out = F.SequenceReverse(out, seq_len, use_sequence_length=True)
    return out, h, c


def RNN(data, parameters, state, state_cell=None, sequence_length=None, state_size=None, num_layers=None,
        bidirectional=False, mode=None, p=0.0, state_outputs=False, projection_size=None,
        lstm_state_clip_min=None, lstm_state_clip_max=None, lstm_state_clip_nan=False,
        use_sequence_length=False, out=None, name=None):
    """Applies a multi-layer recurrent network (Elman RNN with ReLU or tanh, LSTM or GRU) to ``data`` of
    shape ``(seq_len, batch, input_size)``.

    ``parameters`` is the flat vector of all weights then all biases (MXNet's layout; see the module
    docstring), ``state`` the initial hidden state ``(num_layers * directions, batch, state_size)`` and, for
    LSTM, ``state_cell`` the initial cell state. Returns the output ``(seq_len, batch, directions *
    state_size)``, and with ``state_outputs`` also the final hidden state (and the final cell state for
    LSTM). ``p`` is the dropout applied to the outputs of every layer but the last, in training.

    With ``use_sequence_length``, sequence ``i`` stops after ``sequence_length[i]`` steps (its outputs past
    that are zero and its final state is the one at its last step), as cuDNN-backed MXNet does; MXNet's CPU
    kernel ignores ``sequence_length``, and it and ``lstm_state_clip_*`` (which ndgrad applies) only act
    on GPU there.
    """
    if mode not in _GATES:
        raise MXNetError(f"RNN: mode must be one of 'gru', 'lstm', 'rnn_relu', 'rnn_tanh', got {mode!r}")
    if state_size is None or num_layers is None:
        raise MXNetError("RNN: Required parameters state_size and num_layers are not presented")
    if projection_size is not None:
        raise NotImplementedError("RNN: projection_size (LSTMP), not yet in ndgrad")
    if lstm_state_clip_nan:
        raise NotImplementedError("RNN: lstm_state_clip_nan, not yet in ndgrad")
    if data.ndim != 3:
        raise MXNetError(f"RNN: data must have shape (seq_len, batch, input_size), got {data.shape}")
    _, batch, input_size = data.shape
    dirs = 2 if bidirectional else 1
    hidden = state_size
    want = rnn_param_size(mode, num_layers, bidirectional, input_size, hidden)
    if parameters.shape != (want,):
        raise MXNetError(f"RNN: parameters has shape {parameters.shape}, expected ({want},) for mode={mode!r}, "
                         f"num_layers={num_layers}, bidirectional={bidirectional}, input_size={input_size}, "
                         f"state_size={hidden}")
    if state.shape != (num_layers * dirs, batch, hidden):
        raise MXNetError(f"RNN: state has shape {state.shape}, expected {(num_layers * dirs, batch, hidden)}")
    if mode == "lstm" and (state_cell is None or state_cell.shape != state.shape):
        raise MXNetError(f"RNN: mode='lstm' needs state_cell of shape {state.shape}")
    clip = None
    if mode == "lstm" and (lstm_state_clip_min is not None or lstm_state_clip_max is not None):
        clip = (lstm_state_clip_min, lstm_state_clip_max)
    if mode != "lstm" and state_cell is not None:
        # MXNet's inputs are positional by mode: without a cell state the 4th array is sequence_length
        # (Gluon calls RNN(inputs, params, *states, sequence_length))
        if sequence_length is not None:
            raise MXNetError(f"RNN: mode={mode!r} takes no state_cell")
        sequence_length, state_cell = state_cell, None
    lengths = None
    if use_sequence_length:
        if sequence_length is None:
            raise MXNetError("RNN: use_sequence_length=True needs the sequence_length input")
        lengths = np.asarray(to_host(sequence_length._data)).astype(np.int64).reshape(-1)
        if lengths.shape != (batch,) or lengths.min() < 1 or lengths.max() > data.shape[0]:
            raise MXNetError(f"RNN: sequence_length must hold {batch} lengths in [1, {data.shape[0]}], "
                             f"got {lengths.tolist()}")
    weights = _unpack(parameters, mode, num_layers, dirs, input_size, hidden)
    x = data
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            h0 = state[k]
            c0 = state_cell[k] if mode == "lstm" else None
            o, h, c = _direction(mode, x, h0, c0, weights[layer, d], hidden, d == 1, clip, lengths)
            outs.append(o)
            hs.append(h)
            cs.append(c)
        x = outs[0] if dirs == 1 else F.concat(*outs, dim=2)
        if p and layer < num_layers - 1:
            x = F.Dropout(x, p=p)
    if not state_outputs:
        res = x
    else:
        res = [x, F.stack(*hs, axis=0)]
        if mode == "lstm":
            res.append(F.stack(*cs, axis=0))
    if out is not None:
        outs = res if isinstance(res, list) else [res]
        targets = out if isinstance(out, (list, tuple)) else [out]
        for t, r in zip(targets, outs, strict=False):
            F.copy(r, out=t)
        return out
    return res


bind_public("RNN", RNN)

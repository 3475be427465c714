"""Recurrent cells (``mxnet.gluon.rnn``): one time step per call, ``unroll`` for a whole sequence."""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ndarray as nd
from ...base import MXNetError
from ...ndarray import NDArray
from ..block import Block, HybridBlock, _indent
from ..nn.basic_layers import _SequentialMixin

__all__ = ["RecurrentCell", "HybridRecurrentCell", "RNNCell", "LSTMCell", "GRUCell", "SequentialRNNCell",
           "HybridSequentialRNNCell", "DropoutCell", "ModifierCell", "ZoneoutCell", "ResidualCell",
           "BidirectionalCell"]


def _cells_state_info(cells: Any, batch_size: int) -> list:
    return [info for c in cells for info in c.state_info(batch_size)]


def _cells_begin_state(cells: Any, **kwargs: Any) -> list:
    return [state for c in cells for state in c.begin_state(**kwargs)]


def _get_begin_state(cell: RecurrentCell, begin_state: Any, inputs: Any, batch_size: int) -> list:
    if begin_state is None:
        ctx = inputs.context if isinstance(inputs, NDArray) else inputs[0].context
        with ctx:
            begin_state = cell.begin_state(func=nd.zeros, batch_size=batch_size)
    return begin_state


def _format_sequence(length: int | None, inputs: Any, layout: str, merge: bool | None,
                     in_layout: str | None = None) -> tuple:
    """Inputs as a list of per-step arrays (``merge=False``) or one tensor (``merge=True``)."""
    if inputs is None:
        raise MXNetError("unroll(inputs=None) is only supported by MXNet's symbolic API; pass the inputs")
    axis = layout.find("T")
    batch_axis = layout.find("N")
    in_axis = in_layout.find("T") if in_layout is not None else axis
    if isinstance(inputs, NDArray):
        batch_size = inputs.shape[batch_axis]
        if merge is False:
            if length is not None and length != inputs.shape[in_axis]:
                raise MXNetError(f"unroll: length={length} but the inputs have {inputs.shape[in_axis]} steps "
                                 f"along axis {in_axis} (layout {layout})")
            steps = nd.split(inputs, axis=in_axis, num_outputs=inputs.shape[in_axis], squeeze_axis=1)
            inputs = steps if isinstance(steps, list) else [steps]
    else:
        if not isinstance(inputs, (list, tuple)):
            raise MXNetError(f"unroll: inputs must be an NDArray or a list of NDArrays, got {type(inputs)}")
        if length is not None and len(inputs) != length:
            raise MXNetError(f"unroll: length={length} but {len(inputs)} inputs were given")
        batch_size = inputs[0].shape[0]
        if merge is True:
            inputs = nd.stack(*inputs, axis=axis)
            in_axis = axis
    if isinstance(inputs, NDArray) and axis != in_axis:
        inputs = nd.swapaxes(inputs, dim1=axis, dim2=in_axis)
    return inputs, axis, batch_size


def _mask_sequence_variable_length(data: Any, length: int, valid_length: Any, time_axis: int,
                                   merge: bool) -> Any:
    outputs = nd.SequenceMask(data if isinstance(data, NDArray) else nd.stack(*data, axis=time_axis),
                              sequence_length=valid_length, use_sequence_length=True, axis=time_axis)
    if not merge:
        steps = nd.split(outputs, num_outputs=length, axis=time_axis, squeeze_axis=True)
        outputs = steps if isinstance(steps, list) else [steps]
    return outputs


def _reverse_sequences(sequences: Any, valid_length: Any = None) -> list:
    if valid_length is None:
        return list(reversed(sequences))
    reversed_seq = nd.SequenceReverse(nd.stack(*sequences, axis=0), sequence_length=valid_length,
                                      use_sequence_length=True)
    steps = nd.split(reversed_seq, axis=0, num_outputs=len(sequences), squeeze_axis=True)
    return steps if isinstance(steps, list) else [steps]


class RecurrentCell(Block):
    """Base class of recurrent cells: ``output, new_states = cell(input, states)``."""

    def __init__(self, prefix: str | None = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self) -> None:
        """Reset the step counters before a new sequence."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            cell.reset()

    def state_info(self, batch_size: int = 0) -> list:
        """Shape and layout of each state."""
        raise NotImplementedError

    def begin_state(self, batch_size: int = 0, func: Any = nd.zeros, **kwargs: Any) -> list:
        """Initial states made with ``func`` (zeros by default) of the shapes in ``state_info``."""
        if self._modified:
            raise MXNetError("After applying modifier cells (e.g. ZoneoutCell) the base cell cannot be called "
                             "directly. Call the modifier cell instead.")
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            info = dict(info or {})
            info.update(kwargs)
            info.pop("__layout__", None)
            states.append(func(name=f"{self._prefix}begin_state_{self._init_counter}", **info))
        return states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: bool | None = None, valid_length: Any = None) -> tuple:
        """Run ``length`` steps over ``inputs`` (a tensor with ``layout`` or a list of steps).

        Returns ``(outputs, states)``: outputs are one tensor with ``merge_outputs=True``, else a list of
        per-step arrays. With ``valid_length``, steps past each sequence's length are masked and the states
        are the last valid ones.
        """
        self.reset()
        inputs, axis, batch_size = _format_sequence(length, inputs, layout, False)
        begin_state = _get_begin_state(self, begin_state, inputs, batch_size)
        states = begin_state
        outputs, all_states = [], []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
            if valid_length is not None:
                all_states.append(states)
        if valid_length is not None:
            states = [nd.SequenceLast(nd.stack(*ele, axis=0), sequence_length=valid_length,
                                      use_sequence_length=True, axis=0) for ele in zip(*all_states, strict=True)]
            outputs = _mask_sequence_variable_length(outputs, length, valid_length, axis, True)
        outputs, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, F: Any, inputs: Any, activation: Any, **kwargs: Any) -> Any:
        if isinstance(activation, str):
            if activation == "tanh":
                return F.tanh(inputs, **kwargs)
            if activation == "sigmoid":
                return F.sigmoid(inputs, **kwargs)
            if activation == "relu":
                return F.relu(inputs, **kwargs)
            if activation == "softsign":
                return F.softsign(inputs, **kwargs)
            return F.Activation(inputs, act_type=activation, **kwargs)
        if isinstance(activation, Block):
            return activation(inputs)
        return activation(inputs, **kwargs)

    def forward(self, inputs: Any, states: Any) -> Any:
        """One step: ``(output, new_states)``."""
        raise NotImplementedError

    def __call__(self, inputs: Any, states: Any = None, *args: Any, **kwargs: Any) -> Any:
        self._counter += 1
        return super().__call__(inputs, states, *args, **kwargs)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A RecurrentCell written with ``hybrid_forward(F, inputs, states, **params)``."""

    def forward(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        return HybridBlock.forward(self, x, *args, **kwargs)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class _GatedCell(HybridRecurrentCell):
    """A cell with ``i2h``/``h2h`` weights and biases of ``gates * hidden_size`` rows (LSTMCell, GRUCell and,
    with one gate, RNNCell)."""

    _gates = 1
    _num_states = 1
    _name_hint = "rnn"

    def __init__(self, hidden_size: int, i2h_weight_initializer: Any = None, h2h_weight_initializer: Any = None,
                 i2h_bias_initializer: Any = "zeros", h2h_bias_initializer: Any = "zeros", input_size: int = 0,
                 prefix: str | None = None, params: Any = None, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid"):
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        self._activation = activation
        self._recurrent_activation = recurrent_activation
        rows = self._gates * hidden_size
        self.i2h_weight = self.params.get("i2h_weight", shape=(rows, input_size), init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=(rows, hidden_size), init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(rows,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(rows,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def state_info(self, batch_size: int = 0) -> list:
        return [{"shape": (batch_size, self._hidden_size), "__layout__": "NC"} for _ in range(self._num_states)]

    def _alias(self) -> str:
        return self._name_hint

    def __repr__(self) -> str:
        shape = self.i2h_weight.shape
        return f"{type(self).__name__}({shape[1] if shape[1] else None} -> {shape[0]})"

    def infer_shape(self, inputs: Any, *args: Any) -> None:
        self.i2h_weight.shape = (self._gates * self._hidden_size, int(np.prod(inputs.shape[1:])))

    def _fc(self, F: Any, x: Any, weight: Any, bias: Any) -> Any:
        return F.FullyConnected(x, weight, bias, num_hidden=weight.shape[0])


class RNNCell(_GatedCell):
    """Elman RNN cell: ``h' = activation(W_i x + b_i + W_h h + b_h)``."""

    def __init__(self, hidden_size: int, activation: Any = "tanh", i2h_weight_initializer: Any = None,
                 h2h_weight_initializer: Any = None, i2h_bias_initializer: Any = "zeros",
                 h2h_bias_initializer: Any = "zeros", input_size: int = 0, prefix: str | None = None,
                 params: Any = None):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, input_size, prefix, params, activation)

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]}, {self._activation})"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any, h2h_weight: Any, i2h_bias: Any,
                       h2h_bias: Any) -> Any:
        i2h = self._fc(F, inputs, i2h_weight, i2h_bias)
        h2h = self._fc(F, states[0], h2h_weight, h2h_bias)
        output = self._get_activation(F, i2h + h2h, self._activation)
        return output, [output]


class LSTMCell(_GatedCell):
    """Long short-term memory cell; gates in the order input, forget, cell candidate, output."""

    _gates = 4
    _num_states = 2
    _name_hint = "lstm"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any, h2h_weight: Any, i2h_bias: Any,
                       h2h_bias: Any) -> Any:
        gates = self._fc(F, inputs, i2h_weight, i2h_bias) + self._fc(F, states[0], h2h_weight, h2h_bias)
        in_gate, forget_gate, in_transform, out_gate = F.SliceChannel(gates, num_outputs=4)
        in_gate = self._get_activation(F, in_gate, self._recurrent_activation)
        forget_gate = self._get_activation(F, forget_gate, self._recurrent_activation)
        in_transform = self._get_activation(F, in_transform, self._activation)
        out_gate = self._get_activation(F, out_gate, self._recurrent_activation)
        next_c = forget_gate * states[1] + in_gate * in_transform
        next_h = out_gate * self._get_activation(F, next_c, self._activation)
        return next_h, [next_h, next_c]


class GRUCell(_GatedCell):
    """Gated recurrent unit cell; gates in the order reset, update, candidate."""

    _gates = 3
    _num_states = 1
    _name_hint = "gru"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any, h2h_weight: Any, i2h_bias: Any,
                       h2h_bias: Any) -> Any:
        prev_h = states[0]
        i2h_r, i2h_z, i2h = F.SliceChannel(self._fc(F, inputs, i2h_weight, i2h_bias), num_outputs=3)
        h2h_r, h2h_z, h2h = F.SliceChannel(self._fc(F, prev_h, h2h_weight, h2h_bias), num_outputs=3)
        reset_gate = self._get_activation(F, i2h_r + h2h_r, self._recurrent_activation)
        update_gate = self._get_activation(F, i2h_z + h2h_z, self._recurrent_activation)
        candidate = self._get_activation(F, i2h + reset_gate * h2h, self._activation)
        next_h = (F.ones_like(update_gate) - update_gate) * candidate + update_gate * prev_h
        return next_h, [next_h]


class _SequentialCellMixin(_SequentialMixin):
    """Stacked cells: each cell's output feeds the next; states are concatenated."""

    def __repr__(self) -> str:
        modstr = "\n".join(f"({i}): {_indent(repr(m), 2)}" for i, m in self._children.items())
        return f"{type(self).__name__}(\n{modstr}\n)"

    def state_info(self, batch_size: int = 0) -> list:
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs: Any) -> list:
        if self._modified:
            raise MXNetError("After applying modifier cells (e.g. ZoneoutCell) the base cell cannot be called "
                             "directly. Call the modifier cell instead.")
        return _cells_begin_state(self._children.values(), **kwargs)

    def __call__(self, inputs: Any, states: Any) -> Any:
        self._counter += 1
        next_states, p = [], 0
        for cell in self._children.values():
            n = len(cell.state_info())
            inputs, state = cell(inputs, states[p:p + n])
            p += n
            next_states.extend(state)
        return inputs, next_states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: bool | None = None, valid_length: Any = None) -> tuple:
        self.reset()
        inputs, _, batch_size = _format_sequence(length, inputs, layout, None)
        num_cells = len(self._children)
        begin_state = _get_begin_state(self, begin_state, inputs, batch_size)
        p, next_states = 0, []
        for i, cell in enumerate(self._children.values()):
            n = len(cell.state_info())
            states = begin_state[p:p + n]
            p += n
            inputs, states = cell.unroll(length, inputs=inputs, begin_state=states, layout=layout,
                                         merge_outputs=None if i < num_cells - 1 else merge_outputs,
                                         valid_length=valid_length)
            next_states.extend(states)
        return inputs, next_states


class SequentialRNNCell(_SequentialCellMixin, RecurrentCell):
    """Stacks recurrent cells."""

    def __getitem__(self, i: int) -> Any:
        return list(self._children.values())[i]


class HybridSequentialRNNCell(_SequentialCellMixin, HybridRecurrentCell):
    """Stacks hybrid recurrent cells."""

    def __getitem__(self, i: int) -> Any:
        return list(self._children.values())[i]

    def hybrid_forward(self, F: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class DropoutCell(HybridRecurrentCell):
    """Applies dropout to its input; no state."""

    def __init__(self, rate: float, axes: tuple = (), prefix: str | None = None, params: Any = None):
        super().__init__(prefix, params)
        if not isinstance(rate, (int, float)):
            raise MXNetError(f"rate must be a number, got {type(rate).__name__}")
        self._rate = rate
        self._axes = axes

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rate={self._rate}, axes={self._axes})"

    def state_info(self, batch_size: int = 0) -> list:
        return []

    def _alias(self) -> str:
        return "dropout"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        if self._rate > 0:
            inputs = F.Dropout(inputs, p=self._rate, axes=self._axes)
        return inputs, states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: bool | None = None, valid_length: Any = None) -> tuple:
        self.reset()
        inputs, _, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, NDArray):
            return self.hybrid_forward(nd, inputs, begin_state if begin_state else [])
        return super().unroll(length, inputs, begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs, valid_length=valid_length)


class ModifierCell(HybridRecurrentCell):
    """Base class of cells that wrap another cell (Zoneout, Residual)."""

    def __init__(self, base_cell: RecurrentCell):
        if base_cell._modified:
            raise MXNetError(f"Cell {base_cell.name} is already modified. One cell cannot be modified twice")
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self) -> Any:
        return self.base_cell.params

    def state_info(self, batch_size: int = 0) -> list:
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func: Any = nd.zeros, **kwargs: Any) -> list:
        self.base_cell._modified = False
        begin = self.base_cell.begin_state(func=func, **kwargs)
        self.base_cell._modified = True
        return begin

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_cell!r})"


class ZoneoutCell(ModifierCell):
    """Zoneout: each output/state unit keeps its previous value with probability ``zoneout_*``."""

    def __init__(self, base_cell: RecurrentCell, zoneout_outputs: float = 0.0, zoneout_states: float = 0.0):
        if isinstance(base_cell, BidirectionalCell):
            raise MXNetError("BidirectionalCell doesn't support zoneout since it doesn't support step. "
                             "Please add ZoneoutCell to the cells underneath instead.")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output = None

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(p_out={self.zoneout_outputs}, p_state={self.zoneout_states}, "
                f"{self.base_cell!r})")

    def _alias(self) -> str:
        return "zoneout"

    def reset(self) -> None:
        super().reset()
        self._prev_output = None

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        cell, p_outputs, p_states = self.base_cell, self.zoneout_outputs, self.zoneout_states
        next_output, next_states = cell(inputs, states)

        def mask(p: float, like: Any) -> Any:
            return F.Dropout(F.ones_like(like), p=p)

        prev_output = self._prev_output if self._prev_output is not None else F.zeros_like(next_output)
        output = F.where(mask(p_outputs, next_output), next_output, prev_output) if p_outputs != 0.0 \
            else next_output
        states = [F.where(mask(p_states, new_s), new_s, old_s) for new_s, old_s in
                  zip(next_states, states, strict=True)] if p_states != 0.0 else next_states
        self._prev_output = output
        return output, states


class ResidualCell(ModifierCell):
    """Adds the input to the wrapped cell's output."""

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        output, states = self.base_cell(inputs, states)
        return output + inputs, states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: bool | None = None, valid_length: Any = None) -> tuple:
        self.reset()
        self.base_cell._modified = False
        outputs, states = self.base_cell.unroll(length, inputs=inputs, begin_state=begin_state, layout=layout,
                                                merge_outputs=merge_outputs, valid_length=valid_length)
        self.base_cell._modified = True
        merge_outputs = isinstance(outputs, NDArray) if merge_outputs is None else merge_outputs
        inputs, axis, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if valid_length is not None:
            inputs = _mask_sequence_variable_length(inputs, length, valid_length, axis, merge_outputs)
        if merge_outputs:
            outputs = outputs + inputs
        else:
            outputs = [o + i for o, i in zip(outputs, inputs, strict=True)]
        return outputs, states


class BidirectionalCell(HybridRecurrentCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward over a sequence and concatenates their outputs.

    Only ``unroll`` is supported (a bidirectional cell cannot be stepped).
    """

    def __init__(self, l_cell: RecurrentCell, r_cell: RecurrentCell, output_prefix: str = "bi_"):
        super().__init__(prefix="", params=None)
        self.register_child(l_cell, "l_cell")
        self.register_child(r_cell, "r_cell")
        self._output_prefix = output_prefix

    def __call__(self, inputs: Any, states: Any) -> Any:
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(forward={self._children['l_cell']!r}, backward={self._children['r_cell']!r})"

    def state_info(self, batch_size: int = 0) -> list:
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs: Any) -> list:
        if self._modified:
            raise MXNetError("After applying modifier cells (e.g. DropoutCell) the base cell cannot be called "
                             "directly. Call the modifier cell instead.")
        return _cells_begin_state(self._children.values(), **kwargs)

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: bool | None = None, valid_length: Any = None) -> tuple:
        self.reset()
        inputs, axis, batch_size = _format_sequence(length, inputs, layout, False)
        reversed_inputs = _reverse_sequences(inputs, valid_length)
        begin_state = _get_begin_state(self, begin_state, inputs, batch_size)
        states = begin_state
        l_cell, r_cell = self._children["l_cell"], self._children["r_cell"]
        n_l = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs, begin_state=states[:n_l], layout=layout,
                                            merge_outputs=merge_outputs, valid_length=valid_length)
        r_outputs, r_states = r_cell.unroll(length, inputs=reversed_inputs, begin_state=states[n_l:],
                                            layout=layout, merge_outputs=False, valid_length=valid_length)
        reversed_r_outputs = _reverse_sequences(r_outputs, valid_length)
        if merge_outputs is None:
            merge_outputs = isinstance(l_outputs, NDArray)
            l_outputs, _, _ = _format_sequence(None, l_outputs, layout, merge_outputs)
            reversed_r_outputs, _, _ = _format_sequence(None, reversed_r_outputs, layout, merge_outputs)
        if merge_outputs:
            reversed_r_outputs = nd.stack(*reversed_r_outputs, axis=axis) \
                if isinstance(reversed_r_outputs, list) else reversed_r_outputs
            outputs = nd.concat(l_outputs, reversed_r_outputs, dim=2)
        else:
            outputs = [nd.concat(l_o, r_o, dim=1) for l_o, r_o in zip(l_outputs, reversed_r_outputs, strict=True)]
        if valid_length is not None:
            outputs = _mask_sequence_variable_length(outputs, length, valid_length, axis, merge_outputs)
        return outputs, l_states + r_states

"""``nd.contrib``: contrib ops under their short names, and Python-level control flow (foreach, while_loop,
cond) whose bodies run as ordinary recorded ops, so gradients flow through every iteration."""
from __future__ import annotations

from typing import Any

from ..base import MXNetError
from ..ops.registry import fn as _fn
from .linalg import _short
from .ndarray import NDArray

__all__ = ["boolean_mask", "isnan", "isinf", "isfinite", "arange_like", "index_copy", "index_array",
           "div_sqrt_dim", "foreach", "while_loop", "cond"]

boolean_mask = _short(_fn._contrib_boolean_mask, "boolean_mask")
isnan = _short(_fn._contrib_isnan, "isnan")
isinf = _short(_fn._contrib_isinf, "isinf")
isfinite = _short(_fn._contrib_isfinite, "isfinite")
arange_like = _short(_fn._contrib_arange_like, "arange_like")
index_copy = _short(_fn._contrib_index_copy, "index_copy")
index_array = _short(_fn._contrib_index_array, "index_array")
div_sqrt_dim = _short(_fn._contrib_div_sqrt_dim, "div_sqrt_dim")


def _flatten(x: Any, what: str) -> tuple[list, bool]:
    """A list of NDArrays, and whether ``x`` was a single NDArray."""
    if isinstance(x, NDArray):
        return [x], True
    if isinstance(x, (list, tuple)) and all(isinstance(v, NDArray) for v in x):
        return list(x), False
    raise MXNetError(f"{what} must be an NDArray or a list of NDArrays, got {type(x).__name__}")


def _outputs(x: Any, what: str) -> tuple[list, bool]:
    """Like _flatten, but an empty list (no outputs) is allowed."""
    if isinstance(x, (list, tuple)) and not x:
        return [], False
    return _flatten(x, what)


def _stack(steps: list, single: bool, pad: int = 0) -> Any:
    outs = [_fn._contrib_foreach_stack(*(step[k] for step in steps), pad=pad) for k in range(len(steps[0]))]
    return outs[0] if single else outs


def foreach(body, data, init_states):
    """Runs ``body(data[i], states) -> (outputs, new_states)`` over the first axis of ``data``.

    Returns ``(outputs, states)``: each output stacked along a new first axis, and the final states, in the
    structures ``body`` returned and ``init_states`` had.
    """
    datas, data_single = _flatten(data, "foreach: data")
    states, states_single = _flatten(init_states, "foreach: init_states")
    length = datas[0].shape[0]
    if any(d.shape[0] != length for d in datas):
        raise MXNetError("foreach: all data arrays must have the same length along the first axis, got "
                         + ", ".join(str(d.shape) for d in datas))
    cur: Any = states[0] if states_single else states
    steps, out_single = [], True
    for i in range(length):
        sl = [d[i] for d in datas]
        outs, cur = body(sl[0] if data_single else sl, cur)
        flat, out_single = _outputs(outs, "foreach: the body's outputs")
        steps.append(flat)
        _flatten(cur, "foreach: the body's states")
    if not steps or not steps[0]:
        return [], cur
    return _stack(steps, out_single), cur


def while_loop(cond, func, loop_vars, max_iterations: int | None = None):
    """Runs ``func(*loop_vars) -> (step_output, new_loop_vars)`` while ``cond(*loop_vars)`` holds, at most
    ``max_iterations`` times.

    Returns ``(outputs, loop_vars)``: step outputs stacked along a new first axis and padded with zeros to
    ``max_iterations`` rows (``[]`` when the loop ran no step or ``func`` gave no output), and the final
    loop variables in the structure ``loop_vars`` had.
    """
    if max_iterations is None:
        raise MXNetError("while_loop: max_iterations should be specified")
    max_iterations = int(max_iterations)
    vars_, single = _flatten(loop_vars, "while_loop: loop_vars")
    steps, out_single = [], False
    while len(steps) < max_iterations:
        pred = cond(*vars_)
        if not (pred.asscalar() if isinstance(pred, NDArray) else pred):
            break
        outs, new_vars = func(*vars_)
        flat, out_single = _outputs(outs, "while_loop: the step output")
        new_flat, _ = _flatten(new_vars, "while_loop: the new loop_vars")
        if len(new_flat) != len(vars_):
            raise MXNetError(f"while_loop: func returned {len(new_flat)} loop variables, expected {len(vars_)}")
        steps.append(flat)
        vars_ = new_flat
    final = vars_[0] if single else vars_
    if not steps or not steps[0]:
        return [], final
    return _stack(steps, out_single, pad=max_iterations - len(steps)), final


def cond(pred, then_func, else_func):
    """Runs ``then_func()`` if the scalar ``pred`` is non-zero, else ``else_func()``; returns its result."""
    value = pred.asscalar() if isinstance(pred, NDArray) else pred
    return then_func() if value else else_func()

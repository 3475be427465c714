"""``nd.contrib``: contrib ops under their short names, and Python-level control flow (foreach, while_loop,
cond) whose bodies run as ordinary recorded ops, so gradients flow through every iteration."""
from __future__ import annotations

from typing import Any

from ..base import MXNetError
from ..ops.registry import fn as _fn
from ._prefixed import prefixed_ops
from .ndarray import NDArray

_OPS = prefixed_ops("_contrib_", skip=("foreach_stack",))  # that one is foreach's internal stacking op
globals().update(_OPS)
__all__ = sorted([*_OPS, "foreach", "while_loop", "cond"])  # noqa: PLE0605


def _flatten(x: Any, what: str) -> tuple[list, Any]:
    """The NDArrays of a (nested) list, and its format for :func:`_regroup` (0 stands for one NDArray)."""
    if isinstance(x, NDArray):
        return [x], 0
    if isinstance(x, (list, tuple)):
        flat: list = []
        fmt = []
        for v in x:
            f, sub = _flatten(v, what)
            flat += f
            fmt.append(sub)
        return flat, fmt
    raise MXNetError(f"{what} must be an NDArray or a (nested) list of NDArrays, got {type(x).__name__}")


def _regroup(flat: list, fmt: Any) -> tuple[Any, list]:
    """Rebuild the structure ``fmt`` from the front of ``flat``; returns it and the rest of ``flat``."""
    if fmt == 0:
        return flat[0], flat[1:]
    out = []
    for sub in fmt:
        v, flat = _regroup(flat, sub)
        out.append(v)
    return out, flat


def _restructure(x: Any, fmt: Any, count: int, what: str) -> Any:
    flat, _ = _flatten(x, what)
    if len(flat) != count:
        raise MXNetError(f"{what}: got {len(flat)} arrays, expected {count} (the structure it started with)")
    return _regroup(flat, fmt)[0]


def _stack(steps: list, fmt: Any, pad: int = 0) -> Any:
    """Stack each output position over the steps (new first axis, ``pad`` zero rows), in format ``fmt``."""
    if not steps or not steps[0]:
        return []
    count = len(steps[0])
    if any(len(step) != count for step in steps):
        raise MXNetError("control flow: every step must return the same number of outputs")
    stacked = [_fn._contrib_foreach_stack(*(step[k] for step in steps), pad=pad) for k in range(count)]
    return _regroup(stacked, fmt)[0]


def foreach(body, data, init_states):
    """Runs ``body(data[i], states) -> (outputs, new_states)`` over the first axis of ``data``.

    ``data`` is an NDArray or a list of NDArrays; states and outputs may be (nested) lists. Returns
    ``(outputs, states)``: each output stacked along a new first axis, in the structure ``body`` returns,
    and the final states in the structure of ``init_states``.
    """
    if isinstance(data, NDArray):
        datas, data_single = [data], True
    elif isinstance(data, (list, tuple)) and all(isinstance(d, NDArray) for d in data) and data:
        datas, data_single = list(data), False
    else:
        raise MXNetError(f"foreach: data must be an NDArray or a list of NDArrays, got {type(data).__name__}")
    length = datas[0].shape[0]
    if any(d.shape[0] != length for d in datas):
        raise MXNetError("foreach: all data arrays must have the same length along the first axis, got "
                         + ", ".join(str(d.shape) for d in datas))
    flat_states, state_fmt = _flatten(init_states, "foreach: init_states")
    cur: Any = init_states
    steps, out_fmt = [], []
    for i in range(length):
        sl = [d[i] for d in datas]
        outs, new_states = body(sl[0] if data_single else sl, cur)
        flat, out_fmt = _flatten(outs, "foreach: the body's outputs")
        steps.append(flat)
        cur = _restructure(new_states, state_fmt, len(flat_states), "foreach: the body's states")
    return _stack(steps, out_fmt), cur


def while_loop(cond, func, loop_vars, max_iterations: int | None = None):
    """Runs ``func(*loop_vars) -> (step_output, new_loop_vars)`` while ``cond(*loop_vars)`` holds, at most
    ``max_iterations`` times.

    Returns ``(outputs, loop_vars)``: step outputs stacked along a new first axis and padded with zeros to
    ``max_iterations`` rows (``[]`` when the loop ran no step or ``func`` gave no output), and the final
    loop variables in the structure ``loop_vars`` had. Outputs and loop variables may be nested lists.
    """
    if max_iterations is None:
        raise MXNetError("while_loop: max_iterations should be specified")
    max_iterations = int(max_iterations)
    flat_vars, var_fmt = _flatten(loop_vars, "while_loop: loop_vars")
    cur: Any = loop_vars
    steps, out_fmt = [], []
    while len(steps) < max_iterations:
        args = [cur] if isinstance(cur, NDArray) else list(cur)
        pred = cond(*args)
        if not (pred.asscalar() if isinstance(pred, NDArray) else pred):
            break
        outs, new_vars = func(*args)
        flat, out_fmt = _flatten(outs, "while_loop: the step output")
        steps.append(flat)
        cur = _restructure(new_vars, var_fmt, len(flat_vars), "while_loop: the new loop_vars")
    return _stack(steps, out_fmt, pad=max_iterations - len(steps)), cur


def cond(pred, then_func, else_func):
    """Runs ``then_func()`` if the scalar ``pred`` is non-zero, else ``else_func()``; returns its result."""
    value = pred.asscalar() if isinstance(pred, NDArray) else pred
    return then_func() if value else else_func()

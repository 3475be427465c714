"""The autograd engine: recording state, the tape's nodes, and the backward walk.

The engine knows no op. A recorded call is a :class:`Node` whose ``op`` carries a gradient rule
``op.vjp(node, *output_grads) -> input_grads``; the rules are written with ndgrad's own ops, so running
them while recording (``create_graph=True``) records the backward pass and gives gradients of any order.
Leaves created by ``attach_grad``/``mark_variables`` are :class:`Variable` entries holding the gradient
buffer. ``None`` stands for "no gradient" everywhere and is never materialised until a leaf needs it.
"""
from __future__ import annotations

import itertools
import sys
import threading
from heapq import heappop, heappush
from collections.abc import Sequence
from typing import Any

import numpy as np

from .base import MXNetError

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "mark_variables", "backward", "grad", "Function",
           "get_symbol", "Node", "Variable", "in_graph"]


class _State(threading.local):
    recording = False
    training = False


_state = _State()


def is_recording() -> bool:
    """Whether operations are being recorded on this thread."""
    return _state.recording


def is_training() -> bool:
    """Whether mode-dependent ops (Dropout, BatchNorm) run in training mode on this thread."""
    return _state.training


def set_recording(is_recording: bool) -> bool:
    """Turn recording on or off; returns the previous state."""
    prev, _state.recording = _state.recording, bool(is_recording)
    return prev


def set_training(train_mode: bool) -> bool:
    """Turn training mode on or off; returns the previous state."""
    prev, _state.training = _state.training, bool(train_mode)
    return prev


class _Scope:
    """``with`` scope that sets recording and/or training and restores both on exit."""

    __slots__ = ("_recording", "_saved", "_training")

    def __init__(self, recording: bool | None, training: bool | None):
        self._recording, self._training = recording, training
        self._saved = []

    def __enter__(self) -> _Scope:
        self._saved.append((_state.recording, _state.training))
        if self._recording is not None:
            _state.recording = self._recording
        if self._training is not None:
            _state.training = self._training
        return self

    def __exit__(self, *exc: Any) -> None:
        _state.recording, _state.training = self._saved.pop()


def record(train_mode: bool = True) -> _Scope:
    """Scope in which operations are recorded for differentiation (training mode by default)."""
    return _Scope(True, train_mode)


def pause(train_mode: bool = False) -> _Scope:
    """Scope in which nothing is recorded (prediction mode by default)."""
    return _Scope(False, train_mode)


def train_mode() -> _Scope:
    """Scope with training mode on; recording unchanged."""
    return _Scope(None, True)


def predict_mode() -> _Scope:
    """Scope with training mode off; recording unchanged."""
    return _Scope(None, False)


class Variable:
    """A leaf of the graph: an array whose gradient is kept in ``grad`` according to ``grad_req``.

    ``fresh`` is set when a backward pass writes ``grad`` (Gluon's Trainer clears it after each update, to
    detect stale gradients as MXNet does).
    """

    __slots__ = ("fresh", "grad", "grad_req")
    nout = 1

    def __init__(self, grad: Any, grad_req: str):
        if grad_req not in ("write", "add", "null"):
            raise MXNetError(f"grad_req must be 'write', 'add' or 'null', got {grad_req!r}")
        self.grad, self.grad_req, self.fresh = grad, grad_req, False


def in_graph(x: Any) -> bool:
    """Whether array ``x`` (or None) is part of a recorded graph, i.e. would receive a gradient."""
    return x is not None and x._node is not None


_next_seq = itertools.count(0, -1).__next__  # decreasing: heapq pops the newest node first


class Node:
    """One recorded call: the op, its input arrays, its attributes and the outputs its rule needs.

    ``inputs`` is set to ``None`` once a backward pass frees the node.
    """

    __slots__ = ("attrs", "ctx", "inputs", "nout", "op", "outputs", "seq")
    array_cls: Any = None  # NDArray, set by ndgrad.ndarray so that output() can wrap raw arrays

    def __init__(self, op: Any, inputs: tuple, attrs: dict, outputs: tuple | None, nout: int, ctx: Any):
        self.op = op  # one statement each: faster than a tuple assignment on this hot path
        self.inputs = inputs
        self.attrs = attrs
        self.outputs = outputs
        self.nout = nout
        self.ctx = ctx
        self.seq = _next_seq()

    def needs_grad(self, index: int) -> bool:
        """Whether input ``index`` is in the graph (rules may skip computing gradients nobody receives)."""
        return in_graph(self.inputs[index])

    def output(self, index: int = 0) -> Any:
        """Output ``index`` as an array still attached to this node (for rules that reuse outputs)."""
        return Node.array_cls(self.outputs[index], self.ctx, self, index)


def mark_variables(variables: Any, gradients: Any, grad_reqs: str | Sequence[str] = "write") -> None:
    """Make arrays leaves of the graph whose gradients are written to ``gradients``."""
    if not isinstance(variables, (list, tuple)):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    if not len(variables) == len(gradients) == len(grad_reqs):
        raise MXNetError(f"mark_variables: got {len(variables)} variables, {len(gradients)} gradients "
                         f"and {len(grad_reqs)} grad_reqs; expected the same number of each")
    for var, g, req in zip(variables, gradients, grad_reqs, strict=False):
        var._node, var._oidx = Variable(g, req), 0


_FREED = ("Cannot differentiate node because it is not in a computational graph. You need to set "
          "is_recording to true or use autograd.record() to save computational graphs for backward. If you "
          "want to differentiate the same graph twice, you need to pass retain_graph=True to backward.")


def _item_refs(items: list, i: int) -> int:
    arr = items[i]
    return sys.getrefcount(arr)


def _data_refs(holder: Any) -> int:
    arr = holder._data
    return sys.getrefcount(arr)


class _Holder:
    __slots__ = ("_data",)

    def __init__(self, data: Any):
        self._data = data


# The counts CPython reports for an array referenced only by one list, or only by one ``_data`` slot, taken
# through the same helpers as the checks below. Where reference counts are not exact (free-threaded builds),
# nothing is reused.
_ALONE_IN_LIST, _ALONE_IN_SLOT = _item_refs([np.empty(1)], 0), _data_refs(_Holder(np.empty(1)))
_REUSE = getattr(sys, "_is_gil_enabled", lambda: True)()


def _private(arr: Any, refs: int, alone: int) -> bool:
    """Whether raw array ``arr`` may be written or adopted by the engine: a NumPy array owning its memory
    (no view of it exists, or its count would be higher) that nothing else refers to, as NumPy decides
    when it reuses a temporary. ``refs`` is its count taken by a helper above, before ``arr`` was loaded."""
    return (_REUSE and refs == alone and type(arr) is np.ndarray and arr.base is None and arr.flags.writeable
            and arr.flags.c_contiguous)


def _private_item(items: list, i: int) -> bool:
    refs = _item_refs(items, i)
    return _private(items[i], refs, _ALONE_IN_LIST)


def _private_data(holder: Any) -> bool:
    refs = _data_refs(holder)
    return _private(holder._data, refs, _ALONE_IN_SLOT)


class _LeafSum:
    """The gradients one leaf receives in a ``backward`` pass, summed as they arrive (raw arrays).

    Up to two are held unsummed, so that the last addition writes straight into the leaf's buffer: ``k``
    gradients cost ``k - 1`` passes over memory for ``grad_req='write'``, and at most three are alive. A
    gradient nobody else holds is summed into in place, and a lone one becomes the buffer itself when the
    old buffer is just as private (see :func:`_private`): nobody can tell, and a pass is saved.
    """

    __slots__ = ("acc", "pending")

    def __init__(self, g: Any):
        self.acc, self.pending = None, [g]

    def add(self, g: Any) -> None:
        pending = self.pending
        if self.acc is not None:
            np.add(self.acc, pending[0], out=self.acc)
            pending[0] = g
        elif len(pending) == 2:
            reuse = _private_item(pending, 0)  # before any local name refers to the array
            first, second = pending
            reuse = reuse and first.dtype == second.dtype and first.shape == second.shape
            self.acc = np.add(first, second, out=first if reuse else None)
            self.pending = [g]
        else:
            pending.append(g)

    def write(self, var: Variable) -> None:
        var.fresh = True
        grad, pending = var.grad, self.pending
        if var.grad_req == "add":
            buf = grad._data
            for part in ([] if self.acc is None else [self.acc]) + pending:
                buf += part
            return
        if self.acc is not None:
            np.add(self.acc, pending[0], out=self.acc)
            new = self.acc
        elif len(pending) == 1 and _private_item(pending, 0):
            new = pending[0]
        elif len(pending) == 2:
            np.add(pending[0], pending[1], out=grad._data)
            return
        else:
            grad._data[...] = pending[0]
            return
        # the buffer is checked without a local reference to it, which would count as another holder
        if _private_data(grad) and new.shape == grad._data.shape and new.dtype == grad._data.dtype:
            grad._data = new
        else:
            grad._data[...] = new


def _run(heads: Sequence, head_grads: Sequence | None, variables: Sequence | None, retain_graph: bool,
         create_graph: bool, train: bool) -> list | dict:
    """Backpropagate from ``heads``; return each leaf's summed gradients (:class:`_LeafSum`, for
    ``backward`` to write), or the gradients of ``variables``.

    Nodes are created in a topological order, so popping them newest-first from a heap visits each node
    after every consumer has delivered its gradient; a node's gradients are dropped as soon as it is done,
    and there is no recursion however deep the graph. For ``backward`` the gradients a leaf receives are
    summed into its buffer (:class:`_LeafSum`); for ``grad`` they are summed with ndgrad ops (recorded
    under ``create_graph``).
    """
    head_grads = [None] * len(heads) if head_grads is None else list(head_grads)
    if len(head_grads) != len(heads):
        raise MXNetError(f"backward: got {len(heads)} heads but {len(head_grads)} head gradients")
    for i, (head, hg) in enumerate(zip(heads, head_grads, strict=True)):
        if head._node is None:
            raise MXNetError(_FREED)
        if hg is None:
            head_grads[i] = head.ones_like()
        elif hg.shape != head.shape:
            raise MXNetError(f"backward: head gradient shape {hg.shape} does not match head shape {head.shape}")
    to_buffers = variables is None
    wanted = {} if to_buffers else {(v._node, v._oidx): i for i, v in enumerate(variables)
                                    if v._node is not None}
    found: list = [None] * (0 if to_buffers else len(variables))
    grads: dict = {}  # node -> its gradient (one output) or per-output list, for nodes waiting in the heap
    leaves: dict = {}  # Variable -> _LeafSum (backward) or summed NDArray (grad)
    heap: list = []
    node, inputs, dxs = None, heads, head_grads  # the heads' gradients are delivered like a node's
    count = len(heads)
    with _Scope(create_graph, train):
        while True:
            i = 0
            while i < count:  # faster than zip() for the one or two inputs of most nodes
                x, dx = inputs[i], dxs[i]
                i += 1
                if dx is None or x is None:
                    continue
                target = x._node
                if target is None:
                    continue
                if dx._data.shape != x._data.shape:
                    dx = dx._sum_to_shape(x._data.shape)
                if type(target) is Variable:
                    prev = leaves.get(target)
                    if not to_buffers:
                        leaves[target] = dx if prev is None else prev + dx
                    elif prev is None:
                        if target.grad_req != "null" and target.grad is not None:
                            leaves[target] = _LeafSum(dx._data)
                    else:
                        prev.add(dx._data)
                    continue
                prev = grads.get(target)
                if target.nout == 1:  # a single-output node's entry is its gradient itself
                    if prev is None:
                        heappush(heap, (target.seq, target))
                        grads[target] = dx
                    else:
                        grads[target] = prev + dx
                    continue
                if prev is None:
                    prev = grads[target] = [None] * target.nout
                    heappush(heap, (target.seq, target))
                g = prev[x._oidx]
                prev[x._oidx] = dx if g is None else g + dx
            if node is not None and not retain_graph:
                node.inputs = node.outputs = None
            if not heap:
                break
            node = heappop(heap)[1]
            gs = grads.pop(node)
            if wanted:
                for index, g in enumerate((gs,) if node.nout == 1 else gs):
                    pos = wanted.get((node, index))
                    if pos is not None:
                        found[pos] = g
            inputs = node.inputs
            if inputs is None:
                raise MXNetError(_FREED)
            dxs = node.op.vjp(node, gs) if node.nout == 1 else node.op.vjp(node, *gs)
            if type(dxs) is not tuple and type(dxs) is not list:
                dxs = (dxs,)
            count = len(inputs)
            if len(dxs) != count:
                raise MXNetError(f"the gradient rule of {node.op.name} returned {len(dxs)} gradients for "
                                 f"{len(inputs)} inputs")
    if to_buffers:
        return leaves  # written by backward(), once this frame (which may still refer to them) is gone
    for (node, _), pos in wanted.items():
        if type(node) is Variable:
            found[pos] = leaves.get(node)
    return [g if g is not None else v.zeros_like() for g, v in zip(found, variables, strict=True)]


def backward(heads: Any, head_grads: Any = None, retain_graph: bool = False,
             train_mode: bool = True) -> None:
    """Compute the gradients of ``heads`` with respect to the marked variables, into their ``.grad``."""
    if not isinstance(heads, (list, tuple)):
        heads = [heads]
        head_grads = None if head_grads is None else [head_grads]
    for var, total in _run(heads, head_grads, None, retain_graph, False, train_mode).items():
        total.write(var)


def grad(heads: Any, variables: Any, head_grads: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, train_mode: bool = True) -> list:
    """Return the gradients of ``heads`` with respect to ``variables`` (a list), leaving ``.grad`` untouched.

    With ``create_graph=True`` the returned gradients are themselves recorded, so they can be differentiated
    again; ``retain_graph`` then defaults to True.
    """
    if not isinstance(heads, (list, tuple)):
        heads = [heads]
        head_grads = None if head_grads is None else [head_grads]
    if not isinstance(variables, (list, tuple)):
        variables = [variables]
    if retain_graph is None:
        retain_graph = create_graph
    return _run(heads, head_grads, variables, retain_graph, create_graph, train_mode)


def get_symbol(x: Any) -> Any:
    """MXNet returns the recorded graph as a Symbol; ndgrad has no symbolic API."""
    raise NotImplementedError("autograd.get_symbol: ndgrad has no Symbol API (imperative only)")


class _FunctionOp:
    """Adapter that lets the engine call a :class:`Function`'s ``backward`` as a gradient rule."""

    __slots__ = ("function",)
    name = "_CustomFunction"

    def __init__(self, function: Function):
        self.function = function

    def vjp(self, node: Node, *gs: Any) -> tuple:
        gs = tuple(g if g is not None else node.output(i).zeros_like() for i, g in enumerate(gs))
        with pause():
            dxs = self.function.backward(*gs)
        if not isinstance(dxs, (list, tuple)):
            dxs = (dxs,)
        if len(dxs) != len(node.inputs):
            raise MXNetError(f"{type(self.function).__name__}.backward returned {len(dxs)} gradients; "
                             f"expected one per forward input ({len(node.inputs)})")
        return tuple(dxs)


class FunctionReuseError(MXNetError, AssertionError):
    """A Function instance called twice (MXNet raises AssertionError here)."""


class Function:
    """A differentiable function with a hand-written ``forward`` and ``backward`` (on NDArrays).

    ``forward`` runs unrecorded; its outputs are attached to the graph as one node whose gradient rule is
    ``backward``. As in MXNet, an instance holds one call's saved state, so create one per use.
    """

    def __init__(self) -> None:
        self._used = False
        self.saved_tensors: tuple = ()

    def save_for_backward(self, *args: Any) -> None:
        """Keep arrays for ``backward``; they are available as ``self.saved_tensors``."""
        self.saved_tensors = args

    def forward(self, *inputs: Any) -> Any:
        raise NotImplementedError

    def backward(self, *output_grads: Any) -> Any:
        raise NotImplementedError

    def __call__(self, *inputs: Any) -> Any:
        if self._used:
            raise FunctionReuseError(f"{type(self).__name__}: each Function instance can be called only once; "
                                     "create a new instance for every call")
        self._used = True
        with pause(_state.training):
            outputs = self.forward(*inputs)
        single = not isinstance(outputs, (list, tuple))
        outs = (outputs,) if single else tuple(outputs)
        if _state.recording:
            ctx = outs[0].context
            node = Node(_FunctionOp(self), tuple(inputs), {}, tuple(o._data for o in outs), len(outs), ctx)
            outs = tuple(node.output(i) for i in range(len(outs)))
        return outs[0] if single else list(outs) if isinstance(outputs, list) else outs

"""The op registry: ``defop`` turns a forward function into a public op, and ``invoke`` runs one call.

An op is defined once, in its family file::

    @defop(vjp=lambda node, g: g * node.output(), save_outputs=True, fluent=True)
    def exp(data):
        \"\"\"Returns element-wise exponential value of the input.\"\"\"
        return np.exp(data)

The forward receives raw arrays (NumPy, or CuPy through NumPy's dispatch protocols) for the parameters
before ``*`` and attributes for the keyword-only ones after it; a ``*args`` parameter takes any number of
arrays. ``defop`` generates the public function ``exp(data, out=None, name=None)`` with the same
parameters (attributes may be passed positionally, as in MXNet), registers it in the ``nd`` namespace and,
with ``fluent=True``, as an ``NDArray`` method. The gradient rule ``vjp(node, *output_grads)`` returns one
gradient per input (``None`` for none) and must use ndgrad ops only, so that it can itself be recorded.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..autograd import Node, _state
from ..base import MXNetError, MXNetIndexError, MXNetTypeError, MXNetValueError

__all__ = ["Op", "defop", "invoke", "OPS", "fn", "bind_array_type", "bind_public"]

OPS: dict[str, Op] = {}
#: Every public op function by name, aliases included (the ``nd`` namespace is built from it).
fn = SimpleNamespace()
_EMPTY: dict = {}
_NDArray: Any = None


def bind_array_type(cls: type) -> None:
    """Tell the registry (and the engine) which class wraps raw arrays; called once by ndgrad.ndarray."""
    global _NDArray
    _NDArray = Node.array_cls = cls


class Op:
    """A registered operator: forward, gradient rule and output layout."""

    __slots__ = (
        "differentiable",
        "forward",
        "name",
        "num_outputs",
        "num_visible",
        "optional_inputs",
        "public",
        "save_outputs",
        "vjp",
    )

    def __init__(self, name: str, forward: Callable, vjp: Callable | None, num_outputs: int | Callable,
                 num_visible: Callable[[dict], int] | None, save_outputs: bool, differentiable: bool,
                 optional_inputs: bool):
        self.name, self.forward, self.vjp = name, forward, vjp
        self.num_outputs, self.num_visible = num_outputs, num_visible
        self.save_outputs, self.differentiable = save_outputs, differentiable
        self.optional_inputs = optional_inputs
        self.public: Callable | None = None

    def __repr__(self) -> str:
        return f"<Op {self.name}>"


def _describe(inputs: tuple) -> str:
    return ", ".join(f"{np.dtype(x.dtype).name} {tuple(x.shape)}" if hasattr(x, "shape") else repr(x)
                     for x in inputs)


def _op_error(op: Op, inputs: tuple, err: Exception) -> MXNetError:
    """An MXNetError naming the op and its inputs; one that is also an IndexError/ValueError/TypeError when
    the failure was one, so ``except IndexError`` still works."""
    if isinstance(err, MXNetError):
        cls = type(err)
    else:
        cls = next((c for b, c in _ERROR_KINDS if isinstance(err, b)), MXNetError)
    msg = str(err)
    if msg.startswith(op.name + ":"):
        return err if isinstance(err, MXNetError) else cls(msg)
    return cls(f"{op.name}: {msg} (inputs: {_describe(inputs)})")


_ERROR_KINDS = ((IndexError, MXNetIndexError), (ValueError, MXNetValueError), (TypeError, MXNetTypeError))


def _raw_inputs(op: Op, inputs: tuple) -> list:
    raw = []
    for x in inputs:
        if isinstance(x, _NDArray):
            raw.append(x._data)
        elif x is None and op.optional_inputs:
            raw.append(None)
        else:
            raise MXNetError(f"{op.name}: inputs must be NDArrays, got {type(x).__name__} "
                             f"(inputs: {_describe(inputs)})")
    return raw


_WRAPPED_ERRORS = (MXNetError, ValueError, TypeError, IndexError, ArithmeticError, np.linalg.LinAlgError)


def _failed(op: Op, inputs: tuple, err: Exception) -> MXNetError:
    """The error to raise for a forward that failed with ``err`` (chained to it unless it was ours)."""
    wrapped = _op_error(op, inputs, err)
    wrapped.__cause__ = None if isinstance(err, MXNetError) else err
    return wrapped


def invoke(op: Op, inputs: tuple, attrs: dict, out: Any = None) -> Any:
    """Run ``op`` on NDArray ``inputs``; record it when recording and some input is in the graph."""
    try:
        n = len(inputs)
        if n == 1 and type(inputs[0]) is _NDArray:
            res = op.forward(inputs[0]._data, **attrs)
        elif n == 2 and type(inputs[0]) is _NDArray and type(inputs[1]) is _NDArray:
            res = op.forward(inputs[0]._data, inputs[1]._data, **attrs)
        else:
            res = op.forward(*_raw_inputs(op, inputs), **attrs)
    except _WRAPPED_ERRORS as err:
        raise _failed(op, inputs, err)  # noqa: B904 (_failed sets the cause)
    ctx = inputs[0]._ctx if n and inputs[0] is not None else attrs.get("ctx") or _default_ctx()
    nout = op.num_outputs
    single = nout == 1  # a single output is returned bare by the forward; any other count as a sequence
    if type(nout) is not int:
        nout = nout(attrs, n)
    node = None
    if _state.recording and op.vjp is not None:
        for x in inputs:
            if x is not None and x._node is not None:
                node = Node(op, inputs, attrs, ((res,) if single else tuple(res)) if op.save_outputs else None,
                            nout, ctx)
                break
    if single:
        if out is not None:
            return _write_out(op, out, res, node, 0)
        return _NDArray(res, ctx, node, 0)
    _check_count(op, res, nout)
    nvis = nout if op.num_visible is None else op.num_visible(attrs)
    if out is not None:
        outs = out if isinstance(out, (list, tuple)) else (out,)
        if len(outs) != nvis:
            raise MXNetError(f"{op.name}: out= takes {nvis} arrays, got {len(outs)}")
        written = [_write_out(op, o, r, node, i) for i, (o, r) in enumerate(zip(outs, res, strict=False))]
        return written[0] if nvis == 1 else written
    if nvis == 1:
        return _NDArray(res[0], ctx, node, 0)
    return [_NDArray(res[i], ctx, node, i) for i in range(nvis)]


def _check_count(op: Op, res: Any, nout: int) -> None:
    if len(res) != nout:
        raise MXNetError(f"{op.name}: the forward returned {len(res)} outputs, expected {nout}")


def _default_ctx() -> Any:
    from ..context import current_context
    return current_context()


def _write_out(op: Op, out: Any, res: Any, node: Any, index: int) -> Any:
    if not isinstance(out, _NDArray):
        raise MXNetError(f"{op.name}: out= must be an NDArray, got {type(out).__name__}")
    if out.shape != res.shape:
        raise MXNetError(f"{op.name}: out= has shape {out.shape} but the result has shape {res.shape}")
    if _state.recording and out._node is not None:
        raise MXNetError(f"{op.name}: Assigning to NDArrays that are already in a computational graph will "
                         "cause undefined behavior when evaluating gradients. Please call backward first to "
                         "clear the graph or do this outside of a record section. In-place operations like "
                         "+=, *=, relu(x, out=x), y[idx]=x are not allowed inside a record section.")
    out._data[...] = res
    if node is not None:
        out._node, out._oidx = node, index
    return out


def bind_public(name: str, function: Callable) -> Callable:
    """Publish a plain function (not an op: a dispatcher or helper) in the ``nd`` namespace."""
    function.__module__ = "ndgrad.ndarray"
    setattr(fn, name, function)
    return function


def defop(name: str | None = None, *, vjp: Callable | None = None, differentiable: bool | None = None,
          num_outputs: int | Callable[[dict, int], int] = 1, num_visible: Callable[[dict], int] | None = None,
          save_outputs: bool = False, aliases: tuple[str, ...] = (), fluent: bool | str | tuple = False) -> Callable:
    """Register a forward function as an op (see the module docstring).

    ``vjp=None`` marks the op non-differentiable: it is never recorded and cuts the graph (comparisons,
    argmax, sampling). ``save_outputs`` keeps the raw outputs on the node for ``node.output(i)``.
    ``num_outputs`` may be a function ``(attrs, n_inputs) -> int`` for ops whose output count depends on
    them (split); such a forward always returns a sequence. ``num_visible(attrs)`` gives how many outputs
    the caller sees when the op has hidden ones (Dropout's mask, BatchNorm's batch statistics). ``fluent``
    adds an NDArray method (``True``: the op's name; a string or tuple: those names).
    """
    def register(forward: Callable) -> Callable:
        opname = name or forward.__name__
        if opname in OPS:
            raise MXNetError(f"op {opname!r} is registered twice")
        params = list(inspect.signature(forward).parameters.values())
        op = Op(opname, forward, vjp, num_outputs, num_visible, save_outputs,
                vjp is not None if differentiable is None else differentiable,
                any(p.default is None and p.kind is p.POSITIONAL_OR_KEYWORD for p in params))
        public = _make_public(op, params, forward.__doc__)
        op.public = public
        OPS[opname] = op
        for alias in (opname, *aliases):
            setattr(fn, alias, public)
        for method in (() if not fluent else (opname,) if fluent is True else
                       (fluent,) if isinstance(fluent, str) else fluent):
            setattr(_NDArray, method, public)
        return public
    return register


def _inline_call(op: Op, inputs: list[str], attrs: list[tuple[str, str]], tag: str = "") -> str:
    """The source of ``invoke`` unrolled for ``op`` (empty where it cannot be), to run once its NDArray
    ``inputs`` (names of local variables) are known to be NDArrays; ``attrs`` pairs each attribute with the
    expression giving its value. The op and its forward are the globals ``_op{tag}`` and ``_fwd{tag}``. For
    example, for ``tanh``::

        try:
            res = _fwd(data._data)
        except _WRAPPED as err:
            raise _failed(_op, (data, ), err)
        ctx = data._ctx
        if (data._node is not None) and _state.recording:
            node = _Node(_op, (data, ), _EMPTY, (res,), 1, ctx)
            return _A(res, ctx, node, 0)
        return _A(res, ctx, None, 0)
    """
    nout = op.num_outputs
    if type(nout) is not int or (nout > 1 and op.num_visible is not None):
        return ""
    raw_args = ", ".join([f"{i}._data" for i in inputs] + [f"{a}={v}" for a, v in attrs])
    in_expr, attr_expr = _tuple_source(inputs), _dict_source(attrs)
    in_graph = " or ".join(f"{i}._node is not None" for i in inputs)
    if nout == 1:
        saved = "(res,)" if op.save_outputs else "None"
        wrap = "_A(res, ctx, {node}, 0)"
    else:
        saved = "tuple(res)" if op.save_outputs else "None"
        wrap = "[" + ", ".join(f"_A(res[{k}], ctx, {{node}}, {k})" for k in range(nout)) + "]"
    record = "" if op.vjp is None else (
        f"    if ({in_graph}) and _state.recording:\n"
        f"        node = _Node(_op{tag}, {in_expr}, {attr_expr}, {saved}, {nout}, ctx)\n"
        f"        return {wrap.format(node='node')}\n")
    return (f"    try:\n"
            f"        res = _fwd{tag}({raw_args})\n"
            f"    except _WRAPPED as err:\n"
            f"        raise _failed(_op{tag}, {in_expr}, err)\n"
            + ("" if nout == 1 else f"    if len(res) != {nout}:\n        _check_count(_op{tag}, res, {nout})\n")
            + f"    ctx = {inputs[0]}._ctx\n"
            + record
            + f"    return {wrap.format(node='None')}\n")


def _tuple_source(names: list[str]) -> str:
    return "(" + "".join(i + ", " for i in names) + ")"


def _dict_source(pairs: list[tuple[str, str]]) -> str:
    """Source of the attribute dict ``{name: expression}`` (the shared empty dict when there is none)."""
    return "{" + ", ".join(f"{a!r}: {v}" for a, v in pairs) + "}" if pairs else "_EMPTY"


def _indent(src: str) -> str:
    return "".join("    " + line for line in src.splitlines(keepends=True))


def _namespace(**ops: Op) -> dict[str, Any]:
    """The globals of generated code: the registry's names, and ``_op{tag}``/``_fwd{tag}`` for each op."""
    ns: dict[str, Any] = {"_invoke": invoke, "_EMPTY": _EMPTY, "_A": _NDArray, "_state": _state, "_Node": Node,
                          "_WRAPPED": _WRAPPED_ERRORS, "_failed": _failed, "_check_count": _check_count}
    for tag, op in ops.items():
        ns["_op" + tag], ns["_fwd" + tag] = op, op.forward
    return ns


def operator_method(name: str, scalar_op: Op, array_op: Op | None, general: Callable) -> Callable:
    """``NDArray.<name>(self, other)`` for a Python operator: ``scalar_op`` inlined for a float ``other``,
    ``array_op`` (if given) for an NDArray, and ``general(self, other)`` for any other operand. This is the
    hot path of every operator in user code, so the op bodies are generated in place (see
    :func:`_inline_call`)."""
    src = f"def {name}(self, other):\n    kind = type(other)\n"
    ops = {"_s": scalar_op} if array_op is None else {"_s": scalar_op, "_a": array_op}
    for tag, kind, inputs, attrs in (("_s", "float", ["self"], [("scalar", "other"), ("is_int", "True")]),
                                     ("_a", "_A", ["self", "other"], [])):
        body = _inline_call(ops[tag], inputs, attrs, tag) if tag in ops else ""
        if body:
            src += f"    if kind is {kind} and type(self) is _A:\n" + _indent(body)
    src += "    return _general(self, other)\n"
    ns = _namespace(**ops)
    ns["_general"] = general
    exec(src, ns)
    return ns[name]


def _make_public(op: Op, params: list, doc: str | None) -> Callable:
    """Generate ``name(inputs..., attrs..., out=None, name=None)``.

    For an op with a fixed number of outputs, all visible, called on NDArrays without ``out=``, the generated
    body is ``invoke`` unrolled for this op (the forward called with its attributes as keywords, the node
    recorded inline): this is the hot path of every small-array op. Any other call goes through ``invoke``.
    """
    ns = _namespace(_=op)
    sig, inputs, attrs, star = [], [], [], None
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            star = p.name
            sig.append("*" + p.name)
            continue
        if p.default is p.empty:
            sig.append(p.name)
        else:
            ns["_d_" + p.name] = p.default
            sig.append(f"{p.name}=_d_{p.name}")
        (attrs if p.kind is p.KEYWORD_ONLY else inputs).append(p.name)
    sig += ["out=None", "name=None"]
    pairs = [(a, a) for a in attrs]
    pyname = op.name if op.name.isidentifier() else "_op"
    body = _inline_call(op, inputs, pairs, "_") if inputs and not star else ""
    if body:
        body = f"    if out is None and {' and '.join(f'type({i}) is _A' for i in inputs)}:\n" + _indent(body)
    src = (f"def {pyname}({', '.join(sig)}):\n{body}"
           f"    return _invoke(_op_, {star or _tuple_source(inputs)}, {_dict_source(pairs)}, out)\n")
    exec(src, ns)
    public = ns[pyname]
    public.__doc__ = doc
    public.__qualname__ = public.__name__ = op.name
    public.__module__ = "ndgrad.ndarray"
    return public

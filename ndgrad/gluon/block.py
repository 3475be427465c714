"""Gluon blocks: ``Block``, ``HybridBlock`` and the name scopes that give Parameters their names.

Names follow MXNet 1.x: a block made outside any name scope takes ``<class name lowercased><n>_`` from a
per-thread counter (``dense0_``, ``dense1_``...); a block made inside ``with parent.name_scope():`` takes
``<parent prefix><alias><n>_`` from a counter kept by the parent, and shares the parent's ParameterDict
prefix (``hybridsequential0_conv0_weight``).

``HybridBlock.hybrid_forward(F, x, *args, **params)`` receives ``F = ndgrad.ndarray`` and its Parameters'
data as keyword arrays. ndgrad has no symbolic graph: ``hybridize()`` is accepted and changes nothing in
the results. Unknown (0) Parameter dimensions are completed by ``infer_shape(x, *args)``, which layers
with deferred shapes implement.
"""
from __future__ import annotations

import json
import math
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .. import ndarray as nd
from ..base import MXNetError
from ..ndarray import NDArray
from ..ndarray.io import atomic_write
from .parameter import DeferredInitializationError, Parameter, ParameterDict, _brief, _GluonAssertionError

__all__ = ["Block", "HybridBlock", "SymbolBlock", "HookHandle", "NameManager", "Prefix"]


class NameManager:
    """Automatic names ``<hint><n>`` for blocks made outside any name scope (``mx.name.NameManager``).

    ``with NameManager():`` starts fresh counters for the blocks created inside it.
    """

    _current = threading.local()

    def __init__(self) -> None:
        self._counter: dict[str, int] = {}
        self._old_manager: NameManager | None = None

    def get(self, name: str | None, hint: str) -> str:
        """``name`` if given, else the next ``<hint><n>``."""
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return f"{hint}{count}"

    @staticmethod
    def current() -> NameManager:
        manager = getattr(NameManager._current, "value", None)
        if manager is None:
            manager = NameManager._current.value = NameManager()
        return manager

    def __enter__(self) -> NameManager:
        self._old_manager = NameManager.current()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        NameManager._current.value = self._old_manager


class Prefix(NameManager):
    """A NameManager that puts ``prefix`` before every automatic name."""

    def __init__(self, prefix: str):
        super().__init__()
        self._prefix = prefix

    def get(self, name: str | None, hint: str) -> str:
        return self._prefix + super().get(name, hint)


class _BlockScope:
    """The name scope of a Block: counts the children made inside ``with block.name_scope():``."""

    _current = threading.local()

    def __init__(self, block: Block):
        self._block = block
        self._counter: dict[str, int] = {}
        self._old_scope: _BlockScope | None = None

    @staticmethod
    def create(prefix: str | None, params: ParameterDict | None, hint: str) -> tuple[str, ParameterDict]:
        """The prefix and ParameterDict of a new block, from the enclosing scope."""
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = NameManager.current().get(None, hint) + "_"
            params = ParameterDict(prefix) if params is None else ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self) -> _BlockScope:
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._block._empty_prefix:
            return
        _BlockScope._current.value = self._old_scope


class HookHandle:
    """Handle returned by ``register_forward_hook``; ``detach()`` removes the hook."""

    def __init__(self) -> None:
        self._hooks_dict_ref: Any = None
        self._id: int | None = None

    def attach(self, hooks_dict: OrderedDict, hook: Callable) -> None:
        if self._hooks_dict_ref is not None:
            raise MXNetError("The same handle cannot be attached twice.")
        self._id = id(hook)
        hooks_dict[self._id] = hook
        self._hooks_dict_ref = hooks_dict

    def detach(self) -> None:
        hooks = self._hooks_dict_ref
        if hooks is not None and self._id in hooks:
            del hooks[self._id]

    def __enter__(self) -> HookHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.detach()


def _indent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    return "\n".join([lines[0]] + [" " * spaces + line for line in lines[1:]])


def _flatten_arrays(args: Any) -> list[NDArray]:
    """Every NDArray in a (possibly nested) list/tuple of arguments."""
    out = []
    for a in args:
        if isinstance(a, NDArray):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(_flatten_arrays(a))
    return out


class Block:
    """Base class of all layers and models (``mxnet.gluon.Block``).

    Parameters
    ----------
    prefix : str, optional
        Prefix of this block's name and Parameter names; made from the class name if omitted.
    params : ParameterDict, optional
        Parameters to share with another block.
    """

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None):
        self._empty_prefix = prefix == ""
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = _BlockScope(self)
        self._children: OrderedDict[str, Block] = OrderedDict()
        self._reg_params: dict[str, Parameter] = {}
        self._forward_hooks: OrderedDict = OrderedDict()
        self._forward_pre_hooks: OrderedDict = OrderedDict()

    def __repr__(self) -> str:
        modstr = "\n".join(f"  ({key}): {_indent(repr(block), 2)}" for key, block in self.__dict__.items()
                           if isinstance(block, Block))
        return f"{type(self).__name__}(\n{modstr}\n)"

    def __setattr__(self, name: str, value: Any) -> None:
        """Register Blocks and Parameters assigned as attributes."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError(f"Changing attribute type for {name} from {type(existing)} to {type(value)} "
                                "is not allowed.")
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise _GluonAssertionError(f"Overriding Parameter attribute {name} is not allowed. If you want "
                                           "to share parameters between blocks, please set 'params' at Block "
                                           "construction instead.")
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _check_container_with_block(self) -> None:
        """Warn about Blocks hidden in lists/dicts, which are not registered as children."""
        children = set(self._children.values())

        def hidden(data: Any) -> bool:
            if isinstance(data, (list, tuple)):
                return any((isinstance(x, Block) and x not in children) or hidden(x) for x in data)
            if isinstance(data, dict):
                return hidden(list(data.values()))
            return False

        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not k.startswith("__") and hidden(v):
                warnings.warn(f'"{self.name}.{k}" is an unregistered container with Blocks. Note that Blocks '
                              "inside the list, tuple or dict will not be registered automatically. Make sure "
                              "to register them using register_child() or switching to nn.Sequential/"
                              "nn.HybridSequential instead.", stacklevel=3)

    def _alias(self) -> str:
        return type(self).__name__.lower()

    @property
    def prefix(self) -> str:
        """Prefix of this block's name and of its Parameters' names."""
        return self._prefix

    @property
    def name(self) -> str:
        """Name of this block, without the trailing '_'."""
        return self._name

    def name_scope(self) -> _BlockScope:
        """Scope inside which child blocks take this block's prefix: ``with self.name_scope():``."""
        return self._scope

    @property
    def params(self) -> ParameterDict:
        """This block's own ParameterDict (not its children's; see ``collect_params``)."""
        return self._params

    def collect_params(self, select: str | None = None) -> ParameterDict:
        """A ParameterDict of this block's and all descendants' Parameters, optionally filtered by the regex
        ``select`` (e.g. ``'.*weight|.*bias'``)."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret._params.update((k, v) for k, v in self.params.items() if pattern.match(k))
        for child in self._children.values():
            ret.update(child.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix: str = "") -> dict[str, Parameter]:
        """Parameters under structural names: attribute names joined by '.' (``0.weight``)."""
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def save_parameters(self, filename: str, deduplicate: bool = False) -> None:
        """Save the Parameters under structural names (``0.weight``), in MXNet's binary format."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            first: dict[Parameter, str] = {}
            for k, v in reversed(list(params.items())):
                first[v] = k
            params = {k: v for v, k in first.items()}
        nd.save(filename, {key: val._reduce() for key, val in params.items()})

    def load_parameters(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                        ignore_extra: bool = False, cast_dtype: bool = False, dtype_source: str = "current") -> None:
        """Load Parameters saved by ``save_parameters`` (or, for files with full names, by
        ``collect_params().save``)."""
        loaded = nd.load(filename)
        if isinstance(loaded, list):
            loaded = {f"a{i}": v for i, v in enumerate(loaded)}
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any("." in k for k in loaded):
            self.collect_params().load_dict(loaded, ctx, allow_missing, ignore_extra, self.prefix, filename,
                                            cast_dtype, dtype_source)
            return
        if not allow_missing:
            names_of: dict[Parameter, list[str]] = {}
            for k, v in params.items():
                names_of.setdefault(v, []).append(k)
            for name, param in params.items():
                if not any(n in loaded for n in names_of[param]):
                    raise _GluonAssertionError(
                        f"Parameter '{name}' is missing in file '{filename}', which contains parameters: "
                        f"{_brief(loaded)}. Set allow_missing=True to ignore missing parameters.")
        for name, value in loaded.items():
            if name not in params:
                if not ignore_extra:
                    raise MXNetError(
                        f"Parameter '{name}' loaded from file '{filename}' is not present in this Block, which "
                        f"contains parameters {_brief(params)}. Set ignore_extra=True to ignore.")
                continue
            params[name]._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)

    def save(self, prefix: str) -> None:
        """Save the architecture to ``<prefix>-model.json`` and the Parameters to ``<prefix>-model.params``.

        The JSON is MXNet's nested description: one entry per Block, keyed by class name and traversal index,
        with its original name and its children's names. ndgrad keeps no symbolic graph, so hybridized Blocks
        are described like the others (``"hybridized": false``).
        """
        counter = [0]

        def describe(block: Block, into: dict) -> None:
            entry: dict[str, Any] = {"orig_name": block.name}
            into[f"{type(block).__name__.lower()}{counter[0]}"] = entry
            counter[0] += 1
            if isinstance(block, HybridBlock):
                entry["hybridized"] = False
            entry["children"] = {child.name: key for key, child in block._children.items()}
            for child in block._children.values():
                describe(child, entry)

        model: dict[str, Any] = {}
        describe(self, model)
        atomic_write(f"{prefix}-model.json", json.dumps(model).encode())
        self.save_parameters(f"{prefix}-model.params")

    def load(self, prefix: str) -> None:
        """Load what :meth:`save` wrote into this Block, which must be built the same way."""
        with open(f"{prefix}-model.json") as f:
            saved = json.load(f)

        def check(block: Block, entry: dict, where: str) -> None:
            children = entry.get("children", {})
            if list(children.values()) != list(block._children):
                raise MXNetError(f"Block.load: {where} ({type(block).__name__}) has children "
                                 f"{list(block._children)} but '{prefix}-model.json' describes "
                                 f"{list(children.values())}; build the model as it was when saved")
            nested = [v for k, v in entry.items() if isinstance(v, dict) and k != "children"]
            for (key, child), sub in zip(block._children.items(), nested, strict=True):
                check(child, sub, f"{where}.{key}")

        (root,) = saved.values()
        check(self, root, type(self).__name__)
        self.load_parameters(f"{prefix}-model.params")

    def save_params(self, filename: str) -> None:
        """Deprecated: use ``save_parameters``."""
        warnings.warn("save_params is deprecated. Please use save_parameters.", stacklevel=2)
        self.collect_params().save(filename, strip_prefix=self.prefix)

    def load_params(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                    ignore_extra: bool = False) -> None:
        """Deprecated: use ``load_parameters``."""
        warnings.warn("load_params is deprecated. Please use load_parameters.", stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def register_child(self, block: Block, name: str | None = None) -> None:
        """Register ``block`` as a child (under ``name``, or its index)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook: Callable) -> HookHandle:
        """Call ``hook(block, inputs)`` before every forward."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook: Callable) -> HookHandle:
        """Call ``hook(block, inputs, outputs)`` after every forward."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def apply(self, fn: Callable) -> Block:
        """Call ``fn(block)`` on every descendant, then on this block; returns self."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def initialize(self, init: Any = None, ctx: Any = None, verbose: bool = False, force_reinit: bool = False) -> None:
        """Initialize all Parameters (``init`` defaults to ``initializer.Uniform()``) on ``ctx``."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Hybridize the HybridBlock descendants (in ndgrad, results are the same either way)."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype: Any) -> None:
        """Cast all Parameters to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for _, param in self.params.items():
            param.cast(dtype)

    def zero_grad(self) -> None:
        """Set all gradient buffers to 0."""
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx: Any) -> None:
        """Move all Parameters to ``ctx``."""
        self.collect_params().reset_ctx(ctx)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._forward_pre_hooks:  # tested first: copying empty hook lists costs more than the call
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
        out = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
        return out

    def forward(self, *args: Any) -> Any:
        """The computation; override in subclasses."""
        raise NotImplementedError

    def summary(self, *inputs: Any) -> None:
        """Print each layer's output shape and parameter count for a forward pass on ``inputs``."""
        summary: OrderedDict[str, dict] = OrderedDict()
        seen: set = set()
        hooks = []

        def shapes(x: Any) -> Any:
            if isinstance(x, NDArray):
                return x.shape
            if isinstance(x, (list, tuple)):
                return [shapes(i) for i in x]
            return ()

        def hook(block: Block, _inputs: Any, outputs: Any) -> None:
            key = f"{type(block).__name__}-{len(summary)}"
            entry = summary[key] = {"output_shape": shapes(outputs), "n_params": 0, "trainable": 0, "shared": 0}
            for _, p in block.params.items():
                size = math.prod(p.data().shape)
                entry["n_params"] += size
                entry["trainable"] += 0 if p.grad_req == "null" else size
                if p in seen:
                    entry["shared"] += size
                else:
                    seen.add(p)

        from .nn.basic_layers import HybridSequential, Sequential

        def register(block: Block) -> None:
            if not isinstance(block, (Sequential, HybridSequential)):
                hooks.append(block.register_forward_hook(hook))

        summary["Input"] = {"output_shape": shapes(inputs[0] if len(inputs) == 1 else list(inputs)),
                            "n_params": 0, "trainable": 0, "shared": 0}
        try:
            self.apply(register)
            self(*inputs)
            line = "{:>20}  {:>42} {:>15}"
            print("-" * 80)
            print(line.format("Layer (type)", "Output Shape", "Param #"))
            print("=" * 80)
            total = trainable = shared = 0
            for layer, entry in summary.items():
                print(line.format(layer, str(entry["output_shape"]), entry["n_params"]))
                total += entry["n_params"]
                trainable += entry["trainable"]
                shared += entry["shared"]
            print("=" * 80)
            print("Parameters in forward computation graph, duplicate included")
            print("   Total params: " + str(total))
            print("   Trainable params: " + str(trainable))
            print("   Non-trainable params: " + str(total - trainable))
            print("Shared params in forward computation graph: " + str(shared))
            print("Unique parameters in model: " + str(total - shared))
            print("-" * 80)
        finally:
            for h in hooks:
                h.detach()


class HybridBlock(Block):
    """A Block whose computation is written once in ``hybrid_forward(F, x, *args, **params)``.

    ``F`` is ``ndgrad.ndarray``; ``params`` holds the data of the Parameters registered as attributes.
    """

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None):
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._flags: dict = {}

    def register_child(self, block: Block, name: str | None = None) -> None:
        if not isinstance(block, HybridBlock):
            raise ValueError(f"Children of HybridBlock must also be HybridBlock, but {block} has type "
                             f"{type(block)}. If you are using Sequential, please try HybridSequential instead.")
        super().register_child(block, name)

    def hybridize(self, active: bool = True, backend: Any = None, clear: bool = True, static_alloc: bool = False,
                  static_shape: bool = False, inline_limit: int = 2, forward_bulk_size: int | None = None,
                  backward_bulk_size: int | None = None, **kwargs: Any) -> None:
        """Mark the block hybridized. ndgrad runs imperatively either way: results are identical."""
        if backend is not None:
            raise NotImplementedError("hybridize(backend=...): graph partitioning backends, not in ndgrad")
        self._active = active
        self._flags = {"static_alloc": static_alloc, "static_shape": static_shape, "inline_limit": inline_limit,
                       **kwargs}
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape,
                          inline_limit=inline_limit, forward_bulk_size=forward_bulk_size,
                          backward_bulk_size=backward_bulk_size, **kwargs)

    def infer_shape(self, *args: Any) -> None:
        """Complete the unknown dimensions of this block's Parameters from the inputs ``args``.

        MXNet infers them through the symbolic graph; ndgrad's layers each implement this method. A custom
        HybridBlock with unknown Parameter dimensions must give full shapes or override it.
        """
        unknown = [p.name for p in self._all_params() if p.shape is None or 0 in p.shape]
        if not unknown:
            return
        raise DeferredInitializationError(
            f"{type(self).__name__} '{self.name}': cannot infer the shapes of Parameters {unknown}: ndgrad has no "
            "symbolic shape inference. Give these Parameters complete shapes (in_units, in_channels, ...) or "
            "implement infer_shape(self, *args) on the block to set them from the inputs.")

    def infer_type(self, *args: Any) -> None:
        """Parameters keep the dtype they were declared with."""

    def _all_params(self) -> list[Parameter]:
        seen = list(self._reg_params.values())
        seen += [p for p in self.params.values() if p not in seen]
        return seen

    def forward(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """Gather this block's Parameter data on the input's context and call ``hybrid_forward``."""
        if type(x) is NDArray:
            ctx = x._ctx
        else:
            arrays = _flatten_arrays((x, *args))
            if not arrays:
                raise ValueError("In HybridBlock, there must be one NDArray or one Symbol in the input. Please "
                                 "check the type of the args.\n")
            ctx = arrays[0].context
        try:
            params = {k: v.data(ctx) for k, v in self._reg_params.items()}
        except DeferredInitializationError:
            self.infer_shape(x, *args)
            for p in self._all_params():
                p._finish_deferred_init()
            params = {k: v.data(ctx) for k, v in self._reg_params.items()}
        return self.hybrid_forward(nd, x, *args, **kwargs, **params)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        """The computation, with ``F`` the ``nd`` namespace and Parameters as keyword arrays."""
        raise NotImplementedError

    def export(self, path: str, epoch: int = 0, remove_amp_cast: bool = True) -> None:
        """MXNet writes a symbol JSON and parameters; ndgrad has no symbolic API."""
        raise NotImplementedError("HybridBlock.export: ndgrad has no Symbol API; use save_parameters")

    def optimize_for(self, x: Any, *args: Any, backend: Any = None, **kwargs: Any) -> None:
        raise NotImplementedError("HybridBlock.optimize_for: graph partitioning backends, not in ndgrad")


class SymbolBlock(HybridBlock):
    """MXNet builds a block from a Symbol; ndgrad has no symbolic API."""

    def __init__(self, outputs: Any = None, inputs: Any = None, params: Any = None):
        raise NotImplementedError("SymbolBlock: ndgrad has no Symbol API (imperative only)")

    @staticmethod
    def imports(symbol_file: str, input_names: Any, param_file: str | None = None, ctx: Any = None) -> None:
        raise NotImplementedError("SymbolBlock.imports: ndgrad has no Symbol API (imperative only)")


"""Gluon parameters: ``Parameter``, ``Constant`` and ``ParameterDict`` (``mxnet.gluon.parameter``).

A Parameter holds one copy of its data (and gradient) per context. A shape may contain unknown (0)
dimensions; with ``allow_deferred_init=True`` initialization then waits until the first forward pass
completes the shape.
"""
from __future__ import annotations

import re
import warnings
import weakref
from collections import OrderedDict
from typing import Any

import numpy as np

from .. import autograd
from .. import initializer
from .. import ndarray as nd
from ..base import MXNetError, mx_real_t
from ..context import Context, cpu, current_context
from ..ndarray import NDArray

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "ParameterDict", "tensor_types"]

tensor_types = (NDArray,)


class DeferredInitializationError(MXNetError):
    """A Parameter's data was asked for while its initialization is still deferred."""


class _GluonAssertionError(MXNetError, AssertionError):
    """An MXNetError raised where MXNet's Gluon fails an assertion."""


def _brief(names: Any, limit: int = 3) -> str:
    """At most ``limit`` names, with an ellipsis, for error messages."""
    names = list(names)
    if len(names) > limit:
        names = [*names[:limit - 1], "...", names[-1]]
    return ", ".join(f"'{n}'" if n != "..." else n for n in names)


def _shape_known(shape: tuple | None) -> bool:
    return shape is not None and all(d > 0 for d in shape)


def _same_dtype(a: Any, b: Any) -> bool:
    return np.dtype(a) == np.dtype(b)


class Parameter:
    """A weight of a Block: data and gradient on one or more contexts.

    Parameters
    ----------
    name : str
        Full name, e.g. ``dense0_weight``.
    grad_req : {'write', 'add', 'null'}
        How gradients are stored; 'null' keeps none.
    shape : int or tuple of int
        Shape; 0 marks a dimension to be inferred at the first forward pass.
    dtype : numpy type or str
        Data type (float32 by default).
    lr_mult, wd_mult : float
        Multipliers of the optimizer's learning rate and weight decay.
    init : Initializer or str
        Initializer used instead of the global one given to ``initialize``.
    allow_deferred_init : bool
        Whether initialization may wait for the shape to be completed.
    differentiable : bool
        False forces ``grad_req='null'``.
    """

    def __init__(self, name: str, grad_req: str = "write", shape: Any = None, dtype: Any = mx_real_t,
                 lr_mult: float = 1.0, wd_mult: float = 1.0, init: Any = None, allow_deferred_init: bool = False,
                 differentiable: bool = True, stype: str = "default", grad_stype: str = "default"):
        self._var = None
        self._data: list[NDArray] | None = None
        self._grad: list[NDArray] | None = None
        self._ctx_list: list[Context] | None = None
        self._ctx_map: dict[Context, int] | None = None
        self._trainer = None
        self._deferred_init: tuple = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        if isinstance(shape, (int, np.integer)):
            shape = (int(shape),)
        self._shape = None if shape is None else tuple(int(d) for d in shape)
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        for kind, value in (("stype", stype), ("grad_stype", grad_stype)):
            if value not in ("default", "row_sparse", "csr"):
                raise MXNetError(f"Parameter '{name}': {kind} must be 'default', 'row_sparse' or 'csr', "
                                 f"got {value!r}")
            if value != "default":
                raise NotImplementedError(f"Parameter {kind}={value!r}: sparse storage, not yet in ndgrad")
        self._stype, self._grad_stype = stype, grad_stype

    def __repr__(self) -> str:
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    # ----------------------------------------------------------------- attributes
    @property
    def grad_req(self) -> str:
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req not in ("write", "add", "null"):
            raise _GluonAssertionError(f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'")
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad is not None:
            self._grad = None
            self._data = [d.detach() for d in self._data]
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self) -> Any:
        return self._dtype

    @dtype.setter
    def dtype(self, dtype: Any) -> None:
        self._dtype = dtype

    @property
    def shape(self) -> tuple | None:
        return self._shape

    @shape.setter
    def shape(self, new_shape: Any) -> None:
        if new_shape is None:
            self._shape = None
            return
        new_shape = tuple(int(d) for d in ((new_shape,) if isinstance(new_shape, (int, np.integer)) else new_shape))
        if self._shape is not None:
            compatible = len(self._shape) == len(new_shape) and all(
                old in (0, new) for old, new in zip(self._shape, new_shape, strict=True))
            if not compatible:
                raise _GluonAssertionError(f"Expected shape {new_shape} is incompatible with given shape "
                                           f"{self._shape} for Parameter '{self.name}'.")
        self._shape = new_shape

    @property
    def stype(self) -> str:
        return self._stype

    # ----------------------------------------------------------------- initialization
    def initialize(self, init: Any = None, ctx: Any = None, default_init: Any = None,
                   force_reinit: bool = False) -> None:
        """Initialize data (and gradient) on ``ctx`` (current context by default).

        ``init`` overrides this Parameter's own ``init``, which overrides ``default_init``
        (``initializer.Uniform()``). With unknown dimensions and ``allow_deferred_init``, initialization
        waits for the first forward pass.
        """
        if default_init is None:
            default_init = initializer.Uniform()
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self.name}' is already initialized, ignoring. "
                          "Set force_reinit=True to re-initialize.", stacklevel=2)
            return
        self._data = self._grad = None
        ctx = _ctx_list(ctx)
        if init is None:
            init = default_init if self.init is None else self.init
        if not _shape_known(self.shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise MXNetError(f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                             f"{self.shape}.")
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self) -> None:
        """Run the initialization that waited for the shape."""
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        if not _shape_known(self.shape):
            self._deferred_init = (init, ctx, default_init, data)
            raise MXNetError(f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                             f"{self.shape}. Please specify in_units, in_channels, etc for `Block`s.")
        with autograd.pause():
            if data is None:
                data = nd.zeros(self.shape, ctx=cpu(), dtype=self.dtype)
                initializer.create(default_init)(initializer.InitDesc(self.name, {"__init__": init}), data)
            self._init_impl(data, ctx)

    def _init_impl(self, data: NDArray, ctx_list: list) -> None:
        self._ctx_list = list(ctx_list)
        self._ctx_map = {c: i for i, c in enumerate(self._ctx_list)}
        self._data = [data.copyto(c) for c in self._ctx_list]
        self._init_grad()

    def _init_grad(self) -> None:
        if self.grad_req == "null":
            self._grad = None
            return
        self._grad = [nd.zeros(d.shape, ctx=d.context, dtype=d.dtype) for d in self._data]
        autograd.mark_variables(self._data, self._grad, self.grad_req)

    def _load_init(self, data: NDArray, ctx: Any, cast_dtype: bool = False, dtype_source: str = "current") -> None:
        """Initialize (or overwrite) from loaded ``data``."""
        if cast_dtype and dtype_source not in ("current", "saved"):
            raise _GluonAssertionError(f"dtype_source must be 'current' or 'saved', got {dtype_source!r}")
        if self.shape:
            ok = len(self.shape) == len(data.shape) and all(
                s in (0, d) for s, d in zip(self.shape, data.shape, strict=True))
            if not ok:
                raise _GluonAssertionError(f"Failed loading Parameter '{self.name}' from saved params: shape "
                                           f"incompatible expected {self.shape} vs saved {data.shape}")
            self.shape = tuple(d if s == 0 else s for s, d in zip(self.shape, data.shape, strict=True))
        if self.dtype is not None and not _same_dtype(self.dtype, data.dtype):
            if not cast_dtype:
                raise _GluonAssertionError(
                    f"Failed loading Parameter '{self.name}' from saved params: dtype incompatible expected "
                    f"{np.dtype(self.dtype).name} vs saved {np.dtype(data.dtype).name}. Set cast_dtype=True to "
                    "cast the dtype of saved params.")
            if dtype_source == "current":
                data = data.astype(self.dtype, copy=False)
            else:
                self.dtype = data.dtype
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                if ctx is not None and set(ctx) != set(self._deferred_init[1]):
                    raise _GluonAssertionError(f"Failed to load Parameter '{self.name}' on {ctx} because it was "
                                               f"previously initialized on {self.list_ctx()}.")
                ctx = self._deferred_init[1]
            elif ctx is None:
                ctx = [cpu()]
            self._init_impl(data, ctx)
        else:
            if ctx is not None and set(ctx) != set(self.list_ctx()):
                raise _GluonAssertionError(f"Failed to load Parameter '{self.name}' on {ctx} because it was "
                                           f"previously initialized on {self.list_ctx()}.")
            self.set_data(data)
        self._deferred_init = ()

    # ----------------------------------------------------------------- access
    def _check_and_get(self, arr_list: list | None, ctx: Any) -> Any:
        if arr_list is not None:
            if len(arr_list) == 1 and arr_list[0]._ctx is ctx:  # the common case, without hashing the context
                return arr_list[0]
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            idx = self._ctx_map.get(Context(ctx) if not isinstance(ctx, Context) else ctx)
            if idx is not None:
                return arr_list[idx]
            raise MXNetError(f"Parameter '{self.name}' was not initialized on context {ctx}. "
                             f"It was only initialized on {self._ctx_list}.")
        if self._deferred_init:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because initialization was deferred. "
                "Actual initialization happens during the first forward pass. Please pass one batch of data "
                "through the network before accessing Parameters. You can also avoid deferred initialization "
                "by specifying in_units, num_features, etc., for network layers.")
        raise MXNetError(f"Parameter '{self.name}' has not been initialized. Note that you should initialize "
                         "parameters and create Trainer with Block.collect_params() instead of Block.params "
                         "because the later does not include Parameters of nested child Blocks")

    def data(self, ctx: Context | None = None) -> NDArray:
        """The data on ``ctx`` (the only copy, or the current context's, by default)."""
        return self._check_and_get(self._data, ctx)

    def list_data(self) -> list[NDArray]:
        """The data on every context, in the order of ``list_ctx()``."""
        return self._check_and_get(self._data, list)

    def grad(self, ctx: Context | None = None) -> NDArray:
        """The gradient buffer on ``ctx``."""
        if self._data is not None and self._grad is None:
            raise MXNetError(f"Cannot get gradient array for Parameter '{self.name}' because grad_req='null'")
        return self._check_and_get(self._grad, ctx)

    def list_grad(self) -> list[NDArray]:
        """The gradient buffers on every context."""
        if self._data is not None and self._grad is None:
            raise MXNetError(f"Cannot get gradient array for Parameter '{self.name}' because grad_req='null'")
        return self._check_and_get(self._grad, list)

    def list_ctx(self) -> list[Context]:
        """The contexts this Parameter is (or will be, if deferred) initialized on."""
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise MXNetError(f"Parameter '{self.name}' has not been initialized")
        return self._ctx_list

    def row_sparse_data(self, row_id: NDArray) -> NDArray:
        raise NotImplementedError("Parameter.row_sparse_data: sparse storage, not yet in ndgrad")

    def list_row_sparse_data(self, row_id: NDArray) -> list:
        raise NotImplementedError("Parameter.list_row_sparse_data: sparse storage, not yet in ndgrad")

    def var(self) -> Any:
        """MXNet returns a Symbol here; ndgrad has no symbolic API."""
        raise NotImplementedError("Parameter.var: ndgrad has no Symbol API (imperative only)")

    # ----------------------------------------------------------------- mutation
    def set_data(self, data: Any) -> None:
        """Overwrite the data on every context (or the data a deferred initialization will use)."""
        if not isinstance(data, NDArray):
            data = nd.array(data, dtype=self.dtype)
        self.shape = data.shape
        if self._data is None:
            if not self._deferred_init:
                raise _GluonAssertionError(f"Parameter '{self.name}' has not been initialized")
            self._deferred_init = (*self._deferred_init[:3], data)
            return
        for arr in self._data:
            arr._data[...] = data.as_in_context(arr.context)._data

    def zero_grad(self) -> None:
        """Set the gradient buffers to 0 (for ``grad_req='add'``)."""
        if self._grad is None:
            return
        for g in self._grad:
            g._data[...] = 0

    def reset_ctx(self, ctx: Any) -> None:
        """Move data and gradient to the context(s) ``ctx``."""
        ctx = _ctx_list(ctx)
        if self._data:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise MXNetError(f"Cannot reset context for Parameter '{self.name}' because it has not been "
                             "initialized.")

    def _reduce(self) -> NDArray:
        """The average of the copies on every context, on the CPU."""
        arrays = self.list_data()
        if len(arrays) == 1:
            return arrays[0].copyto(cpu())
        total = arrays[0].copyto(cpu())
        for a in arrays[1:]:
            total = total + a.copyto(cpu())
        return total / len(arrays)

    def cast(self, dtype: Any) -> None:
        """Cast data and gradient to ``dtype``."""
        self._dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            self._data = [d.astype(dtype) for d in self._data]
            if self._grad is None:
                return
            self._grad = [g.astype(dtype) for g in self._grad]
            autograd.mark_variables(self._data, self._grad, self.grad_req)

    def _set_trainer(self, trainer: Any) -> None:
        self._trainer = None if trainer is None else weakref.ref(trainer)


def _ctx_list(ctx: Any) -> list[Context]:
    if ctx is None:
        return [current_context()]
    if isinstance(ctx, Context):
        return [ctx]
    return list(ctx)


def _constant_init(value: NDArray) -> Any:
    """An initializer that copies ``value`` (the init of a ``Constant``)."""
    base = initializer.Initializer

    class ConstantValue(base):
        def _init_weight(self, _desc: Any, arr: NDArray) -> None:
            arr._data[...] = value.as_in_context(arr.context).astype(arr.dtype)._data

        def dumps(self) -> str:
            return '["constant", {}]'

    return ConstantValue()


class Constant(Parameter):
    """A Parameter with a fixed value and no gradient (``grad_req`` is always 'null')."""

    def __init__(self, name: str, value: Any):
        if not isinstance(value, NDArray):
            value = nd.array(value)  # float32, as MXNet
        self.value = value
        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype, init=_constant_init(value))

    def __repr__(self) -> str:
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"

    @property
    def grad_req(self) -> str:
        return "null"

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn(f'Constant parameter "{self.name}" does not support grad_req other than "null", '
                          f'and new value "{req}" is ignored.', stacklevel=2)
        self._grad_req = "null"


class ParameterDict:
    """An ordered dictionary of Parameters sharing a name prefix (``Block.params``)."""

    def __init__(self, prefix: str = "", shared: ParameterDict | None = None):
        self._prefix = prefix
        self._params: OrderedDict[str, Parameter] = OrderedDict()
        self._shared = shared

    def __repr__(self) -> str:
        name = self._prefix + " " if self._prefix else ""
        content = "\n".join(f"  {v}" for v in self.values())
        return f"{name}(\n{content}\n)"

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, key: str) -> bool:
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self) -> str:
        """The prefix of every name made by ``get``."""
        return self._prefix

    def _get_impl(self, name: str) -> Parameter | None:
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._params[name]
        return None

    def get(self, name: str, **kwargs: Any) -> Parameter:
        """The Parameter ``prefix + name``, created with ``kwargs`` if it does not exist yet.

        For an existing one, ``kwargs`` must agree with its attributes (unknown shape dims are filled in).
        """
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            existing = getattr(param, k, None)
            if existing is None:
                setattr(param, k, v)
                continue
            if k == "shape":
                v = (v,) if isinstance(v, (int, np.integer)) else tuple(v)
                if len(v) == len(existing) and all(a == b or a <= 0 or b <= 0
                                                   for a, b in zip(v, existing, strict=True)):
                    param._shape = tuple(b if a <= 0 else a for a, b in zip(v, existing, strict=True))
                    continue
            elif k == "dtype" and _same_dtype(v, existing):
                continue
            if v is not None and v != existing:
                raise _GluonAssertionError(
                    f"Cannot retrieve Parameter '{name}' because desired attribute does not match with stored "
                    f"for attribute '{k}': desired '{v}' vs stored '{existing}'.")
        return param

    def get_constant(self, name: str, value: Any = None) -> Constant:
        """The Constant ``prefix + name``, created from ``value`` if it does not exist yet."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError(f"No constant named '{name}'. Please specify value if you want to create a new "
                               "constant.")
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise _GluonAssertionError(f"Parameter '{name}' already exists but it is not a constant.")
            value = value.asnumpy() if isinstance(value, NDArray) else np.asarray(value)
            if param.shape != value.shape or not (param.value.asnumpy() == value).all():
                raise _GluonAssertionError(f"Constant '{name}' already exists but its value doesn't match new "
                                           "value")
        return param

    def update(self, other: ParameterDict) -> None:
        """Add the Parameters of ``other`` (a name may only map to the same Parameter)."""
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise _GluonAssertionError(f"Cannot update self with other because they have different "
                                           f"Parameters with the same name '{k}'")
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init: Any = None, ctx: Any = None, verbose: bool = False,
                   force_reinit: bool = False) -> None:
        """Initialize every Parameter; ``init`` (default ``Uniform()``) applies where a Parameter has none."""
        if init is None:
            init = initializer.Uniform()
        if verbose and hasattr(init, "set_verbosity"):
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self) -> None:
        """Set every gradient buffer to 0."""
        for v in self.values():
            v.zero_grad()

    def reset_ctx(self, ctx: Any) -> None:
        """Move every Parameter to ``ctx``."""
        for v in self.values():
            v.reset_ctx(ctx)

    def list_ctx(self) -> list[Context]:
        """The union of the contexts of all Parameters."""
        seen: list[Context] = []
        for v in self.values():
            for c in v.list_ctx():
                if c not in seen:
                    seen.append(c)
        return seen

    def setattr(self, name: str, value: Any) -> None:
        """Set an attribute (``grad_req``, ``lr_mult``...) on every Parameter."""
        for v in self.values():
            setattr(v, name, value)

    def select(self, select: str) -> ParameterDict:
        """The Parameters whose names match the regular expression ``select``."""
        ret = ParameterDict(self._prefix)
        pattern = re.compile(select)
        ret._params.update((k, v) for k, v in self.items() if pattern.match(k))
        return ret

    def save(self, filename: str, strip_prefix: str = "") -> None:
        """Save every Parameter (averaged over contexts) to ``filename`` under its name minus ``strip_prefix``."""
        arg_dict = {}
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise MXNetError(f"Prefix '{strip_prefix}' is to be striped before saving, but Parameter's name "
                                 f"'{param.name}' does not start with '{strip_prefix}'. This may be due to your "
                                 "Block sharing parameters from other Blocks or creating child blocks outside "
                                 "'with name_scope()'.")
            arg_dict[param.name[len(strip_prefix):]] = param._reduce()
        nd.save(filename, arg_dict)

    def load(self, filename: str, ctx: Any = None, allow_missing: bool = False, ignore_extra: bool = False,
             restore_prefix: str = "", cast_dtype: bool = False, dtype_source: str = "current") -> None:
        """Load Parameters saved by ``save``; ``restore_prefix`` is prepended to the stored names."""
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise _GluonAssertionError(f"restore_prefix is '{restore_prefix}' but Parameter's name "
                                               f"'{name}' does not start with '{restore_prefix}'.")
        self.load_dict(nd.load(filename), ctx, allow_missing, ignore_extra, restore_prefix, filename,
                       cast_dtype, dtype_source)

    def load_dict(self, param_dict: dict, ctx: Any = None, allow_missing: bool = False, ignore_extra: bool = False,
                  restore_prefix: str = "", filename: str | None = None, cast_dtype: bool = False,
                  dtype_source: str = "current") -> None:
        """Load Parameters from a dict of name -> NDArray (names may carry 'arg:'/'aux:' prefixes)."""
        lprefix = len(restore_prefix)
        items = param_dict.items() if isinstance(param_dict, dict) else param_dict
        arg_dict = {restore_prefix + (k[4:] if k.startswith(("arg:", "aux:")) else k): v for k, v in items}
        source = f"file: {filename}" if filename else "param_dict"
        if not allow_missing:
            for name in self.keys():
                if name not in arg_dict:
                    raise _GluonAssertionError(
                        f"Parameter '{name[lprefix:]}' is missing in {source}, which contains parameters: "
                        f"{_brief(arg_dict)}. Please make sure source and target networks have the same prefix.")
        for name, value in arg_dict.items():
            if name not in self._params:
                if not ignore_extra:
                    raise _GluonAssertionError(
                        f"Parameter '{name[lprefix:]}' loaded from {source} is not present in ParameterDict, "
                        f"choices are: {_brief(self._params)}. Set ignore_extra to True to ignore. Please make "
                        "sure source and target networks have the same prefix.")
                continue
            self[name]._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)

"""Weight initializers (``mx.init``): name-based dispatch on ``InitDesc`` and the usual schemes.

Random initializers draw from ndgrad's random stream (``nd.random``), so ``mx.random.seed`` makes them
reproducible, and ``Uniform``/``Xavier`` give MXNet's exact values for the same seed.
"""
from __future__ import annotations

import json
import re
import warnings
from math import sqrt
from typing import Any

import numpy as np

from .base import ClassRegistry, MXNetError
from .ndarray import NDArray
from .ndarray import random as _random

__all__ = ["InitDesc", "Initializer", "register", "alias", "create", "Load", "Mixed", "Zero", "One", "Constant",
           "Uniform", "Normal", "Orthogonal", "Xavier", "MSRAPrelu", "Bilinear", "LSTMBias", "FusedRNN"]

_classes = ClassRegistry("initializer")


def _normal(loc: float, scale: float, shape: tuple, out: NDArray) -> None:
    _random.normal(loc, scale, shape=shape, out=out)


def _uniform(low: float, high: float, shape: tuple, out: NDArray) -> None:
    _random.uniform(low, high, shape=shape, out=out)


class InitDesc(str):
    """A parameter's name, with its attributes (``{'__init__': ...}``) and the global initializer."""

    def __new__(cls, name: str, attrs: dict | None = None, global_init: Any = None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


class Initializer:
    """The base class of initializers: called as ``init(desc, arr)``, it fills ``arr`` in place according
    to the name's suffix (``weight`` -> ``_init_weight``, ``bias``/``beta`` -> 0, ``gamma`` -> 1...)."""

    def __init__(self, **kwargs: Any):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose: bool = False, print_func: Any = None) -> Initializer:
        """Log each initialized array (its norm / sqrt(size) unless ``print_func`` is given)."""
        self._verbose = verbose
        if print_func is None:
            def print_func(x):
                return str(float(np.linalg.norm(x.asnumpy().ravel()) / sqrt(x.size)))
        self._print_func = print_func
        return self

    def _verbose_print(self, desc: str, init: str, arr: NDArray) -> None:
        if self._verbose and self._print_func:
            import logging
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self) -> str:
        """JSON ``[name, kwargs]`` from which ``create`` rebuilds this initializer."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc: Any, arr: NDArray) -> None:
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, str(init), arr)
            return
        for suffix, method in (("weight", self._init_weight), ("bias", self._init_bias),
                               ("gamma", self._init_gamma), ("beta", self._init_beta),
                               ("running_mean", self._init_zero), ("moving_mean", self._init_zero),
                               ("running_var", self._init_one), ("moving_var", self._init_one),
                               ("min", self._init_zero), ("max", self._init_one)):
            if desc.endswith(suffix):
                method(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name: str, arr: NDArray) -> None:
        """Dispatch on a plain string name (deprecated in MXNet)."""
        warnings.warn("Calling initializer with init(str, NDArray) has been deprecated. please use "
                      "init(mx.init.InitDesc(...), NDArray) instead.", DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise TypeError("name must be string")
        if not isinstance(arr, NDArray):
            raise TypeError("arr must be NDArray")
        if name.startswith("upsampling"):
            self._init_bilinear(name, arr)
        elif name.startswith("stn_loc") and name.endswith("weight"):
            self._init_zero(name, arr)
        elif name.startswith("stn_loc") and name.endswith("bias"):
            self._init_loc_bias(name, arr)
        elif name.endswith("bias"):
            self._init_bias(name, arr)
        elif name.endswith("gamma"):
            self._init_gamma(name, arr)
        elif name.endswith("beta"):
            self._init_beta(name, arr)
        elif name.endswith("weight"):
            self._init_weight(name, arr)
        elif name.endswith(("moving_mean", "running_mean", "moving_inv_var", "moving_avg", "min")):
            self._init_zero(name, arr)
        elif name.endswith(("moving_var", "running_var", "max")):
            self._init_one(name, arr)
        else:
            self._init_default(name, arr)

    def _init_bilinear(self, _: Any, arr: NDArray) -> None:
        arr[:] = _bilinear(arr.shape)

    def _init_loc_bias(self, _: Any, arr: NDArray) -> None:
        if arr.shape[0] != 6:
            raise MXNetError(f"stn_loc bias needs 6 entries, got shape {arr.shape}")
        arr[:] = np.array([1.0, 0, 0, 0, 1.0, 0])

    def _init_zero(self, _: Any, arr: NDArray) -> None:
        arr[:] = 0.0

    def _init_one(self, _: Any, arr: NDArray) -> None:
        arr[:] = 1.0

    def _init_bias(self, _: Any, arr: NDArray) -> None:
        arr[:] = 0.0

    def _init_gamma(self, _: Any, arr: NDArray) -> None:
        arr[:] = 1.0

    def _init_beta(self, _: Any, arr: NDArray) -> None:
        arr[:] = 0.0

    def _init_weight(self, name: Any, arr: NDArray) -> None:
        raise NotImplementedError("Must override it")

    def _init_default(self, name: Any, _: Any) -> None:
        raise ValueError(f"Unknown initialization pattern for {name}. Default initialization is now limited to "
                         '"weight", "bias", "gamma" (1.0), and "beta" (0.0). Please use '
                         "mx.sym.Variable(init=mx.init.*) to set initialization pattern")

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._kwargs.items())})"


def _bilinear(shape: tuple) -> np.ndarray:
    """Bilinear upsampling kernel of ``shape`` (N, C, H, W)."""
    f = np.ceil(shape[3] / 2.0)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    x = np.arange(shape[3])
    y = np.arange(shape[2])
    k = np.outer(1 - np.abs(y / f - c), 1 - np.abs(x / f - c)).astype(np.float32)
    return np.broadcast_to(k, shape).copy()


_classes.base = Initializer
register = _classes.register
alias = _classes.alias


def create(*args: Any, **kwargs: Any) -> Initializer:
    """An initializer from an instance (returned as is), a registered name, a ``dumps()`` JSON string or a
    dict of constructor arguments with an ``initializer`` key."""
    if args:
        return _classes.create(*args, **kwargs)
    return _classes.create(kwargs.pop("initializer"), **kwargs)


class Load:
    """Initialize from a dict of arrays (or a file saved by ``nd.save``); names with an ``arg:``/``aux:``
    prefix match without it. Missing names go to ``default_init``."""

    def __init__(self, param: Any, default_init: Any = None, verbose: bool = False):
        if isinstance(param, str):
            from .ndarray import load as _load  # nd.load, where ndgrad has it
            param = _load(param)
        if not isinstance(param, dict):
            raise MXNetError("Load expects a dict of name -> NDArray")
        self.param = {(k[4:] if k.startswith(("arg:", "aux:")) else k): v for k, v in param.items()}
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name: str, arr: NDArray) -> None:
        if name in self.param:
            src = self.param[name]
            if tuple(arr.shape) != tuple(src.shape):
                raise MXNetError(f"Parameter {name} cannot be initialized from loading. Shape mismatch, target "
                                 f"{arr.shape} vs loaded {src.shape}")
            arr[:] = src
        else:
            if self.default_init is None:
                raise MXNetError(f"Cannot Initialize {name}. Not found in loaded param and no default "
                                 "Initializer is provided.")
            self.default_init(name, arr)


class Mixed:
    """Use the first initializer whose regular expression matches the parameter's name."""

    def __init__(self, patterns: list, initializers: list):
        if len(patterns) != len(initializers):
            raise MXNetError("Mixed: patterns and initializers must have the same length")
        self.map = list(zip([re.compile(p) for p in patterns], initializers, strict=True))

    def __call__(self, name: str, arr: NDArray) -> None:
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError(f"Parameter name {name} did not match any pattern. Consider add a \".*\" pattern at the "
                         "and with default Initializer.")


@register
@alias("zeros")
class Zero(Initializer):
    """Initialize weights to zero."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = 0


@register
@alias("ones")
class One(Initializer):
    """Initialize weights to one."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = 1


@register
class Constant(Initializer):
    """Initialize weights to a constant value (a scalar or an array broadcast to the shape)."""

    def __init__(self, value: Any):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value

    def dumps(self) -> str:
        val = self._kwargs["value"]
        if not np.isscalar(val):
            self._kwargs["value"] = val.tolist() if isinstance(val, np.ndarray) else val.asnumpy().tolist()
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Weights drawn uniformly from ``[-scale, scale]``."""

    def __init__(self, scale: float = 0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _uniform(-self.scale, self.scale, arr.shape, arr)


@register
class Normal(Initializer):
    """Weights drawn from a normal distribution with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma: float = 0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _normal(0.0, self.sigma, arr.shape, arr)


@register
class Orthogonal(Initializer):
    """Orthogonal matrix (from the SVD of a random one), scaled by ``scale``; shape (nout, prod(rest))."""

    def __init__(self, scale: float = 1.414, rand_type: str = "uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            tmp = _random.uniform(-1.0, 1.0, shape=(nout, nin)).asnumpy()
        elif self.rand_type == "normal":
            buf = NDArray(np.zeros((nout, nin), np.float32), arr.context)
            _normal(0.0, 1.0, (nout, nin), buf)
            tmp = buf.asnumpy()
        else:
            raise ValueError(f"Unknown random type {self.rand_type}")
        u, _s, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        arr[:] = self.scale * res.reshape(arr.shape)


@register
class Xavier(Initializer):
    """Xavier/Glorot initialization: scale ``sqrt(magnitude / factor)`` with factor the average ('avg'),
    input ('in') or output ('out') fan; uniform in [-scale, scale] or gaussian with std scale."""

    def __init__(self, rnd_type: str = "uniform", factor_type: str = "avg", magnitude: float = 3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError(f"Xavier initializer cannot be applied to vector {name}. It requires at least 2D.")
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = float(np.sqrt(self.magnitude / factor))
        if self.rnd_type == "uniform":
            _uniform(-scale, scale, shape, arr)
        elif self.rnd_type == "gaussian":
            _normal(0.0, scale, shape, arr)
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He/MSRA initialization for PReLU nets: gaussian Xavier with magnitude ``2 / (1 + slope^2)``."""

    def __init__(self, factor_type: str = "avg", slope: float = 0.25):
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Bilinear(Initializer):
    """Bilinear upsampling weights for Deconvolution."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = _bilinear(arr.shape)


@register
class LSTMBias(Initializer):
    """LSTM bias: zeros, except ``forget_bias`` on the forget gate (the second quarter)."""

    def __init__(self, forget_bias: float = 1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        arr[:] = 0.0
        num_hidden = int(arr.shape[0] / 4)
        arr[num_hidden:2 * num_hidden] = self.forget_bias


@register
class FusedRNN(Initializer):
    """Initialize the flat parameter vector of a fused RNN: each gate's weights and biases are initialized
    on their own (with ``init``, or the global initializer when None), LSTM forget-gate biases get
    ``forget_bias``, in MXNet's packing order (all weights by layer and direction, then all biases)."""

    def __init__(self, init: Any, num_hidden: int, num_layers: int, mode: str, bidirectional: bool = False,
                 forget_bias: float = 1.0):
        if isinstance(init, str):
            klass, kwargs = json.loads(init)
            init = _classes.create(klass, **kwargs)
        super().__init__(init=init.dumps() if init is not None else None, num_hidden=num_hidden,
                         num_layers=num_layers, mode=mode, bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _pieces(self, size: int) -> list:
        """(name, offset, shape) of every gate's weight and bias in the flat vector."""
        gates = {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"],
                 "gru": ["_r", "_z", "_o"]}[self._mode]
        dirs = ["l", "r"] if self._bidirectional else ["l"]
        b, m, h = len(dirs), len(gates), self._num_hidden
        li = size // b // h // m - (self._num_layers - 1) * (h + b * h + 2) - h - 2
        out, p = [], 0
        for layer in range(self._num_layers):
            for d in dirs:
                for g in gates:
                    shape = (h, b * h) if layer > 0 else (h, li)
                    out.append((f"{d}{layer}_i2h{g}_weight", p, shape))
                    p += shape[0] * shape[1]
                for g in gates:
                    out.append((f"{d}{layer}_h2h{g}_weight", p, (h, h)))
                    p += h * h
        for layer in range(self._num_layers):
            for d in dirs:
                for kind in ("i2h", "h2h"):
                    for g in gates:
                        out.append((f"{d}{layer}_{kind}{g}_bias", p, (h,)))
                        p += h
        if p != size:
            raise MXNetError(f"Invalid parameters size {size} for FusedRNN({self._mode}, {self._num_layers} layers, "
                             f"{h} hidden)")
        return out

    def _init_weight(self, desc, arr):
        flat = np.array(arr.asnumpy()).reshape(-1)
        for name, offset, shape in self._pieces(flat.size):
            n = int(np.prod(shape))
            piece = NDArray(flat[offset:offset + n].reshape(shape).copy(), arr.context)
            arg_desc = InitDesc(name, global_init=getattr(desc, "global_init", None))
            if self._mode == "lstm" and name.endswith("_f_bias"):
                piece[:] = self._forget_bias
            elif self._init is None:
                desc.global_init(arg_desc, piece)
            else:
                self._init(arg_desc, piece)
            flat[offset:offset + n] = piece.asnumpy().reshape(-1)
        arr[:] = flat.reshape(arr.shape)

"""Basic layers: containers, Dense, Dropout, normalization layers, Embedding, Flatten, Lambda."""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import ndarray as nd
from ...base import MXNetError
from ..block import Block, HybridBlock, _indent
from .activations import Activation

__all__ = ["Sequential", "HybridSequential", "Dense", "Dropout", "Embedding", "BatchNorm", "BatchNormReLU",
           "InstanceNorm",
           "LayerNorm", "GroupNorm", "Flatten", "Lambda", "HybridLambda"]


def _chain(blocks: Any, x: Any, args: tuple) -> Any:
    """Feed ``x`` through ``blocks`` in order; a tuple/list output feeds its items to the next block."""
    for block in blocks:
        x = block(x, *args)
        args = ()
        if isinstance(x, (tuple, list)):
            args = tuple(x[1:])
            x = x[0]
    if args:
        x = (x, *args)
    return x


class _SequentialMixin:
    """``add``, indexing, slicing and ``len`` shared by Sequential and HybridSequential."""

    def add(self, *blocks: Block) -> None:
        """Append blocks."""
        for block in blocks:
            self.register_child(block)

    def __repr__(self) -> str:
        modstr = "\n".join(f"  ({key}): {_indent(repr(block), 2)}" for key, block in self._children.items())
        return f"{type(self).__name__}(\n{modstr}\n)"

    def __getitem__(self, key: int | slice) -> Any:
        layers = list(self._children.values())[key]
        if not isinstance(layers, list):
            return layers
        net = type(self)(prefix=self._prefix)
        with net.name_scope():
            net.add(*layers)
        return net

    def __len__(self) -> int:
        return len(self._children)


class Sequential(_SequentialMixin, Block):
    """Stacks Blocks sequentially: ``net.add(a, b)``; ``net(x) == b(a(x))``."""

    def forward(self, x: Any, *args: Any) -> Any:
        return _chain(self._children.values(), x, args)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn(f"All children of this Sequential layer '{self.prefix}' are HybridBlocks. Consider "
                          "using HybridSequential for the best performance.", stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(_SequentialMixin, HybridBlock):
    """Stacks HybridBlocks sequentially."""

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        return _chain(self._children.values(), x, args)


class Dense(HybridBlock):
    """A fully connected layer: ``activation(dot(x, weight.T) + bias)``.

    Parameters
    ----------
    units : int
        Output dimension.
    activation : str, optional
        Activation applied to the output (see ``Activation``).
    use_bias : bool
        Whether to add a bias.
    flatten : bool
        Flatten all but the first input axis (True), or apply to the last axis only (False).
    dtype : str or numpy type
        Parameter data type.
    weight_initializer, bias_initializer : Initializer or str
        Initializers of weight and bias.
    in_units : int
        Input dimension; 0 infers it at the first forward pass.
    """

    def __init__(self, units: int, activation: str | None = None, use_bias: bool = True, flatten: bool = True,
                 dtype: Any = "float32", weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_units: int = 0, **kwargs: Any):
        super().__init__(**kwargs)
        with self.name_scope():
            self._flatten = flatten
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get("weight", shape=(units, in_units), init=weight_initializer, dtype=dtype,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(units,), init=bias_initializer, dtype=dtype,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + "_") if activation is not None else None

    def _in_features(self, x: Any) -> int:
        return math.prod(x.shape[1:]) if self._flatten else int(x.shape[-1])

    def infer_shape(self, x: Any, *args: Any) -> None:
        self.weight.shape = (self._units, self._in_features(x))

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        n = self._in_features(x)
        if n != weight.shape[1]:
            raise MXNetError(f"{self.name}: input of shape {x.shape} has {n} features "
                             f"({'all axes but the first' if self._flatten else 'last axis'}) but the layer "
                             f"expects in_units={weight.shape[1]} (weight shape {weight.shape})")
        out = F.FullyConnected(x, weight, bias, no_bias=bias is None, num_hidden=self._units, flatten=self._flatten)
        return self.act(out) if self.act is not None else out

    def __repr__(self) -> str:
        shape = self.weight.shape
        layout = f"{shape[1] if shape[1] else None} -> {shape[0]}"
        return f"{type(self).__name__}({layout}, {self.act if self.act else 'linear'})"


class Dropout(HybridBlock):
    """Sets a fraction ``rate`` of the input to 0 in training mode (scaling the rest by 1/(1-rate)).

    ``axes`` lists axes along which the same mask is shared.
    """

    def __init__(self, rate: float, axes: tuple = (), **kwargs: Any):
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        if self._rate > 0:
            return F.Dropout(x, p=self._rate, axes=self._axes, cudnn_off=False)
        return F.identity(x)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p = {self._rate}, axes={self._axes})"


class BatchNorm(HybridBlock):
    """Batch normalization over ``axis``, with running statistics updated in training mode.

    Parameters
    ----------
    axis : int
        The channel axis.
    momentum : float
        Running statistics become ``momentum * running + (1 - momentum) * batch``.
    epsilon : float
        Added to the variance.
    center, scale : bool
        Whether to learn ``beta`` / ``gamma`` (otherwise they stay 0 / 1).
    use_global_stats : bool
        Normalize with the running statistics in training mode too.
    in_channels : int
        Number of channels; 0 infers it at the first forward pass.
    """

    def __init__(self, axis: int = 1, momentum: float = 0.9, epsilon: float = 1e-5, center: bool = True,
                 scale: bool = True, use_global_stats: bool = False, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", running_mean_initializer: Any = "zeros",
                 running_variance_initializer: Any = "ones", in_channels: int = 0, **kwargs: Any):
        super().__init__(**kwargs)
        self._kwargs = {"axis": axis, "eps": epsilon, "momentum": momentum, "fix_gamma": not scale,
                        "use_global_stats": use_global_stats}
        self._axis = axis
        if in_channels != 0:
            self.in_channels = in_channels
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(in_channels,),
                                     init=gamma_initializer, allow_deferred_init=True, differentiable=scale)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(in_channels,),
                                    init=beta_initializer, allow_deferred_init=True, differentiable=center)
        self.running_mean = self.params.get("running_mean", grad_req="null", shape=(in_channels,),
                                            init=running_mean_initializer, allow_deferred_init=True,
                                            differentiable=False)
        self.running_var = self.params.get("running_var", grad_req="null", shape=(in_channels,),
                                           init=running_variance_initializer, allow_deferred_init=True,
                                           differentiable=False)

    def cast(self, dtype: Any) -> None:
        if np.dtype(dtype).name == "float16":
            dtype = "float32"
        super().cast(dtype)

    def infer_shape(self, x: Any, *args: Any) -> None:
        channels = x.shape[self._axis]
        for p in (self.gamma, self.beta, self.running_mean, self.running_var):
            p.shape = (channels,)

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any, running_mean: Any, running_var: Any) -> Any:
        if self._kwargs["fix_gamma"]:
            gamma._data[...] = 1  # MXNet's op resets a fixed gamma to ones in place
        return F.BatchNorm(x, gamma, beta, running_mean, running_var, **self._kwargs)

    def __repr__(self) -> str:
        content = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        in_channels = self.gamma.shape[0]
        return f"{type(self).__name__}({content}, in_channels={in_channels if in_channels else None})"


class BatchNormReLU(BatchNorm):
    """Batch normalization followed by ReLU (MXNet fuses the two into one op)."""

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any, running_mean: Any, running_var: Any) -> Any:
        return F.relu(super().hybrid_forward(F, x, gamma, beta, running_mean, running_var))


class Embedding(HybridBlock):
    """Maps integer indices to rows of a learned ``(input_dim, output_dim)`` weight."""

    def __init__(self, input_dim: int, output_dim: int, dtype: Any = "float32", weight_initializer: Any = None,
                 sparse_grad: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if sparse_grad:
            raise NotImplementedError("Embedding(sparse_grad=True): sparse gradients, not yet in ndgrad")
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim, "dtype": dtype,
                        "sparse_grad": sparse_grad}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim), init=weight_initializer,
                                      dtype=dtype, allow_deferred_init=True)

    def hybrid_forward(self, F: Any, x: Any, weight: Any) -> Any:
        return F.Embedding(x, weight, **self._kwargs)

    def __repr__(self) -> str:
        k = self._kwargs
        return f"{type(self).__name__}({k['input_dim']} -> {k['output_dim']}, {np.dtype(k['dtype']).name})"


class Flatten(HybridBlock):
    """Flattens the input to ``(batch, -1)``."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.Flatten(x)

    def __repr__(self) -> str:
        return type(self).__name__


class _AffineNorm(HybridBlock):
    """Shared by InstanceNorm, LayerNorm and GroupNorm: learned ``gamma``/``beta`` of ``size`` elements
    (``grad_req='null'`` when not ``scale``/``center``); ``_kwargs`` is what the repr shows."""

    def __init__(self, size: int, epsilon: float, center: bool, scale: bool, beta_initializer: Any,
                 gamma_initializer: Any, shown: dict, **kwargs: Any):
        super().__init__(**kwargs)
        self._kwargs = shown
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(size,),
                                     init=gamma_initializer, allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(size,),
                                    init=beta_initializer, allow_deferred_init=True)

    def __repr__(self) -> str:
        content = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{type(self).__name__}({content})"


class _ChannelAxisNorm(_AffineNorm):
    """InstanceNorm and LayerNorm: ``gamma``/``beta`` sized by the input's ``axis``, learned on first use."""

    def __init__(self, axis: int, epsilon: float, center: bool, scale: bool, beta_initializer: Any,
                 gamma_initializer: Any, in_channels: int, **kwargs: Any):
        super().__init__(in_channels, epsilon, center, scale, beta_initializer, gamma_initializer,
                         {"eps": epsilon, "axis": axis, "center": center, "scale": scale}, **kwargs)
        self._axis = axis

    def infer_shape(self, x: Any, *args: Any) -> None:
        self.gamma.shape = self.beta.shape = (x.shape[self._axis],)

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]}, in_channels={self.gamma.shape[0]})"


class InstanceNorm(_ChannelAxisNorm):
    """Instance normalization: each sample and channel normalized over its spatial axes."""

    def __init__(self, axis: int = 1, epsilon: float = 1e-5, center: bool = True, scale: bool = False,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", in_channels: int = 0,
                 **kwargs: Any):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer, in_channels, **kwargs)

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any) -> Any:
        if self._axis == 1:
            return F.InstanceNorm(x, gamma, beta, eps=self._epsilon)
        x = F.swapaxes(x, 1, self._axis)
        return F.swapaxes(F.InstanceNorm(x, gamma, beta, eps=self._epsilon), 1, self._axis)


class LayerNorm(_ChannelAxisNorm):
    """Layer normalization over ``axis`` (the last by default)."""

    def __init__(self, axis: int = -1, epsilon: float = 1e-5, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", in_channels: int = 0,
                 **kwargs: Any):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer, in_channels, **kwargs)

    def hybrid_forward(self, F: Any, data: Any, gamma: Any, beta: Any) -> Any:
        return F.LayerNorm(data, gamma=gamma, beta=beta, axis=self._axis, eps=self._epsilon)


class GroupNorm(_AffineNorm):
    """Group normalization: channels split into ``num_groups`` groups, each normalized with the spatial axes.

    ``gamma`` and ``beta`` have one value per group (MXNet 1.x).
    """

    def __init__(self, num_groups: int = 1, epsilon: float = 1e-5, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", **kwargs: Any):
        super().__init__(num_groups, epsilon, center, scale, beta_initializer, gamma_initializer,
                         {"eps": epsilon, "num_groups": num_groups, "center": center, "scale": scale}, **kwargs)
        self._num_groups = num_groups

    def hybrid_forward(self, F: Any, data: Any, gamma: Any, beta: Any) -> Any:
        return F.GroupNorm(data, gamma=gamma, beta=beta, num_groups=self._num_groups, eps=self._epsilon)


def _resolve(function: str | Callable, namespace: Any, kind: str) -> tuple[Callable, str]:
    if isinstance(function, str):
        if not hasattr(namespace, function):
            raise MXNetError(f"{kind}: function name {function} is not found in ndarray.")
        return getattr(namespace, function), function
    if callable(function):
        return function, function.__name__
    raise ValueError(f"Unrecognized function in lambda: {function} of type {type(function)}")


class Lambda(Block):
    """Wraps a function (or the name of an ``nd`` function) as a Block."""

    def __init__(self, function: str | Callable, prefix: str | None = None):
        super().__init__(prefix=prefix)
        self._func_impl, self._func_name = _resolve(function, nd, "Lambda")

    def forward(self, *args: Any) -> Any:
        return self._func_impl(*args)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._func_name})"


class HybridLambda(HybridBlock):
    """Wraps a function ``f(F, x, *args)`` (or the name of an ``F`` function) as a HybridBlock."""

    def __init__(self, function: str | Callable, prefix: str | None = None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            impl, self._func_name = _resolve(function, nd, "HybridLambda")
            self._func = lambda F, *args: getattr(F, self._func_name)(*args)
            del impl
        else:
            _, self._func_name = _resolve(function, nd, "HybridLambda")
            self._func = function

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        return self._func(F, x, *args)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._func_name})"

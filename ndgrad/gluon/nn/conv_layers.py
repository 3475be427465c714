"""Convolution, transposed convolution, pooling and padding layers."""
from __future__ import annotations

from typing import Any

from ...base import MXNetError, numeric_types
from ..block import HybridBlock
from .activations import Activation

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
           "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D",
           "GlobalAvgPool3D", "ReflectionPad2D"]


def _tuple(value: Any, n: int, what: str) -> tuple:
    if isinstance(value, numeric_types):
        return (int(value),) * n
    value = tuple(value)
    if len(value) != n:
        raise MXNetError(f"{what} must be a number or a list of {n} ints, got {value}")
    return value


class _Conv(HybridBlock):
    """Shared implementation of the N-d (transposed) convolutions."""

    def __init__(self, channels: int, kernel_size: tuple, strides: Any, padding: Any, dilation: Any, groups: int,
                 layout: str, in_channels: int = 0, activation: str | None = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros", op_name: str = "Convolution",
                 adj: Any = None, prefix: str | None = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)
        n = len(kernel_size)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            self._layout = layout
            self._op_name = op_name
            self._kwargs = {"kernel": kernel_size, "stride": _tuple(strides, n, "strides"),
                            "dilate": _tuple(dilation, n, "dilation"), "pad": _tuple(padding, n, "padding"),
                            "num_filter": channels, "num_group": groups, "no_bias": not use_bias, "layout": layout}
            if adj is not None:
                self._kwargs["adj"] = _tuple(adj, n, "output_padding")
            self.weight = self.params.get("weight", shape=self._weight_shape(in_channels),
                                          init=weight_initializer, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + "_") if activation is not None else None

    def _weight_shape(self, in_channels: int) -> tuple:
        groups, kernel = self._kwargs["num_group"], self._kwargs["kernel"]
        if self._op_name == "Deconvolution":
            outer, inner = in_channels, self._channels // groups
        else:
            outer, inner = self._channels, in_channels // groups
        if self._layout.index("C") == 1:
            return (outer, inner, *kernel)
        return (outer, *kernel, inner)

    def _alias(self) -> str:
        return "conv"

    def infer_shape(self, x: Any, *args: Any) -> None:
        self.weight.shape = self._weight_shape(x.shape[self._layout.index("C")])

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        nd_ = len(self._kwargs["kernel"]) + 2
        if x.ndim != nd_:
            raise MXNetError(f"{self.name}: expected a {nd_}-D input (layout {self._layout}), got shape {x.shape}")
        c = x.shape[self._layout.index("C")]
        expected = self.weight.shape[0] if self._op_name == "Deconvolution" else \
            self.weight.shape[1 if self._layout.index("C") == 1 else -1] * self._kwargs["num_group"]
        if c != expected:
            raise MXNetError(f"{self.name}: input of shape {x.shape} has {c} channels but the layer expects "
                             f"in_channels={expected} (weight shape {self.weight.shape})")
        op = getattr(F, self._op_name)
        out = op(x, weight, **self._kwargs) if bias is None else op(x, weight, bias, **self._kwargs)
        return self.act(out) if self.act is not None else out

    def __repr__(self) -> str:
        k = self._kwargs
        n = len(k["kernel"])
        shape = self.weight.shape
        s = f"{type(self).__name__}({shape[1] if shape[1] else None} -> {shape[0]}, kernel_size={k['kernel']}, " \
            f"stride={k['stride']}"
        if k["pad"] != (0,) * n:
            s += f", padding={k['pad']}"
        if k["dilate"] != (1,) * n:
            s += f", dilation={k['dilate']}"
        # MXNet 1.9.1 never prints output_padding (its repr looks for an attribute the layer does not set)
        if k["num_group"] != 1:
            s += f", groups={k['num_group']}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += f", {self.act}"
        return s + ")"


def _conv_class(name: str, ndim: int, layout: str, transpose: bool) -> type:
    """Build Conv{n}D / Conv{n}DTranspose with MXNet's signatures."""
    ones, zeros = (1,) * ndim, (0,) * ndim

    if transpose:
        def __init__(self, channels, kernel_size, strides=ones, padding=zeros, output_padding=zeros,
                     dilation=ones, groups=1, layout=layout, activation=None, use_bias=True,
                     weight_initializer=None, bias_initializer="zeros", in_channels=0, **kwargs):
            kernel_size = _tuple(kernel_size, ndim, "kernel_size")
            _tuple(output_padding, ndim, "output_padding")
            _Conv.__init__(self, channels, kernel_size, strides, padding, dilation, groups, layout, in_channels,
                           activation, use_bias, weight_initializer, bias_initializer, op_name="Deconvolution",
                           adj=output_padding, **kwargs)
            self.outpad = output_padding
        doc = f"{ndim}-D transposed convolution (deconvolution), layout {layout}."
    else:
        def __init__(self, channels, kernel_size, strides=ones, padding=zeros, dilation=ones,
                     groups=1, layout=layout, activation=None, use_bias=True, weight_initializer=None,
                     bias_initializer="zeros", in_channels=0, **kwargs):
            kernel_size = _tuple(kernel_size, ndim, "kernel_size")
            _Conv.__init__(self, channels, kernel_size, strides, padding, dilation, groups, layout, in_channels,
                           activation, use_bias, weight_initializer, bias_initializer, **kwargs)
        doc = f"{ndim}-D convolution, layout {layout}."
    return type(name, (_Conv,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


Conv1D = _conv_class("Conv1D", 1, "NCW", False)
Conv2D = _conv_class("Conv2D", 2, "NCHW", False)
Conv3D = _conv_class("Conv3D", 3, "NCDHW", False)
Conv1DTranspose = _conv_class("Conv1DTranspose", 1, "NCW", True)
Conv2DTranspose = _conv_class("Conv2DTranspose", 2, "NCHW", True)
Conv3DTranspose = _conv_class("Conv3DTranspose", 3, "NCDHW", True)


class _Pooling(HybridBlock):
    """Shared implementation of the pooling layers."""

    def __init__(self, pool_size: Any, strides: Any, padding: Any, ceil_mode: bool, global_pool: bool,
                 pool_type: str, layout: str, count_include_pad: bool | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        n = len(layout) - 2
        pool_size = _tuple(pool_size, n, "pool_size")
        strides = pool_size if strides is None else _tuple(strides, n, "strides")
        self._kwargs = {"kernel": pool_size, "stride": strides, "pad": _tuple(padding, n, "padding"),
                        "global_pool": global_pool, "pool_type": pool_type, "layout": layout,
                        "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self) -> str:
        return "pool"

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.Pooling(x, **self._kwargs)

    def __repr__(self) -> str:
        k = self._kwargs
        return (f"{type(self).__name__}(size={k['kernel']}, stride={k['stride']}, padding={k['pad']}, "
                f"ceil_mode={k['pooling_convention'] == 'full'}, global_pool={k['global_pool']}, "
                f"pool_type={k['pool_type']}, layout={k['layout']})")


def _pool_class(name: str, ndim: int, layout: str, pool_type: str) -> type:
    default = (2,) * ndim if ndim > 1 else 2
    if pool_type == "max":
        def __init__(self, pool_size=default, strides=None, padding=0, layout=layout,
                     ceil_mode=False, **kwargs):
            _Pooling.__init__(self, pool_size, strides, padding, ceil_mode, False, "max", layout, **kwargs)
    else:
        def __init__(self, pool_size=default, strides=None, padding=0, ceil_mode=False,
                     layout=layout, count_include_pad=True, **kwargs):
            _Pooling.__init__(self, pool_size, strides, padding, ceil_mode, False, "avg", layout,
                              count_include_pad, **kwargs)
    doc = f"{ndim}-D {pool_type} pooling, layout {layout}; strides default to pool_size."
    return type(name, (_Pooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


def _global_pool_class(name: str, ndim: int, layout: str, pool_type: str) -> type:
    def __init__(self, layout=layout, **kwargs):
        _Pooling.__init__(self, (1,) * ndim, None, 0, True, True, pool_type, layout, **kwargs)
    doc = f"Global {ndim}-D {pool_type} pooling (output spatial size 1), layout {layout}."
    return type(name, (_Pooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


MaxPool1D = _pool_class("MaxPool1D", 1, "NCW", "max")
MaxPool2D = _pool_class("MaxPool2D", 2, "NCHW", "max")
MaxPool3D = _pool_class("MaxPool3D", 3, "NCDHW", "max")
AvgPool1D = _pool_class("AvgPool1D", 1, "NCW", "avg")
AvgPool2D = _pool_class("AvgPool2D", 2, "NCHW", "avg")
AvgPool3D = _pool_class("AvgPool3D", 3, "NCDHW", "avg")
GlobalMaxPool1D = _global_pool_class("GlobalMaxPool1D", 1, "NCW", "max")
GlobalMaxPool2D = _global_pool_class("GlobalMaxPool2D", 2, "NCHW", "max")
GlobalMaxPool3D = _global_pool_class("GlobalMaxPool3D", 3, "NCDHW", "max")
GlobalAvgPool1D = _global_pool_class("GlobalAvgPool1D", 1, "NCW", "avg")
GlobalAvgPool2D = _global_pool_class("GlobalAvgPool2D", 2, "NCHW", "avg")
GlobalAvgPool3D = _global_pool_class("GlobalAvgPool3D", 3, "NCDHW", "avg")


class ReflectionPad2D(HybridBlock):
    """Pads the two spatial axes of an NCHW input by reflection (``padding`` on every side, or 8 widths)."""

    def __init__(self, padding: Any = 0, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(padding, numeric_types):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        if len(padding) != 8:
            raise MXNetError(f"ReflectionPad2D: padding must be an int or 8 widths, got {padding}")
        self._padding = tuple(padding)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.pad(x, mode="reflect", pad_width=self._padding)

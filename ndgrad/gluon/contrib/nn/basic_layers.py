"""Containers that run their children side by side and concatenate the outputs, and Identity."""
from __future__ import annotations

from typing import Any

import numpy as np

from .... import ndarray as nd
from ...block import Block, HybridBlock
from ....base import MXNetError
from ...nn.basic_layers import BatchNorm, HybridSequential, Sequential

__all__ = ["Concurrent", "HybridConcurrent", "Identity", "PixelShuffle1D", "PixelShuffle2D", "PixelShuffle3D",
           "SyncBatchNorm", "SparseEmbedding"]


class Concurrent(Sequential):
    """Feeds the input to every child and concatenates their outputs along ``axis``."""

    def __init__(self, axis: int = -1, prefix: str | None = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x: Any) -> Any:
        return nd.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class HybridConcurrent(HybridSequential):
    """Feeds the input to every child and concatenates their outputs along ``axis``."""

    def __init__(self, axis: int = -1, prefix: str | None = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class Identity(HybridBlock):
    """Returns its input unchanged."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return x


class _PixelShuffle(HybridBlock):
    """Moves ``prod(factors)`` groups of channels into the spatial axes: (N, C*f1*f2, H, W) -> (N, C, H*f1, W*f2)."""

    _ndim = 2

    def __init__(self, factor: Any):
        super().__init__()
        try:
            self._factors = (int(factor),) * self._ndim
        except TypeError:
            self._factors = tuple(int(f) for f in factor)
            if len(self._factors) != self._ndim:
                raise MXNetError(f"wrong length {len(self._factors)}") from None

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        n, c, *spatial = x.shape
        size = int(np.prod(self._factors))
        if c % size:
            raise MXNetError(f"{type(self).__name__}: {c} channels are not divisible by the factors {self._factors}")
        d = self._ndim
        x = F.reshape(x, (n, c // size, *self._factors, *spatial))
        # (N, C, f1.., S1..) -> (N, C, S1, f1, S2, f2, ...)
        x = F.transpose(x, (0, 1, *[a for i in range(d) for a in (2 + d + i, 2 + i)]))
        return F.reshape(x, (n, c // size, *[s * f for s, f in zip(spatial, self._factors, strict=True)]))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._factors if self._ndim > 1 else self._factors[0]})"


class PixelShuffle1D(_PixelShuffle):
    """Pixel shuffle along one axis: (N, f*C, W) -> (N, C, W*f)."""

    _ndim = 1


class PixelShuffle2D(_PixelShuffle):
    """Pixel shuffle: (N, f1*f2*C, H, W) -> (N, C, H*f1, W*f2)."""

    _ndim = 2


class PixelShuffle3D(_PixelShuffle):
    """Pixel shuffle: (N, f1*f2*f3*C, D, H, W) -> (N, C, D*f1, H*f2, W*f3)."""

    _ndim = 3


class SyncBatchNorm(BatchNorm):
    """Batch normalization with statistics synchronized across devices.

    ndgrad runs one device per forward call, so only ``num_devices=1`` (plain BatchNorm) is supported.
    """

    def __init__(self, in_channels: int = 0, num_devices: int | None = None, momentum: float = 0.9,
                 epsilon: float = 1e-5, center: bool = True, scale: bool = True, use_global_stats: bool = False,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 running_mean_initializer: Any = "zeros", running_variance_initializer: Any = "ones", **kwargs: Any):
        if num_devices not in (None, 1):
            raise NotImplementedError("SyncBatchNorm across several devices, not yet in ndgrad")
        super().__init__(axis=1, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         use_global_stats=use_global_stats, beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer, running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer, in_channels=in_channels,
                         **kwargs)
        self._shown = {"eps": epsilon, "momentum": momentum, "fix_gamma": not scale,
                       "use_global_stats": use_global_stats, "ndev": 1, "key": self.prefix}

    def __repr__(self) -> str:
        content = ", ".join(f"{k}={v!r}" for k, v in self._shown.items())
        in_channels = self.gamma.shape[0]
        return f"{type(self).__name__}({content}, in_channels={in_channels if in_channels else None})"


class SparseEmbedding(Block):
    """Embedding with row-sparse gradients (not yet in ndgrad: sparse storage)."""

    def __init__(self, input_dim: int, output_dim: int, dtype: Any = "float32", weight_initializer: Any = None,
                 **kwargs: Any):
        raise NotImplementedError("SparseEmbedding: row-sparse storage, not yet in ndgrad; use nn.Embedding")

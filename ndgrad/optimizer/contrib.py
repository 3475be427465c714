"""``mx.optimizer.contrib``: experimental optimizers."""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ..ndarray import creation as _creation
from .optimizer import AdamW, Optimizer, register

__all__ = ["AdamW", "GroupAdaGrad"]


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one accumulator per row of a 2-D weight (the mean squared gradient of the row):
    ``history += mean(g^2, axis=1)``; ``weight -= lr * g / sqrt(history + eps)``. No weight decay."""

    def __init__(self, eps: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        if len(weight.shape) != 2:
            raise MXNetError(f"GroupAdaGrad needs 2-D weights, got shape {weight.shape}")
        return _creation.zeros((weight.shape[0], 1), weight.context)

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        if wd != 0:
            raise MXNetError("Weight decay is not supported for GroupAdaGrad")
        g = np.multiply(grad._data, self.rescale_grad)
        if self.clip_gradient is not None:
            np.clip(g, -self.clip_gradient, self.clip_gradient, out=g)
        hist = state._data
        hist += np.square(g).mean(axis=1, keepdims=True, dtype=g.dtype)
        g *= lr
        g /= np.sqrt(hist + self.float_stable_eps)
        weight._data -= g

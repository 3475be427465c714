"""``mx.optimizer.contrib``: experimental optimizers."""
from __future__ import annotations

from .optimizer import AdamW, Optimizer, register

__all__ = ["AdamW", "GroupAdaGrad"]


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one accumulator per row; not yet in ndgrad."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("optimizer GroupAdaGrad, not yet in ndgrad")

"""Element-wise unary math: one table row per op (name, forward, gradient rule)."""
from __future__ import annotations

import numpy as np

from .registry import defop
from .registry import fn as F


def _unary(name: str, forward, vjp, doc: str, *, save_outputs: bool = False, aliases: tuple = ()) -> None:
    def op(data):
        return forward(data)
    op.__name__, op.__doc__ = name, doc
    defop(name, vjp=vjp, save_outputs=save_outputs, aliases=aliases, fluent=True)(op)


def _x(node):
    return node.inputs[0]


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


_unary("negative", np.negative, lambda n, g: -g, "Numerical negative of the argument, element-wise.")
_unary("abs", np.abs, lambda n, g: g * F.sign(_x(n)), "Returns element-wise absolute value of the input.")
_unary("sign", np.sign, lambda n, g: F.zeros_like(g), "Returns element-wise sign of the input (gradient 0).")
_unary("square", np.square, lambda n, g: g * (_x(n) * 2), "Returns element-wise squared value of the input.")
_unary("sqrt", np.sqrt, lambda n, g: g / (n.output() * 2), "Returns element-wise square-root value of the input.",
       save_outputs=True)
_unary("exp", np.exp, lambda n, g: g * n.output(), "Returns element-wise exponential value of the input.",
       save_outputs=True)
_unary("log", np.log, lambda n, g: g / _x(n), "Returns element-wise natural logarithmic value of the input.")
_unary("sin", np.sin, lambda n, g: g * F.cos(_x(n)), "Computes the element-wise sine of the input array.")
_unary("cos", np.cos, lambda n, g: -(g * F.sin(_x(n))), "Computes the element-wise cosine of the input array.")
_unary("tanh", np.tanh, lambda n, g: g * (1 - F.square(n.output())),
       "Returns the hyperbolic tangent of the input array, computed element-wise.", save_outputs=True)
_unary("sigmoid", _sigmoid, lambda n, g: g * (n.output() * (1 - n.output())),
       "Computes sigmoid of x element-wise: y = 1 / (1 + exp(-x)).", save_outputs=True)
# subgradient 0 at 0, as MXNet
_unary("relu", lambda x: np.maximum(x, 0), lambda n, g: g * (_x(n) > 0),
       "Computes rectified linear activation: max(x, 0).")
_unary("floor", np.floor, lambda n, g: F.zeros_like(g), "Returns element-wise floor of the input (gradient 0).")

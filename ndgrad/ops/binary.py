"""Binary arithmetic and comparisons: broadcast ops, scalar ops, and the Python-operator dispatchers.

``x + y`` maps to MXNet's own op choice: ``broadcast_add`` for two arrays, ``_plus_scalar`` for an array
and a number. Scalars take the array's dtype (``int32 * 2.5`` multiplies by 2, as MXNet does).
"""
from __future__ import annotations

import operator

import numpy as np

from ..base import MXNetError, MXNetTypeError, numeric_types
from ..ndarray.ndarray import NDArray
from .registry import _EMPTY, OPS, bind_public, defop, invoke
from .registry import fn as F


def _scalar(x, s):
    """``s`` in ``x``'s dtype: floats stay Python floats (NumPy keeps the array's float dtype), ints truncate."""
    if x.dtype.kind == "f":
        return s
    return np.array(s).astype(x.dtype)


def _same_dtype(name, a, b):
    if a.dtype != b.dtype:
        raise MXNetError(f"{name}: operands have different dtypes {a.dtype} and {b.dtype}; "
                         "cast one of them with astype() first")


def _int_div(a, b):
    """C-style integer division (truncates toward zero), as MXNet's integer kernels."""
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.trunc(np.true_divide(a, b))
    return q.astype(np.result_type(a, b))


def _divide(a, b):
    if a.dtype.kind in "iub":
        return _int_div(a, b)
    return np.true_divide(a, b)


def _cmp(npfn):
    return lambda a, b: npfn(a, b).astype(a.dtype)


# name, NumPy forward, gradient rule (or None: not differentiable)
_BROADCAST = [
    ("broadcast_add", np.add, lambda n, g: (g, g), ("broadcast_plus",)),
    ("broadcast_sub", np.subtract, lambda n, g: (g, -g), ("broadcast_minus",)),
    ("broadcast_mul", np.multiply, lambda n, g: (g * n.inputs[1], g * n.inputs[0]), ()),
    ("broadcast_div", _divide,
     lambda n, g: (g / n.inputs[1], -(g * n.inputs[0]) / F.square(n.inputs[1])), ()),
    ("broadcast_mod", np.mod,
     lambda n, g: (g, -(g * F.floor(n.inputs[0] / n.inputs[1]))), ()),
    ("broadcast_power", np.power,
     lambda n, g: (g * n.inputs[1] * n.inputs[0] ** (n.inputs[1] - 1),
                   g * n.inputs[0] ** n.inputs[1] * F.log(n.inputs[0])), ()),
    # ties route the gradient to the left operand, as MXNet
    ("broadcast_maximum", np.maximum,
     lambda n, g: (g * (n.inputs[0] >= n.inputs[1]), g * (n.inputs[0] < n.inputs[1])), ()),
    ("broadcast_minimum", np.minimum,
     lambda n, g: (g * (n.inputs[0] <= n.inputs[1]), g * (n.inputs[0] > n.inputs[1])), ()),
    ("broadcast_equal", _cmp(np.equal), None, ()),
    ("broadcast_not_equal", _cmp(np.not_equal), None, ()),
    ("broadcast_greater", _cmp(np.greater), None, ()),
    ("broadcast_greater_equal", _cmp(np.greater_equal), None, ()),
    ("broadcast_lesser", _cmp(np.less), None, ()),
    ("broadcast_lesser_equal", _cmp(np.less_equal), None, ()),
]


def _broadcast_op(name, forward, vjp, aliases):
    def op(lhs, rhs):
        _same_dtype(name, lhs, rhs)
        return forward(lhs, rhs)
    op.__name__ = name
    op.__doc__ = f"Returns the result of element-wise ``{name[10:]}`` with broadcasting."
    defop(name, vjp=vjp, aliases=aliases)(op)


for _row in _BROADCAST:
    _broadcast_op(*_row)


# name, forward(x, s), gradient rule with the scalar as n.attrs["scalar"]
def _s(n):
    return n.attrs["scalar"]


def _power_scalar_vjp(n, g):
    x, s = n.inputs[0], _s(n)
    if s == 2:  # the common square: two passes instead of three
        return g * (x * 2.0)
    return g * (x ** (s - 1) * s)


_SCALAR = [
    ("_plus_scalar", np.add, lambda n, g: g),
    ("_minus_scalar", np.subtract, lambda n, g: g),
    ("_rminus_scalar", lambda x, s: np.subtract(s, x), lambda n, g: -g),
    ("_mul_scalar", np.multiply, lambda n, g: g * _s(n)),
    ("_div_scalar", _divide, lambda n, g: g / _s(n)),
    ("_rdiv_scalar", lambda x, s: _divide(np.asarray(s, x.dtype), x),
     lambda n, g: -(g * _s(n)) / F.square(n.inputs[0])),
    ("_mod_scalar", np.mod, lambda n, g: g),
    ("_rmod_scalar", lambda x, s: np.mod(np.asarray(s, x.dtype), x),
     lambda n, g: -(g * F.floor(_s(n) / n.inputs[0]))),
    ("_power_scalar", lambda x, s: np.square(x) if s == 2 else np.power(x, s), _power_scalar_vjp),
    ("_rpower_scalar", lambda x, s: np.power(np.asarray(s, x.dtype), x),
     lambda n, g: g * n.output() * float(np.log(_s(n)))),
    ("_maximum_scalar", np.maximum, lambda n, g: g * (n.inputs[0] >= _s(n))),
    ("_minimum_scalar", np.minimum, lambda n, g: g * (n.inputs[0] <= _s(n))),
    ("_equal_scalar", _cmp(np.equal), None),
    ("_not_equal_scalar", _cmp(np.not_equal), None),
    ("_greater_scalar", _cmp(np.greater), None),
    ("_greater_equal_scalar", _cmp(np.greater_equal), None),
    ("_lesser_scalar", _cmp(np.less), None),
    ("_lesser_equal_scalar", _cmp(np.less_equal), None),
]


def _scalar_op(name, forward, vjp):
    def op(data, *, scalar=1.0):
        return forward(data, _scalar(data, scalar))
    op.__name__ = name
    op.__doc__ = f"Applies ``{name[1:-7]}`` between an array and a scalar, element-wise."
    defop(name, vjp=vjp, save_outputs=name == "_rpower_scalar")(op)


for _row in _SCALAR:
    _scalar_op(*_row)


def _dispatcher(name, array_op, scalar_op, rscalar_op, py_op, doc):
    """Public ``nd.<name>(lhs, rhs)``: picks the array-array or array-scalar op by operand types."""
    array_fn, scalar_fn, rscalar_fn = (OPS[n] for n in (array_op, scalar_op, rscalar_op))
    array_t = NDArray

    def dispatch(lhs, rhs, out=None):
        # invoke directly: this is the path of every Python operator, so it skips the public wrappers
        if isinstance(lhs, array_t):
            if isinstance(rhs, array_t):
                return invoke(array_fn, (lhs, rhs), _EMPTY, out)
            if isinstance(rhs, numeric_types):
                return invoke(scalar_fn, (lhs,), {"scalar": rhs}, out)
        elif isinstance(rhs, array_t):
            if isinstance(lhs, numeric_types):
                return invoke(rscalar_fn, (rhs,), {"scalar": lhs}, out)
        elif isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types):
            return py_op(lhs, rhs)
        raise MXNetTypeError(f"{name}: type {type(rhs if isinstance(lhs, array_t) else lhs).__name__} "
                             "not supported; expected an NDArray or a number")
    dispatch.__name__ = name
    dispatch.__doc__ = doc
    bind_public(name, dispatch)


_DISPATCH = [
    ("add", "broadcast_add", "_plus_scalar", "_plus_scalar", operator.add),
    ("subtract", "broadcast_sub", "_minus_scalar", "_rminus_scalar", operator.sub),
    ("multiply", "broadcast_mul", "_mul_scalar", "_mul_scalar", operator.mul),
    ("divide", "broadcast_div", "_div_scalar", "_rdiv_scalar", operator.truediv),
    ("modulo", "broadcast_mod", "_mod_scalar", "_rmod_scalar", operator.mod),
    ("power", "broadcast_power", "_power_scalar", "_rpower_scalar", operator.pow),
    ("maximum", "broadcast_maximum", "_maximum_scalar", "_maximum_scalar", max),
    ("minimum", "broadcast_minimum", "_minimum_scalar", "_minimum_scalar", min),
    ("equal", "broadcast_equal", "_equal_scalar", "_equal_scalar", lambda a, b: float(a == b)),
    ("not_equal", "broadcast_not_equal", "_not_equal_scalar", "_not_equal_scalar", lambda a, b: float(a != b)),
    ("greater", "broadcast_greater", "_greater_scalar", "_lesser_scalar", lambda a, b: float(a > b)),
    ("greater_equal", "broadcast_greater_equal", "_greater_equal_scalar", "_lesser_equal_scalar",
     lambda a, b: float(a >= b)),
    ("lesser", "broadcast_lesser", "_lesser_scalar", "_greater_scalar", lambda a, b: float(a < b)),
    ("lesser_equal", "broadcast_lesser_equal", "_lesser_equal_scalar", "_greater_equal_scalar",
     lambda a, b: float(a <= b)),
]

for _name, _arr, _sc, _rsc, _py in _DISPATCH:
    _dispatcher(_name, _arr, _sc, _rsc, _py,
                f"``{_name}(lhs, rhs)`` element-wise with broadcasting; either side may be a scalar.")

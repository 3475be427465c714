"""Binary arithmetic, comparisons and logic: broadcast ops, same-shape (elemwise) ops, scalar ops, ``add_n``,
and the Python-operator dispatchers (``nd.add``, ``nd.maximum``...).

``x + y`` maps to MXNet's own op choice: ``broadcast_add`` for two arrays, ``_plus_scalar`` for an array and
a number. Both operands must share a dtype (MXNet raises, it never promotes). Integer arrays follow MXNet's
kernels, checked against MXNet 1.9.1 (tests/data/elemwise): a scalar is first cast to the array's dtype
(``int32 * 2.5`` multiplies by 2, ``uint8 + 300`` adds 44), division truncates toward zero, ``%`` takes the
divisor's sign and gives 0 for a zero divisor (floats too), ``**``, hypot and scalar/array are evaluated in
float32 and cast back, comparisons and logic return 0/1 in the input's dtype, and everything wraps around.
An integer array divided by zero kills MXNet's process (SIGFPE); ndgrad raises MXNetError instead.
"""
from __future__ import annotations

import operator

import numpy as np

from ..base import MXNetError, MXNetTypeError, numeric_types
from ..ndarray.ndarray import NDArray
from .registry import _EMPTY, OPS, bind_public, defop, invoke, operator_method
from .registry import fn as F


def _is_int(x) -> bool:
    return x.dtype.kind in "iub"


_CONSTANTS: dict = {}  # (scalar, dtype) -> read-only 0-d array


def constant(s, like):
    """``s`` in the dtype of raw array ``like``, ready to combine with it: a cached read-only 0-d array for
    NumPy arrays (see ``_constant``), a NumPy scalar for others (CuPy takes those, not host arrays)."""
    const = _CONSTANTS.get((s, like.dtype))
    if const is None:
        const = _constant(s, like.dtype)
    return const if type(like) is np.ndarray else const[()]


def _constant(s, dtype):
    """``s`` in ``dtype`` as a cached read-only 0-d array: NumPy runs an array operand on a small array
    twice as fast as a Python number. Floats round as NumPy rounds a Python float (overflow gives inf
    quietly, as in MXNet); integers are cast as C does (truncation toward zero, then wrap-around), as MXNet
    casts its double ``scalar`` parameter."""
    with np.errstate(all="ignore"):
        const = np.array(s, dtype=np.float64).astype(dtype)
    const.flags.writeable = False
    if s != 0:  # 0.0 and -0.0 are equal keys; zeros are not cached so that each keeps its sign
        if len(_CONSTANTS) >= 4096:
            _CONSTANTS.clear()
        _CONSTANTS[s, dtype] = const
    return const


def _in_float32(f):
    """``f`` on floats as is; on integers evaluated as float32 (correctly rounded from float64, as C's powf)
    and cast back, as MXNet's integer math kernels."""
    def run(a, b):
        dt = np.result_type(a, b)
        with np.errstate(all="ignore"):
            if dt.kind in "iub":
                return f(np.asarray(a, np.float64), np.asarray(b, np.float64)).astype(np.float32).astype(dt)
            return f(a, b)
    return run


def _divide(a, b):
    if np.result_type(a, b).kind not in "iub":
        with np.errstate(all="ignore"):
            return np.true_divide(a, b)
    dt = np.result_type(a, b)
    a64, b64 = np.asarray(a, np.int64), np.asarray(b, np.int64)
    if (b64 == 0).any():
        raise MXNetError(f"integer division by zero ({dt} operands); MXNet aborts the process here")
    q = np.floor_divide(a64, b64)
    q += (q * b64 != a64) & ((a64 < 0) != (b64 < 0))  # floor -> truncation toward zero, as C
    return q.astype(dt)


def _mod(a, b):
    """Python-style remainder (the divisor's sign); 0 where the divisor is 0, as MXNet."""
    with np.errstate(all="ignore"):
        res = np.mod(a, b)
        if res.dtype.kind == "f":
            res = np.where(b == 0, res.dtype.type(0), res)
        return res


def _cmp(npfn):
    return lambda a, b: npfn(a, b).astype(np.result_type(a, b))


def _logic(npfn):
    return lambda a, b: npfn(a != 0, b != 0).astype(np.result_type(a, b))


def _a(n):
    return n.inputs[0]


def _b(n):
    return n.inputs[1]


def _power_vjp(n, g):
    a, b = _a(n), _b(n)
    return g * b * a ** (b - 1.0), g * a ** b * F.log(a)


def _mul_vjp(n, g):
    a, b = n.inputs  # both arrays (the scalar case is _mul_scalar)
    if a._node is not None and b._node is not None:  # both products in one op call: x * y of two variables
        return F._backward_mul(g, a, b)
    return grad_times(g, b) if a._node is not None else None, grad_times(g, a) if b._node is not None else None


# broadcast name (aliases), same-shape name (aliases), forward, gradient rule or None, save_outputs
_BINARY = [
    ("broadcast_add", ("broadcast_plus",), "elemwise_add", ("_plus", "_add", "_Plus", "_grad_add"), np.add,
     lambda n, g: (g, g), False),
    ("broadcast_sub", ("broadcast_minus",), "elemwise_sub", ("_minus", "_sub", "_Minus"), np.subtract,
     lambda n, g: (g, -g), False),
    ("broadcast_mul", (), "elemwise_mul", ("_mul", "_Mul"), np.multiply, _mul_vjp, False),
    ("broadcast_div", (), "elemwise_div", ("_div", "_Div"), _divide,
     lambda n, g: (g / _b(n), -(g * _a(n)) / F.square(_b(n))), False),
    ("broadcast_mod", (), "_mod", ("_Mod",), _mod, lambda n, g: (g, -(g * F.floor(_a(n) / _b(n)))), False),
    ("broadcast_power", (), "_power", ("_Power",), _in_float32(np.power), _power_vjp, False),
    # ties send the gradient to the left operand, as MXNet
    ("broadcast_maximum", (), "_maximum", ("_Maximum",), np.maximum,
     lambda n, g: (g * (_a(n) >= _b(n)), g * (_a(n) < _b(n))), False),
    ("broadcast_minimum", (), "_minimum", ("_Minimum",), np.minimum,
     lambda n, g: (g * (_a(n) <= _b(n)), g * (_a(n) > _b(n))), False),
    ("broadcast_hypot", (), "_hypot", ("_Hypot",), _in_float32(np.hypot),
     lambda n, g: (g * _a(n) / n.output(), g * _b(n) / n.output()), True),
    ("broadcast_equal", (), "_equal", ("_Equal",), _cmp(np.equal), None, False),
    ("broadcast_not_equal", (), "_not_equal", ("_Not_Equal",), _cmp(np.not_equal), None, False),
    ("broadcast_greater", (), "_greater", ("_Greater",), _cmp(np.greater), None, False),
    ("broadcast_greater_equal", (), "_greater_equal", ("_Greater_Equal",), _cmp(np.greater_equal), None, False),
    ("broadcast_lesser", (), "_lesser", ("_Lesser",), _cmp(np.less), None, False),
    ("broadcast_lesser_equal", (), "_lesser_equal", ("_Lesser_Equal",), _cmp(np.less_equal), None, False),
    ("broadcast_logical_and", (), "_logical_and", ("_Logical_And",), _logic(np.logical_and), None, False),
    ("broadcast_logical_or", (), "_logical_or", ("_Logical_Or",), _logic(np.logical_or), None, False),
    ("broadcast_logical_xor", (), "_logical_xor", ("_Logical_Xor",), _logic(np.logical_xor), None, False),
]


def is_broadcast_one(d, like) -> bool:
    """Whether raw array ``d`` is a broadcast 1 shaped and typed as ``like`` (the head gradient of
    ``loss.sum()``), so that multiplying by it changes nothing. A broadcast constant has only zero strides;
    the last stride rules out ordinary arrays fast."""
    strides = d.strides
    return (bool(strides) and not strides[-1] and not any(strides) and d.size > 1 and d.shape == like.shape
            and d.dtype == like.dtype and d.flat[0] == 1)


def grad_times(g, y):
    """``g * y``, without the pass over memory when ``g`` is a broadcast 1."""
    return y if is_broadcast_one(g._data, y) else g * y


def _backward_mul_vjp(n, g_a, g_b):
    g, a, b = n.inputs
    terms = [t for t in (None if g_a is None else g_a * b, None if g_b is None else g_b * a) if t is not None]
    dg = terms[0] if len(terms) == 1 else terms[0] + terms[1]
    return dg, None if g_b is None else g_b * g, None if g_a is None else g_a * g


@defop(vjp=_backward_mul_vjp, num_outputs=2)
def _backward_mul(grad, lhs, rhs):
    """The gradients of ``lhs * rhs``: ``(grad * rhs, grad * lhs)``, each skipped when ``grad`` is a
    broadcast 1."""
    dtype = grad.dtype
    if lhs.dtype is not dtype or rhs.dtype is not dtype:  # identity first: NumPy shares its builtin dtypes
        _check_dtypes("_backward_mul", (grad, lhs, rhs))
    strides = grad.strides
    if not strides or strides[-1]:  # not a broadcast constant: the common case, without the full test
        return np.multiply(grad, rhs), np.multiply(grad, lhs)
    return (rhs if is_broadcast_one(grad, rhs) else np.multiply(grad, rhs),
            lhs if is_broadcast_one(grad, lhs) else np.multiply(grad, lhs))


def _check_dtypes(name, arrays):
    dt = arrays[0].dtype
    for i, x in enumerate(arrays[1:], 1):
        if x.dtype != dt:
            raise MXNetError(f"{name}: Incompatible attr at {i}-th input: expected {dt}, got {x.dtype} "
                             "(operands must share a dtype; cast one with astype())")


def _check_shapes(name, arrays):
    shape = arrays[0].shape
    for i, x in enumerate(arrays[1:], 1):
        if x.shape != shape:
            raise MXNetError(f"{name}: Incompatible attr at {i}-th input: expected shape "
                             f"{list(shape)}, got {list(x.shape)} (element-wise ops need equal shapes; "
                             "use the broadcast_* ops to broadcast)")


def _binary_op(name, aliases, forward, vjp, save_outputs, same_shape):
    if same_shape:
        def op(lhs, rhs):
            _check_shapes(name, (lhs, rhs))
            _check_dtypes(name, (lhs, rhs))
            return forward(lhs, rhs)
        what = "of two arrays of the same shape"
    else:
        def op(lhs, rhs):
            # inline: the hot path of every Python operator between arrays (built-in dtypes are singletons)
            if lhs.dtype is not rhs.dtype and lhs.dtype != rhs.dtype:
                _check_dtypes(name, (lhs, rhs))
            return forward(lhs, rhs)
        what = "with broadcasting"
    base = name.removeprefix("broadcast_").removeprefix("elemwise_").lstrip("_")
    op.__name__ = name
    op.__doc__ = f"Returns element-wise ``{base}`` {what}."
    defop(name, vjp=vjp, aliases=aliases, save_outputs=save_outputs)(op)


for _bname, _baliases, _ename, _ealiases, _fwd, _vjp, _save in _BINARY:
    _binary_op(_bname, _baliases, _fwd, _vjp, _save, False)
    _binary_op(_ename, _ealiases, _fwd, _vjp, _save, True)


def _s(n):
    return n.attrs["scalar"]


def _rdivide(x, s):
    if _is_int(x):  # MXNet evaluates scalar / int-array in float: a zero element gives the cast of inf
        with np.errstate(all="ignore"):
            return (np.float64(s) / x.astype(np.float64)).astype(np.float32).astype(x.dtype)
    with np.errstate(all="ignore"):
        return np.true_divide(s, x)


def _flip(f):
    return lambda x, s: f(np.asarray(s, x.dtype) if _is_int(x) else s, x)


_pow32 = _in_float32(np.power)


def _power_scalar(x, s):
    if s == 2 and x.dtype.kind == "f":  # the common square: one pass
        return np.square(x)
    return _pow32(x, s)


def _power_scalar_vjp(n, g):
    x, s = _a(n), _s(n)
    if s == 2:  # the common square
        return F._backward_square(g, x)
    return g * (x ** (s - 1) * s)
_hypot32 = _in_float32(np.hypot)

# name, alias, forward(x, s) with s already in x's dtype, gradient rule (scalar: n.attrs["scalar"])
_SCALAR = [
    ("_plus_scalar", "_PlusScalar", np.add, lambda n, g: g),
    ("_minus_scalar", "_MinusScalar", np.subtract, lambda n, g: g),
    ("_rminus_scalar", "_RMinusScalar", _flip(np.subtract), lambda n, g: -g),
    ("_mul_scalar", "_MulScalar", np.multiply, lambda n, g: F._mul_scalar(g, n.attrs["scalar"])),
    ("_div_scalar", "_DivScalar", _divide, lambda n, g: F._div_scalar(g, n.attrs["scalar"])),
    ("_rdiv_scalar", "_RDivScalar", _rdivide, lambda n, g: -(g * _s(n)) / F.square(_a(n))),
    ("_mod_scalar", "_ModScalar", _mod, lambda n, g: g),
    ("_rmod_scalar", "_RModScalar", _flip(_mod), lambda n, g: -(g * F.floor(_s(n) / _a(n)))),
    ("_power_scalar", "_PowerScalar", _power_scalar, _power_scalar_vjp),
    ("_rpower_scalar", "_RPowerScalar", _flip(_pow32), lambda n, g: g * n.output() * float(np.log(_s(n)))),
    ("_maximum_scalar", "_MaximumScalar", np.maximum, lambda n, g: g * (_a(n) >= _s(n))),
    ("_minimum_scalar", "_MinimumScalar", np.minimum, lambda n, g: g * (_a(n) <= _s(n))),
    ("_hypot_scalar", "_HypotScalar", _hypot32, lambda n, g: g * _a(n) / n.output()),
    ("_equal_scalar", "_EqualScalar", _cmp(np.equal), None),
    ("_not_equal_scalar", "_NotEqualScalar", _cmp(np.not_equal), None),
    ("_greater_scalar", "_GreaterScalar", _cmp(np.greater), None),
    ("_greater_equal_scalar", "_GreaterEqualScalar", _cmp(np.greater_equal), None),
    ("_lesser_scalar", "_LesserScalar", _cmp(np.less), None),
    ("_lesser_equal_scalar", "_LesserEqualScalar", _cmp(np.less_equal), None),
    ("_logical_and_scalar", "_LogicalAndScalar", _logic(np.logical_and), None),
    ("_logical_or_scalar", "_LogicalOrScalar", _logic(np.logical_or), None),
    ("_logical_xor_scalar", "_LogicalXorScalar", _logic(np.logical_xor), None),
]
_SAVES_OUTPUT = {"_rpower_scalar", "_hypot_scalar"}


def _scalar_op(name, alias, forward, vjp):
    def op(data, *, scalar=1.0, is_int=True):
        if not is_int and _is_int(data):  # NumPy-style promotion: integer data with a float scalar -> float64
            data = data.astype(np.float64)
        const = _CONSTANTS.get((scalar, data.dtype))  # inline: the hot path of every array-scalar operator
        if const is None:
            const = _constant(scalar, data.dtype)
        return forward(data, const if type(data) is np.ndarray else const[()])  # CuPy takes NumPy scalars
    op.__name__ = name
    op.__doc__ = f"Applies ``{name[1:-7]}`` between an array and a scalar, element-wise."
    defop(name, vjp=vjp, aliases=(alias,), save_outputs=name in _SAVES_OUTPUT)(op)


for _row in _SCALAR:
    _scalar_op(*_row)


@defop(vjp=lambda n, g: tuple(g for _ in n.inputs), aliases=("ElementWiseSum",))
def add_n(*args, num_args=None):
    """Adds all input arguments element-wise (all of the same shape and dtype)."""
    if not args:
        raise MXNetError("add_n: value 0 for Parameter num_args should be greater equal to 1")
    if num_args is not None and int(num_args) != len(args):
        raise MXNetError(f"add_n: num_args={num_args} but {len(args)} arrays were given")
    _check_shapes("add_n", args)
    _check_dtypes("add_n", args)
    res = args[0].copy()
    for x in args[1:]:
        res += x
    return res


def _dispatcher(name, array_op, scalar_op, rscalar_op, py_op, params=("lhs", "rhs")):
    """Public ``nd.<name>(lhs, rhs)``: picks the array-array or array-scalar op by operand types, as MXNet."""
    array_fn, scalar_fn, rscalar_fn = (OPS[n] for n in (array_op, scalar_op, rscalar_op))
    array_t = NDArray

    def dispatch(lhs, rhs, out=None):
        # invoke directly: this is the path of every Python operator, so it skips the public wrappers
        if isinstance(lhs, numeric_types):
            if isinstance(rhs, numeric_types):
                return py_op(lhs, rhs)
            return invoke(rscalar_fn, (rhs,), {"scalar": float(lhs)}, out)
        if isinstance(rhs, numeric_types):
            return invoke(scalar_fn, (lhs,), {"scalar": float(rhs)}, out)
        if isinstance(rhs, array_t):
            return invoke(array_fn, (lhs, rhs), _EMPTY, out)
        raise MXNetTypeError(f"type {type(rhs)} not supported")
    if params != ("lhs", "rhs"):
        ns = {"_d": dispatch}
        exec(f"def {name}({params[0]}, {params[1]}, out=None):\n"
             f"    return _d({params[0]}, {params[1]}, out)\n", ns)
        public = ns[name]
    else:
        public = dispatch
    public.__name__ = public.__qualname__ = name
    base = array_op.removeprefix("broadcast_")
    public.__doc__ = (f"Returns element-wise ``{base}`` of the two inputs, with broadcasting; either may be a "
                      "scalar (then the scalar op is used; two scalars give a Python number).")
    bind_public(name, public)


def _bool01(pred):
    return lambda x, y: 1 if pred(x, y) else 0


# name, array op, op for (array, scalar), op for (scalar, array), Python fallback for two numbers
_DISPATCH = [
    ("add", "broadcast_add", "_plus_scalar", "_plus_scalar", operator.add),
    ("subtract", "broadcast_sub", "_minus_scalar", "_rminus_scalar", operator.sub),
    ("multiply", "broadcast_mul", "_mul_scalar", "_mul_scalar", operator.mul),
    ("divide", "broadcast_div", "_div_scalar", "_rdiv_scalar", operator.truediv),
    ("true_divide", "broadcast_div", "_div_scalar", "_rdiv_scalar", operator.truediv),
    ("modulo", "broadcast_mod", "_mod_scalar", "_rmod_scalar", operator.mod),
    ("maximum", "broadcast_maximum", "_maximum_scalar", "_maximum_scalar", lambda x, y: x if x > y else y),
    ("minimum", "broadcast_minimum", "_minimum_scalar", "_minimum_scalar", lambda x, y: x if x < y else y),
    ("equal", "broadcast_equal", "_equal_scalar", "_equal_scalar", _bool01(operator.eq)),
    ("not_equal", "broadcast_not_equal", "_not_equal_scalar", "_not_equal_scalar", _bool01(operator.ne)),
    ("greater", "broadcast_greater", "_greater_scalar", "_lesser_scalar", _bool01(operator.gt)),
    ("greater_equal", "broadcast_greater_equal", "_greater_equal_scalar", "_lesser_equal_scalar",
     _bool01(operator.ge)),
    ("lesser", "broadcast_lesser", "_lesser_scalar", "_greater_scalar", _bool01(operator.lt)),
    ("lesser_equal", "broadcast_lesser_equal", "_lesser_equal_scalar", "_greater_equal_scalar",
     _bool01(operator.le)),
    ("logical_and", "broadcast_logical_and", "_logical_and_scalar", "_logical_and_scalar",
     _bool01(lambda x, y: x and y)),
    ("logical_or", "broadcast_logical_or", "_logical_or_scalar", "_logical_or_scalar",
     _bool01(lambda x, y: x or y)),
    ("logical_xor", "broadcast_logical_xor", "_logical_xor_scalar", "_logical_xor_scalar",
     _bool01(lambda x, y: bool(x) ^ bool(y))),
]

for _row in _DISPATCH:
    _dispatcher(*_row)
_dispatcher("power", "broadcast_power", "_power_scalar", "_rpower_scalar", operator.pow, params=("base", "exp"))


def _operator_methods(name, array_op, scalar_op, rscalar_op):
    """``NDArray.__<name>__`` and ``__r<name>__``: a float or an NDArray operand runs the op's inlined body
    (``registry.operator_method``); any other operand is sorted out here."""
    array_fn, scalar_fn, rscalar_fn = (OPS[n].public for n in (array_op, scalar_op, rscalar_op))
    array_t = NDArray

    def general(self, other):
        if type(other) is int or isinstance(other, numeric_types):
            return scalar_fn(self, float(other))
        if isinstance(other, array_t):
            return array_fn(self, other)
        raise MXNetTypeError(f"type {type(other)} not supported")

    def reflected(self, other):  # ``other <op> self``: Python calls it only when ``other`` is not an NDArray
        if isinstance(other, numeric_types):
            return rscalar_fn(self, float(other))
        raise MXNetTypeError(f"type {type(other)} not supported")
    for method in (operator_method(f"__{name}__", OPS[scalar_op], OPS[array_op], general),
                   operator_method(f"__r{name}__", OPS[rscalar_op], None, reflected)):
        setattr(NDArray, method.__name__, method)


for _name, _row in (("add", _DISPATCH[0]), ("sub", _DISPATCH[1]), ("mul", _DISPATCH[2]),
                    ("truediv", _DISPATCH[3]), ("mod", _DISPATCH[5])):
    _operator_methods(_name, *_row[1:4])
_operator_methods("pow", "broadcast_power", "_power_scalar", "_rpower_scalar")

from ndgrad.ops.optimizer_ops import __name__ as _mod  # noqa: F401
from ndgrad.ops.registry import OPS

SPECS = []
_REASON = ("non-differentiable optimizer update that mutates its state inputs; checked against MXNet goldens in "
           "tests/optimizer/test_optimizer.py")
EXEMPT = {name: _REASON for name, op in OPS.items() if op.forward.__module__ == "ndgrad.ops.optimizer_ops"}

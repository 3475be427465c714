"""``nd.linalg``: the linear-algebra ops under their short names (``nd.linalg.gemm2`` is ``nd.linalg_gemm2``)."""
from ._prefixed import prefixed_ops

_OPS = prefixed_ops("_linalg_")
globals().update(_OPS)
__all__ = sorted(_OPS)  # noqa: PLE0605

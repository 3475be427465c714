"""ndgrad: Apache MXNet 1.x's imperative stack (nd, autograd, gluon) in pure Python on NumPy.

    import ndgrad as mx
    from ndgrad import nd, autograd
"""
from . import autograd, base, context, ndarray, random
from . import ndarray as nd
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus
from . import initializer, lr_scheduler, metric, optimizer
from . import initializer as init
from . import gluon, name
from . import kvstore
from . import kvstore as kv

__version__ = "0.1.0"
__all__ = ["autograd", "base", "context", "gluon", "name", "nd", "ndarray", "random", "MXNetError", "Context",
           "cpu", "cpu_pinned", "current_context", "gpu", "num_gpus", "initializer", "init", "lr_scheduler",
           "metric", "optimizer", "kvstore", "kv"]

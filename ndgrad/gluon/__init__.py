"""Gluon: the high-level interface (``mxnet.gluon``): blocks, parameters, layers, losses, Trainer."""
from importlib.util import find_spec as _find_spec

from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict
from .block import Block, HybridBlock, SymbolBlock
from . import nn
from . import loss
from . import rnn
from .trainer import Trainer
from . import contrib

__all__ = ["Block", "HybridBlock", "SymbolBlock", "Parameter", "Constant", "ParameterDict",
           "DeferredInitializationError", "Trainer", "nn", "loss", "rnn", "contrib"]

# data/ and utils.py are written by another helper; import them once they exist
if _find_spec(__name__ + ".data") is not None:
    from . import data
    __all__ += ["data"]
if _find_spec(__name__ + ".utils") is not None:
    from . import utils
    __all__ += ["utils"]

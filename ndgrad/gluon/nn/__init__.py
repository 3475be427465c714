"""Gluon layers (``mxnet.gluon.nn``)."""
from ..block import Block as Block, HybridBlock as HybridBlock, SymbolBlock as SymbolBlock
from .activations import *  # noqa: F403
from .basic_layers import *  # noqa: F403
from .conv_layers import *  # noqa: F403
from . import activations as activations, basic_layers as basic_layers, conv_layers as conv_layers

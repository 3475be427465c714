"""Recurrent cells and layers (``mxnet.gluon.rnn``)."""
from .rnn_cell import *  # noqa: F403
from .rnn_layer import *  # noqa: F403
from . import rnn_cell as rnn_cell, rnn_layer as rnn_layer

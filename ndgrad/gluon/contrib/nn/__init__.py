"""Contributed layers: Concurrent, HybridConcurrent, Identity (``mxnet.gluon.contrib.nn``)."""
from .basic_layers import *  # noqa: F403
from . import basic_layers as basic_layers

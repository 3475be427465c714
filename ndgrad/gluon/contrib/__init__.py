"""Contributed Gluon blocks (``mxnet.gluon.contrib``)."""
from . import nn as nn

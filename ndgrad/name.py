"""Automatic naming of blocks (``mx.name``): ``with mx.name.NameManager():`` restarts the counters."""
from .gluon.block import NameManager, Prefix

__all__ = ["NameManager", "Prefix"]

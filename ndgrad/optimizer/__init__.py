"""``mx.optimizer``: optimizers, their registry, and the Updater."""
from . import contrib, optimizer
from .optimizer import (DCASGD, FTML, LAMB, LARS, LBSGD, NAG, SGD, SGLD, AdaDelta, AdaGrad, Adam, Adamax, AdamW,
                        Ftrl, Nadam, Optimizer, RMSProp, Signum, Test, Updater, ccSGD, create, get_updater, register)

__all__ = ["Optimizer", "register", "create", "Updater", "get_updater", "SGD", "Signum", "FTML", "LARS",
           "LBSGD", "LAMB", "DCASGD", "NAG", "SGLD", "ccSGD", "Adam", "AdamW", "AdaGrad", "RMSProp", "AdaDelta",
           "Ftrl", "Adamax", "Nadam", "Test", "contrib", "optimizer"]

"""Optimizers (``mx.optimizer``): the registry, the update rules, and the ``Updater`` that holds states.

Every update works in place on the weight's buffer (``weight._data``) and on the state arrays, through
the raw kernels of ``ndgrad.ops.optimizer_ops`` or in-place NumPy, so it is never recorded by autograd
and makes no extra copies on the training path. Formulas follow MXNet 1.9.1 to the placement of weight
decay, bias correction and epsilon (checked against it: tests/data/optdata).
"""
from __future__ import annotations

import math
import os
import pickle
import warnings
from typing import Any

import numpy as np

from ..base import MXNetError
from ..ndarray import NDArray
from ..ndarray import creation as _creation
from ..ops import optimizer_ops as K

__all__ = ["Optimizer", "register", "create", "Updater", "get_updater", "SGD", "Signum", "FTML", "LARS",
           "LBSGD", "LAMB", "DCASGD", "NAG", "SGLD", "ccSGD", "Adam", "AdamW", "AdaGrad", "RMSProp", "AdaDelta",
           "Ftrl", "Adamax", "Nadam", "Test"]


def _zeros_like(weight: NDArray, dtype: Any = None) -> NDArray:
    return _creation.zeros(weight.shape, weight.context, dtype=weight.dtype if dtype is None else dtype)


def _clip_arg(clip_gradient: Any) -> float:
    """MXNet's kernels get ``clip_gradient`` only when it is truthy; -1 means no clipping."""
    return float(clip_gradient) if clip_gradient else -1.0


class Optimizer:
    """The base class of all optimizers.

    Parameters
    ----------
    rescale_grad : float, default 1
        Every gradient is multiplied by this before use (typically ``1 / batch_size``).
    param_idx2name : dict of int to str
        Parameter names by index; names not ending in ``_weight`` or ``_gamma`` get no weight decay.
    wd : float, default 0
        L2 weight decay.
    clip_gradient : float, optional
        Clip the (rescaled) gradient to ``[-clip_gradient, clip_gradient]``.
    learning_rate : float, default 0.01 (when no ``lr_scheduler``)
    lr_scheduler : LRScheduler, optional
        Gives the learning rate from the number of updates.
    begin_num_update : int, default 0
    multi_precision : bool, default False
        Keep a float32 master copy of float16 weights and update that.
    param_dict : dict of int to Parameter, optional
        Gluon parameters by index; their ``lr_mult`` and ``wd_mult`` scale lr and wd.
    """

    opt_registry: dict[str, type] = {}

    def __init__(self, rescale_grad: float = 1.0, param_idx2name: dict | None = None, wd: float = 0.0,
                 clip_gradient: float | None = None, learning_rate: float | None = None, lr_scheduler: Any = None,
                 sym: Any = None, begin_num_update: int = 0, multi_precision: bool = False,
                 param_dict: dict | None = None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None and lr_scheduler.base_lr != learning_rate:
            print(UserWarning("learning rate from ``lr_scheduler`` has been overwritten by "
                              "``learning_rate`` in optimizer."))
            lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult: dict = {}
        self.wd_mult: dict = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts: dict = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise MXNetError("param_idx2name should be a dict of param indexes to names.")
        self.idx2name = param_idx2name.copy()
        if sym is not None:
            raise NotImplementedError("Optimizer(sym=...): symbols, not yet in ndgrad")
        self.sym_info = ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ------------------------------------------------------------------ registry
    @staticmethod
    def register(klass: type) -> type:
        """Register an optimizer class under its lower-cased name (for ``create``)."""
        if not isinstance(klass, type):
            raise MXNetError("register expects a class")
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            old = Optimizer.opt_registry[name]
            warnings.warn(f"WARNING: New optimizer {klass.__module__}.{klass.__name__} is overriding existing "
                          f"optimizer {old.__module__}.{old.__name__}", stacklevel=2)
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name: str, **kwargs: Any) -> Optimizer:
        """Instantiate a registered optimizer by (case-insensitive) name."""
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            raise ValueError(f"Cannot find optimizer {name}")
        return klass(**kwargs)

    # ------------------------------------------------------------------ learning rate and decay
    @property
    def learning_rate(self) -> float:
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr: float) -> None:
        """Set the learning rate (only when there is no lr_scheduler)."""
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note that "
                              "set_learning_rate can mutate the value of the learning rate of the optimizer "
                              "only when the LRScheduler of the optimizer is undefined.")
        self.lr = lr

    def set_lr_scale(self, args_lrscale: Any) -> None:
        """Deprecated; use ``set_lr_mult``."""
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult: dict) -> None:
        """Set learning-rate multipliers by parameter index or name."""
        self.lr_mult = {}
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        """Set weight-decay multipliers by index or name; named parameters that are neither
        ``*_weight`` nor ``*_gamma`` default to 0."""
        self.wd_mult = {n: 0.0 for n in self.idx2name.values()
                        if not (n.endswith("_weight") or n.endswith("_gamma"))}
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id: int) -> None:
        self._index_update_count = self._all_index_update_counts.setdefault(device_id, {})

    def _update_count(self, index: Any) -> None:
        for idx in index if isinstance(index, (list, tuple)) else (index,):
            count = self._index_update_count.get(idx, self.begin_num_update) + 1
            self._index_update_count[idx] = count
            self.num_update = max(count, self.num_update)

    def _scheduled_lr(self) -> float:
        return self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr

    def _mult(self, index: Any, value: float, mults: dict, attr: str) -> float:
        if index in self.param_dict:
            return value * getattr(self.param_dict[index], attr)
        if index in mults:
            return value * mults[index]
        if index in self.idx2name:
            return value * mults.get(self.idx2name[index], 1.0)
        return value

    def _get_lrs(self, indices: list) -> list[float]:
        lr = self._scheduled_lr()
        return [self._mult(i, lr, self.lr_mult, "lr_mult") for i in indices]

    def _get_lr(self, index: Any) -> float:
        return self._get_lrs([index])[0]

    def _get_wds(self, indices: list) -> list[float]:
        return [self._mult(i, self.wd, self.wd_mult, "wd_mult") for i in indices]

    def _get_wd(self, index: Any) -> float:
        return self._get_wds([index])[0]

    # ------------------------------------------------------------------ states and updates
    def create_state(self, index: Any, weight: NDArray) -> Any:
        """Create the auxiliary state (momentum...) of one weight; None when the optimizer has none."""

    def create_state_multi_precision(self, index: Any, weight: NDArray) -> Any:
        """``create_state``, plus a float32 master copy of a float16 weight when ``multi_precision``:
        the state is then ``(weight32, state)``."""
        if self.multi_precision and weight.dtype == np.float16:
            weight32 = weight.astype(np.float32)
            return (weight32, self.create_state(index, weight32))
        if weight.dtype == np.float16:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or slow "
                          "convergence. Consider using multi_precision=True option of the optimizer", stacklevel=2)
        return self.create_state(index, weight)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        """Update ``weight`` in place from ``grad`` and ``state``."""
        raise NotImplementedError()

    def update_multi_precision(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        """``update``, through the float32 master copy for float16 weights when ``multi_precision``."""
        if self.multi_precision and weight.dtype == np.float16:
            weight32, inner = state
            self.update(index, weight32, grad.astype(np.float32), inner)
            np.copyto(weight._data, weight32._data, casting="unsafe")
        else:
            self.update(index, weight, grad, state)

    def __getstate__(self) -> dict:
        ret = self.__dict__.copy()
        ret.pop("param_dict", None)
        return ret

    def __setstate__(self, state: dict) -> None:
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


def _listify(index, weight, grad, state):
    if isinstance(index, (list, tuple)):
        return list(index), list(weight), list(grad), list(state)
    return [index], [weight], [grad], [state]


def _mp_state_second(opt: Optimizer, index: Any, weight: NDArray, name: str) -> Any:
    """SGD-family layout of the multi-precision state: ``(state, weight32)``."""
    if opt.multi_precision and weight.dtype == np.float16:
        weight32 = weight.astype(np.float32)
        return (opt.create_state(index, weight32), weight32)
    if weight.dtype == np.float16:
        warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
                      f"Consider using multi_precision=True option of the {name} optimizer", stacklevel=3)
    return opt.create_state(index, weight)


def _sgd_step(opt: Optimizer, kernel: Any, weight: NDArray, grad: NDArray, state: Any, multi_precision: bool,
              lr: float, momentum: float, wd: float, use_momentum: bool = True) -> None:
    """One SGD-family update: ``kernel`` (SGD's or NAG's momentum step) where there is a momentum state and
    ``use_momentum``, plain SGD otherwise; through the float32 master copy when ``multi_precision`` (the state
    is then ``(momentum, weight32)``, see ``_mp_state_second``)."""
    mom, weight32 = state if multi_precision else (state, None)
    if not use_momentum:
        mom = None
    clip, rescale = _clip_arg(opt.clip_gradient), opt.rescale_grad
    if weight32 is not None:
        if mom is not None:
            K.k_mp(kernel, weight._data, grad._data, weight32._data, mom._data, lr, momentum, wd, rescale, clip)
        else:
            K.k_mp(K.k_sgd, weight._data, grad._data, weight32._data, lr, wd, rescale, clip)
    elif mom is not None:
        kernel(weight._data, grad._data, mom._data, lr, momentum, wd, rescale, clip)
    else:
        K.k_sgd(weight._data, grad._data, lr, wd, rescale, clip)


def _use_mp(opt: Optimizer, weight: Any) -> bool:
    w = weight[0] if isinstance(weight, (list, tuple)) else weight
    return bool(opt.multi_precision) and w.dtype == np.float16


class _MasterCopyInKernel(Optimizer):
    """Optimizers whose ``_update_impl(..., multi_precision)`` runs the float32 master copy inside their
    kernels (MXNet's ``mp_*`` update ops)."""

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=_use_mp(self, weight))


@register
class SGD(_MasterCopyInKernel):
    """Stochastic gradient descent with optional momentum and weight decay.

    Without momentum: ``weight = (1 - lr * wd) * weight - lr * clip(rescale_grad * grad)``; with it,
    ``state = momentum * state - lr * (wd * weight + clip(rescale_grad * grad))`` and ``weight += state``.
    """

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = int(os.getenv("MXNET_OPTIMIZER_AGGREGATION_SIZE", "4"))

    def create_state_multi_precision(self, index, weight):
        return _mp_state_second(self, index, weight, "SGD")

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _lrs_wds(self, indices):
        self._update_count(indices)
        return self._get_lrs(indices), self._get_wds(indices)

    def _apply(self, weights, grads, states, lrs, wds, multi_precision):
        for weight, grad, state, lr, wd in zip(weights, grads, states, lrs, wds, strict=True):
            _sgd_step(self, K.k_sgd_mom, weight, grad, state, multi_precision, lr, self.momentum, wd,
                      self.momentum > 0)

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        indices, weights, grads, states = _listify(index, weight, grad, state)
        lrs, wds = self._lrs_wds(indices)
        self._apply(weights, grads, states, lrs, wds, multi_precision)


@register
class Signum(Optimizer):
    """Signum (sign of momentum); plain signSGD when ``momentum`` is 0. ``wd_lh`` is decoupled weight decay."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9, wd_lh: float = 0.0, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        clip = _clip_arg(self.clip_gradient)
        if state is not None:
            K.k_signum(weight._data, grad._data, state._data, lr, self.momentum if self.momentum > 0 else 0.0, wd,
                       self.rescale_grad, clip, self.wd_lh or 0.0)
        else:
            K.k_signsgd(weight._data, grad._data, lr, wd, self.rescale_grad, clip)


@register
class FTML(Optimizer):
    """FTML (Follow the Moving Leader) optimizer."""

    def __init__(self, beta1: float = 0.6, beta2: float = 0.999, epsilon: float = 1e-8, **kwargs: Any):
        super().__init__(**kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))  # d, v, z

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        d, v, z = state
        K.k_ftml(weight._data, grad._data, d._data, v._data, z._data, lr, t, self.beta1, self.beta2, self.epsilon,
                 wd, self.rescale_grad, _clip_arg(self.clip_gradient))


@register
class LARS(_MasterCopyInKernel):
    """SGD with layer-wise adaptive rate scaling: each non-bias/gamma/beta layer's lr is scaled by
    ``eta * |w| / (|g| + wd * |w| + eps)``."""

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, eta: float = 0.001, eps: float = 0,
                 momentum_correction: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.aggregate_num = int(os.getenv("MXNET_OPTIMIZER_AGGREGATION_SIZE", "4"))
        self.eta, self.eps = eta, eps
        self.skip = 0
        self.last_lr = None
        self.cur_lr = None

    def _get_lrs(self, indices):
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self._scheduled_lr()
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return [self._mult(i, lr, self.lr_mult, "lr_mult") for i in indices]

    def set_wd_mult(self, args_wd_mult):
        self.wd_mult = {n: 0.0 for n in self.idx2name.values() if not n.endswith("_weight")}
        self.wd_mult.update(args_wd_mult)

    def create_state_multi_precision(self, index, weight):
        return _mp_state_second(self, index, weight, "SGD")

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _l2norm(self, v, rescale=False):
        x = v._data.astype(np.float32, copy=False)
        norm = float(np.sqrt(np.dot(x.ravel(), x.ravel())))
        return norm * abs(self.rescale_grad) if rescale else norm

    def _get_lars(self, i, weight, g, lr, wd):
        name = self.idx2name.get(i, str(i))
        if name.endswith("gamma") or name.endswith("beta") or name.endswith("bias"):
            return lr
        w_norm = self._l2norm(weight)
        g_norm = self._l2norm(g, rescale=True)
        lars = self.eta * w_norm / (g_norm + wd * w_norm + self.eps) if w_norm > 0.0 and g_norm > 0.0 else 1.0
        return lars * lr

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        indices, weights, grads, states = _listify(index, weight, grad, state)
        self._update_count(indices)
        lrs, wds = self._get_lrs(indices), self._get_wds(indices)
        momentum = self.momentum
        if momentum > 0 and self.momentum_correction and self.last_lr != 0:
            momentum = self.momentum * (self.cur_lr / self.last_lr)
        lrs = [np.float32(self._get_lars(i, w, g, lr, wd))
               for i, w, g, lr, wd in zip(indices, weights, grads, lrs, wds, strict=True)]
        for w_i, g_i, s_i, lr, wd in zip(weights, grads, states, lrs, wds, strict=True):
            _sgd_step(self, K.k_sgd_mom, w_i, g_i, s_i, multi_precision, float(lr), momentum, wd, self.momentum > 0)


@register
class LBSGD(Optimizer):
    """Large-batch SGD: gradients are accumulated over ``batch_scale`` updates, and the lr is warmed up
    ('linear', 'power2', 'sqrt') over ``warmup_epochs`` or scaled per layer ('lars')."""

    def __init__(self, momentum: float = 0.0, multi_precision: bool = False, warmup_strategy: str = "linear",
                 warmup_epochs: int = 5, batch_scale: float = 1, updates_per_epoch: int = 32, begin_epoch: int = 0,
                 num_epochs: int = 60, **kwargs: Any):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads: dict = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index, weight):
        if self.multi_precision and weight.dtype == np.float16:
            weight32 = weight.astype(np.float32)
            mom = _creation.zeros(weight.shape, weight.context, dtype=np.float32) if self.momentum != 0.0 else None
            return (mom, weight32)
        if weight.dtype == np.float16:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
                          "Consider using multi_precision=True option of the SGD optimizer", stacklevel=2)
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _get_lbmult(self, nup):
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == "linear":
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == "power2":
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == "sqrt":
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _l2norm(self, v):
        x = v._data
        return float(np.multiply(x, x).sum())

    def _get_lars(self, weight, g, wd):
        weight2 = self._l2norm(weight)
        grad2 = self._l2norm(g)
        lars = math.sqrt(weight2 / (grad2 + wd * weight2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def _cumulate_gradient(self, grad, index):
        cgrad = self.cumgrads.get(index, {})
        if cgrad and cgrad["num_cums"] > 0:
            cum_grad = cgrad["cum_grad"] + grad
            num_cums = cgrad["num_cums"] + 1
        else:
            cum_grad = grad
            num_cums = self.init_updates + 1
        self.cumgrads[index] = {"cum_grad": cum_grad, "num_cums": num_cums}
        return self.cumgrads[index]

    def update(self, index, weight, grad, state):
        lr, wd = self._get_lr(index), self._get_wd(index)  # read before counting, as MXNet
        self._update_count(index)
        cgrad = self._cumulate_gradient(grad, index)
        if cgrad["num_cums"] % self.batch_scale == 0:
            grad = cgrad["cum_grad"] / self.batch_scale
            lbmult = self._get_lars(weight, grad, wd) if self.warmup_strategy == "lars" else \
                self._get_lbmult(cgrad["num_cums"])
            lr = lr * lbmult
            _sgd_step(self, K.k_sgd_mom, weight, grad, state, isinstance(state, (list, tuple)), lr,
                      max(self.momentum, 0.0), wd)
            self.cumgrads[index]["cum_grad"] = 0
        else:
            K.k_sgd(weight._data, grad._data, 0.0, wd)


@register
class LAMB(_MasterCopyInKernel):
    """LAMB: Adam-style step scaled per layer by the trust ratio ``|w| / |step|``."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-6, lower_bound: float | None = None, upper_bound: float | None = None,
                 bias_correction: bool = True, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.lower_bound, self.upper_bound = lower_bound, upper_bound
        self.bias_correction = bias_correction
        self.aggregate_num = max(1, min(45, int(os.getenv("MXNET_OPTIMIZER_AGGREGATION_SIZE", "45"))))

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        indices, weights, grads, states = _listify(index, weight, grad, state)
        steps, lrs, wds = [], [], []
        for i in indices:
            self._update_count(i)
            steps.append(self._index_update_count[i])
            lrs.append(self._get_lr(i))
            wds.append(self._get_wd(i))
        clip = _clip_arg(self.clip_gradient)
        lower = self.lower_bound if self.lower_bound else -1.0
        upper = self.upper_bound if self.upper_bound else -1.0
        for w, g, s, t, lr, wd in zip(weights, grads, states, steps, lrs, wds, strict=True):
            if multi_precision:
                weight32, (mean, var) = s
                target = weight32._data
                grad_raw = g._data.astype(np.float32)
            else:
                mean, var = s
                target, grad_raw = w._data, g._data
            step = K.k_lamb_phase1(target, grad_raw, mean._data, var._data, t, wd, self.beta1, self.beta2,
                                   self.epsilon, self.bias_correction, self.rescale_grad, clip)
            r1 = np.sqrt(np.dot(target.ravel(), target.ravel()))
            r2 = np.sqrt(np.dot(step.ravel(), step.ravel()))
            K.k_lamb_phase2(target, step, r1, r2, lr, lower, upper)
            if multi_precision:
                np.copyto(w._data, target, casting="unsafe")


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD."""

    def __init__(self, momentum: float = 0.0, lamda: float = 0.04, **kwargs: Any):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous: dict = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        mom = None if self.momentum == 0.0 else _zeros_like(weight)
        return (mom, weight.copy())

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        w = weight._data
        g = np.multiply(grad._data, self.rescale_grad)
        if self.clip_gradient is not None:
            np.clip(g, -self.clip_gradient, self.clip_gradient, out=g)
        mom, previous = state
        # step = -lr * (g + wd * w + lamda * g^2 * (w - w_prev))
        comp = np.subtract(w, previous._data)
        comp *= g
        comp *= g
        comp *= self.lamda
        step = np.multiply(w, wd)
        step += g
        step += comp
        step *= -lr
        if mom is not None:
            # MXNet 1.9.1 tests ``if mom:`` on the momentum NDArray: ambiguous beyond one element, and a
            # fresh (zero) momentum fails its ``momentum == 0`` assertion: DCASGD works without momentum only
            if mom.size != 1:
                raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")
            if mom._data.reshape(-1)[0]:
                mom._data *= self.momentum
                mom._data += step
                step = mom._data
            elif self.momentum != 0.0:
                raise AssertionError("DCASGD: momentum state is zero with momentum != 0 (MXNet 1.9.1 asserts here)")
        previous._data[...] = w
        w += step


@register
class NAG(_MasterCopyInKernel):
    """Nesterov accelerated gradient."""

    def __init__(self, momentum: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state_multi_precision(self, index, weight):
        return _mp_state_second(self, index, weight, "NAG")

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        _sgd_step(self, K.k_nag_mom, weight, grad, state, multi_precision, lr, max(self.momentum, 0.0), wd)

    def update_multi_precision(self, index, weight, grad, state):
        mp = self.multi_precision and weight.dtype == np.float16 and isinstance(state, (tuple, list))
        self._update_impl(index, weight, grad, state, multi_precision=mp)


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics: a half gradient step plus Gaussian noise of variance lr."""

    def update(self, index, weight, grad, state):
        from ..ndarray import random as _random
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        w = weight._data
        g = np.multiply(grad._data, self.rescale_grad)
        if self.clip_gradient is not None:
            np.clip(g, -self.clip_gradient, self.clip_gradient, out=g)
        g += wd * w
        g *= -lr / 2
        w += g
        w += _random.normal(0.0, math.sqrt(lr), shape=weight.shape, dtype=weight.dtype, ctx=weight.context)._data


@register
class ccSGD(SGD):
    """Deprecated alias of SGD."""


class _AdamBase(Optimizer):
    """Adam's moment estimates (``beta1``, ``beta2``, ``epsilon``) and bias correction, shared by Adam and AdamW."""

    def __init__(self, learning_rate: float, beta1: float, beta2: float, epsilon: float, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def _bias_correction(self, index) -> float:
        t = self._index_update_count[index]
        return math.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)


@register
class Adam(_AdamBase):
    """Adam: bias correction folded into the step size, ``lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)``;
    weight decay is added to the gradient; ``weight -= lr_t * mean / (sqrt(var) + epsilon)``."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, lazy_update: bool = True, **kwargs: Any):
        super().__init__(learning_rate, beta1, beta2, epsilon, **kwargs)
        self.lazy_update = lazy_update

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        lr *= self._bias_correction(index)
        mean, var = state
        K.k_adam(weight._data, grad._data, mean._data, var._data, lr, self.beta1, self.beta2, self.epsilon, wd,
                 self.rescale_grad, _clip_arg(self.clip_gradient))


@register
class AdamW(_AdamBase):
    """Adam with decoupled weight decay (MXNet's ``contrib.adamw_update`` kernel):
    ``weight -= lr_t * mean / (sqrt(var) + epsilon) + lr * wd * weight`` with ``lr_t`` bias corrected
    (when ``correct_bias``) as in Adam."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, correct_bias: bool = True, **kwargs: Any):
        super().__init__(learning_rate, beta1, beta2, epsilon, **kwargs)
        self.correct_bias = correct_bias

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        scale = self._bias_correction(index) if self.correct_bias else 1.0
        mean, var = state
        K.k_adamw(weight._data, grad._data, mean._data, var._data, self.rescale_grad, scale, lr, self.beta1,
                  self.beta2, self.epsilon, wd, _clip_arg(self.clip_gradient))

@register
class AdaGrad(Optimizer):
    """AdaGrad: ``history += g^2``; ``weight -= lr * (g / sqrt(history + eps) + wd * weight)``."""

    def __init__(self, eps: float = 1e-7, **kwargs: Any):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return _creation.zeros(weight.shape, weight.context)  # float32, as MXNet

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        w, hist = weight._data, state._data
        g = np.multiply(grad._data, self.rescale_grad)
        if self.clip_gradient is not None:
            np.clip(g, -self.clip_gradient, self.clip_gradient, out=g)
        hist += np.square(g)
        den = np.add(hist, self.float_stable_eps)
        np.sqrt(den, out=den)
        np.divide(g, den, out=g)
        g += w * wd
        g *= -lr
        w += g


@register
class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton); ``centered=True`` gives Graves' centered version."""

    def __init__(self, learning_rate: float = 0.001, gamma1: float = 0.9, gamma2: float = 0.9,
                 epsilon: float = 1e-8, centered: bool = False, clip_weights: float | None = None, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1, self.gamma2 = gamma1, gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        z = lambda: _creation.zeros(weight.shape, weight.context)  # noqa: E731
        return (z(), z(), z()) if self.centered else (z(),)

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        clip = _clip_arg(self.clip_gradient)
        clip_w = float(self.clip_weights) if self.clip_weights else -1.0
        if not self.centered:
            (n,) = state
            K.k_rmsprop(weight._data, grad._data, n._data, lr, self.gamma1, self.epsilon, wd, self.rescale_grad,
                        clip, clip_w)
        else:
            n, g, delta = state
            K.k_rmspropalex(weight._data, grad._data, n._data, g._data, delta._data, lr, self.gamma1, self.gamma2,
                            self.epsilon, wd, self.rescale_grad, clip, clip_w)


@register
class AdaDelta(Optimizer):
    """AdaDelta (no learning rate): ``weight -= delta + wd * weight``.

    As in MXNet, the gradient array is rescaled in place.
    """

    def __init__(self, rho: float = 0.90, epsilon: float = 1e-5, **kwargs: Any):
        super().__init__(**kwargs)
        self.rho, self.epsilon = rho, epsilon

    def create_state(self, index, weight):
        return (_creation.zeros(weight.shape, weight.context), _creation.zeros(weight.shape, weight.context))

    def update(self, index, weight, grad, state):
        wd = self._get_wd(index)
        self._update_count(index)
        grad._data *= self.rescale_grad  # MXNet mutates the caller's gradient here
        g = grad._data
        if self.clip_gradient is not None:
            g = np.clip(g, -self.clip_gradient, self.clip_gradient)
        acc_g, acc_delta = state[0]._data, state[1]._data
        rho = self.rho
        acc_g *= rho
        acc_g += (1.0 - rho) * g * g
        delta = np.add(acc_delta, self.epsilon)
        np.sqrt(delta, out=delta)
        delta /= np.sqrt(acc_g + self.epsilon)
        delta *= g
        acc_delta *= rho
        acc_delta += (1.0 - rho) * delta * delta
        w = weight._data
        delta += wd * w
        w -= delta


@register
class Ftrl(Optimizer):
    """FTRL-proximal (McMahan et al.) with L1 ``lamda1`` and per-coordinate ``beta``."""

    def __init__(self, lamda1: float = 0.01, learning_rate: float = 0.1, beta: float = 1, **kwargs: Any):
        super().__init__(**kwargs)
        self.lamda1, self.beta = lamda1, beta
        self.lr = learning_rate

    def create_state(self, index, weight):
        return (_creation.zeros(weight.shape, weight.context), _creation.zeros(weight.shape, weight.context))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        wd, lr = self._get_wd(index), self._get_lr(index)
        z, n = state
        K.k_ftrl(weight._data, grad._data, z._data, n._data, lr, self.lamda1, self.beta, wd, self.rescale_grad,
                 _clip_arg(self.clip_gradient))


@register
class Adamax(Optimizer):
    """AdaMax (Adam with the infinity norm): ``weight -= lr / (1 - beta1^t) * m / u``."""

    def __init__(self, learning_rate: float = 0.002, beta1: float = 0.9, beta2: float = 0.999, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2 = beta1, beta2

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        lr /= 1.0 - self.beta1 ** t
        w = weight._data
        g = np.multiply(grad._data, self.rescale_grad)
        g += wd * w
        if self.clip_gradient is not None:
            np.clip(g, -self.clip_gradient, self.clip_gradient, out=g)
        m, u = state[0]._data, state[1]._data
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        u *= self.beta2
        np.maximum(u, np.abs(g, out=g), out=u)
        step = np.multiply(m, lr)
        step /= u
        w -= step


@register
class Nadam(Optimizer):
    """Nesterov Adam with the momentum schedule of Dozat (``schedule_decay``); the schedule product is
    kept per optimizer, as in MXNet."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, schedule_decay: float = 0.004, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        w = weight._data
        g = np.multiply(grad._data, self.rescale_grad)
        g += wd * w
        if self.clip_gradient is not None:
            np.clip(g, -self.clip_gradient, self.clip_gradient, out=g)
        mom_t = self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.schedule_decay))
        mom_t1 = self.beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.schedule_decay))
        self.m_schedule = self.m_schedule * mom_t
        m_schedule_next = self.m_schedule * mom_t1
        m, v = state[0]._data, state[1]._data
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * g * g
        g_prime = g / (1.0 - self.m_schedule)
        m_prime = m / (1.0 - m_schedule_next)
        v_prime = v / (1.0 - self.beta2 ** t)
        m_bar = (1.0 - mom_t) * g_prime
        m_bar += mom_t1 * m_prime
        np.sqrt(v_prime, out=v_prime)
        v_prime += self.epsilon
        m_bar /= v_prime
        m_bar *= lr
        w -= m_bar


@register
class Test(Optimizer):
    """The optimizer MXNet uses in its own tests: ``weight += rescale_grad * grad``; state = weight."""

    def create_state(self, index, weight):
        return _creation.zeros(weight.shape, weight.context)

    def update(self, index, weight, grad, state):
        weight._data += grad._data * self.rescale_grad
        state._data[...] = weight._data


class Updater:
    """Applies an optimizer to (index, grad, weight) triples, creating and keeping each index's state."""

    def __init__(self, optimizer: Optimizer):
        self.optimizer = optimizer
        self.states: dict = {}
        self.states_synced: dict = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index: Any, grad: Any, weight: Any) -> None:
        if isinstance(index, (list, tuple)):
            indices, grads, weights = list(index), list(grad), list(weight)
        else:
            indices, grads, weights = [index], [grad], [weight]
        if weights:
            self.optimizer._set_current_context(weights[0].context.device_id)
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = idx.decode()
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                self.states[idx] = self.sync_state_context(self.states[idx], weights[i].context)
                self.states_synced[idx] = True
        if self.aggregate_updates:
            groups: dict = {}
            for i, w, g in zip(indices, weights, grads, strict=True):
                groups.setdefault(w.dtype, []).append((i, w, g))
            step = self.optimizer.aggregate_num
            for items in groups.values():
                for start in range(0, len(items), step):
                    chunk = items[start:start + step]
                    idxs, ws, gs = (list(x) for x in zip(*chunk, strict=True))
                    self.optimizer.update_multi_precision(idxs, ws, gs, [self.states[i] for i in idxs])
        else:
            for i, w, g in zip(indices, weights, grads, strict=True):
                self.optimizer.update_multi_precision(i, w, g, self.states[i])

    def sync_state_context(self, state: Any, context: Any) -> Any:
        """Move a state (or nested tuple/list of them) to ``context``."""
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states: bytes) -> None:
        """Load states (and optionally the optimizer) from ``get_states``'s bytes."""
        states = pickle.loads(states)
        if isinstance(states, tuple) and len(states) == 2:
            self.states, self.optimizer = states
        else:
            self.states = states
        self.states_synced = dict.fromkeys(self.states, False)

    def get_states(self, dump_optimizer: bool = False) -> bytes:
        """Pickled states (with the optimizer when ``dump_optimizer``)."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer: Optimizer) -> Updater:
    """An ``Updater`` for ``optimizer``."""
    return Updater(optimizer)

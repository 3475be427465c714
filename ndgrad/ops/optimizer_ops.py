"""Optimizer update ops (``sgd_update``, ``adam_update``...): non-differentiable, never recorded.

The ``k_*`` kernels work in place on raw arrays (the weight and the optimizer states) and are what
``ndgrad.optimizer`` calls on its hot path. The registered ops wrap them with MXNet's signatures: like
MXNet's, they update the state arrays in place and return the new weight (``out=weight`` writes it back).
Gradients are rescaled (``rescale_grad``), clipped to ``[-clip_gradient, clip_gradient]`` when
``clip_gradient >= 0``, and weight decay enters as each MXNet kernel places it (noted per kernel).
"""
from __future__ import annotations

import math

import numpy as np

from .registry import defop

__all__ = ["k_sgd", "k_sgd_mom", "k_nag_mom", "k_signsgd", "k_signum", "k_ftml", "k_adam", "k_adamw",
           "k_rmsprop", "k_rmspropalex", "k_ftrl", "k_lamb_phase1", "k_lamb_phase2", "k_mp"]


def _rescaled(grad, rescale_grad, clip_gradient):
    """A new array ``clip(rescale_grad * grad)`` in the gradient's dtype."""
    g = np.multiply(grad, rescale_grad)
    if clip_gradient is not None and clip_gradient >= 0:
        np.clip(g, -clip_gradient, clip_gradient, out=g)
    return g


def _decayed(grad, weight, rescale_grad, wd, clip_gradient):
    """A new array ``clip(rescale_grad * grad + wd * weight)``: the gradient of the optimizers that fold the
    weight decay in before clipping (Adam, RMSProp, FTML)."""
    g = np.multiply(grad, rescale_grad)
    if wd:
        g += wd * weight
    if clip_gradient is not None and clip_gradient >= 0:
        np.clip(g, -clip_gradient, clip_gradient, out=g)
    return g


def _lr_rescaled(grad, lr, rescale_grad, clip_gradient):
    """A new array ``lr * clip(rescale_grad * grad)``, in one pass when there is no clipping."""
    if clip_gradient is not None and clip_gradient >= 0:
        g = _rescaled(grad, rescale_grad, clip_gradient)
        g *= lr
        return g
    return np.multiply(grad, lr * rescale_grad)


def k_sgd(weight, grad, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """weight = (1 - lr * wd) * weight - lr * clip(rescale_grad * grad)."""
    g = _lr_rescaled(grad, lr, rescale_grad, clip_gradient)
    if wd:
        weight *= 1.0 - lr * wd
    weight -= g


def k_sgd_mom(weight, grad, mom, lr, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """mom = momentum * mom - lr * wd * weight - lr * clip(rescale_grad * grad); weight += mom."""
    g = _lr_rescaled(grad, lr, rescale_grad, clip_gradient)
    mom *= momentum
    mom -= g
    if wd:
        mom -= np.multiply(weight, lr * wd, out=g)
    weight += mom


def k_nag_mom(weight, grad, mom, lr, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, aliased=True):
    """g = clip(rescale_grad * grad) + wd * weight; weight += momentum * (momentum * mom - lr * g) - lr * g;
    mom = momentum * mom - lr * g'.

    MXNet's kernel writes the weight before the momentum, so with ``out=weight`` (as its optimizer calls
    it) the momentum's decay term ``g'`` already sees the new weight; ``aliased`` reproduces that.
    """
    g = _rescaled(grad, rescale_grad, clip_gradient)
    gw = np.multiply(weight, wd) if wd else np.zeros_like(g)
    gw += g
    gw *= lr
    mom *= momentum
    tmp = np.subtract(mom, gw)
    tmp *= momentum
    tmp -= gw
    weight += tmp
    if aliased and wd:
        np.multiply(weight, wd, out=gw)
        gw += g
        gw *= lr
    mom -= gw


def k_signsgd(weight, grad, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """weight = (1 - lr * wd) * weight - lr * sign(grad)."""
    s = np.sign(grad)
    s *= lr
    if wd:
        weight *= 1.0 - lr * wd
    weight -= s


def k_signum(weight, grad, mom, lr, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, wd_lh=0.0):
    """mom = momentum * mom - (1 - momentum) * (wd * weight + clip(rescale_grad * grad));
    weight = (1 - lr * wd_lh) * weight + lr * sign(mom)."""
    g = _rescaled(grad, rescale_grad, clip_gradient)
    mom *= momentum
    if wd:
        mom -= (1.0 - momentum) * wd * weight
    g *= 1.0 - momentum
    mom -= g
    if wd_lh:
        weight *= 1.0 - lr * wd_lh
    s = np.sign(mom, out=g)
    s *= lr
    weight += s


def k_ftml(weight, grad, d, v, z, lr, t, beta1=0.6, beta2=0.999, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
           clip_grad=-1.0):
    """FTML: g = clip(rescale_grad * grad + wd * weight); v = beta2 v + (1 - beta2) g^2;
    d_t = (1 - beta1^t) / lr * (sqrt(v / (1 - beta2^t)) + eps); z = beta1 z + (1 - beta1) g - (d_t - beta1 d) w;
    weight = -z / d_t."""
    g = _decayed(grad, weight, rescale_grad, wd, clip_grad)
    v *= beta2
    v += (1.0 - beta2) * np.square(g)
    d_t = np.divide(v, 1.0 - beta2 ** t)
    np.sqrt(d_t, out=d_t)
    d_t += epsilon
    d_t *= (1.0 - beta1 ** t) / lr
    z *= beta1
    g *= 1.0 - beta1
    z += g
    d *= beta1
    np.subtract(d_t, d, out=d)  # sigma_t = d_t - beta1 * d_{t-1}
    d *= weight
    z -= d
    d[...] = d_t
    np.divide(z, d_t, out=weight)
    np.negative(weight, out=weight)


def _moments(g, mean, var, beta1, beta2):
    """Update Adam's moving averages of ``g`` and ``g**2`` in place; ``g`` is used as scratch."""
    mean *= beta1
    mean += (1.0 - beta1) * g
    var *= beta2
    np.square(g, out=g)
    g *= 1.0 - beta2
    var += g


def _adam_step(g, mean, var, lr, beta1, beta2, epsilon):
    """Update Adam's moving averages with gradient ``g`` in place, then turn ``g`` (reused as scratch) into
    the step ``lr * mean / (sqrt(var) + epsilon)``."""
    _moments(g, mean, var, beta1, beta2)
    np.sqrt(var, out=g)
    g += epsilon
    np.divide(mean, g, out=g)
    g *= lr


def k_adam(weight, grad, mean, var, lr, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
           clip_gradient=-1.0):
    """g = clip(rescale_grad * grad + wd * weight); mean, var moving averages;
    weight -= lr * mean / (sqrt(var) + epsilon) (bias correction is folded into lr by the optimizer)."""
    g = _decayed(grad, weight, rescale_grad, wd, clip_gradient)
    _adam_step(g, mean, var, lr, beta1, beta2, epsilon)
    weight -= g


def k_adamw(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0,
            clip_gradient=-1.0, grad_inplace=False):
    """AdamW (decoupled decay): weight -= eta * (lr * mean / (sqrt(var) + epsilon) + wd * weight).
    Skipped entirely when rescale_grad is 0, NaN or infinite. MXNet's op leaves the rescaled, clipped
    gradient in ``grad`` (``grad_inplace``)."""
    rescale_grad = float(np.asarray(rescale_grad).reshape(-1)[0])
    if rescale_grad == 0 or not math.isfinite(rescale_grad):
        return
    g = _rescaled(grad, rescale_grad, clip_gradient)
    if grad_inplace:
        grad[...] = g
    _adam_step(g, mean, var, lr, beta1, beta2, epsilon)
    if wd:
        g += wd * weight
    g *= eta
    weight -= g


def k_rmsprop(weight, grad, n, lr, gamma1=0.95, epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
              clip_weights=-1.0):
    """g = clip(rescale_grad * grad + wd * weight); n = (1 - gamma1) g^2 + gamma1 n;
    weight -= lr * g / sqrt(n + epsilon); weight clipped to [-clip_weights, clip_weights] when >= 0."""
    g = _decayed(grad, weight, rescale_grad, wd, clip_gradient)
    n *= gamma1
    n += (1.0 - gamma1) * np.square(g)
    den = np.add(n, epsilon)
    np.sqrt(den, out=den)
    np.divide(g, den, out=g)
    g *= lr
    weight -= g
    if clip_weights is not None and clip_weights >= 0:
        np.clip(weight, -clip_weights, clip_weights, out=weight)


def k_rmspropalex(weight, grad, n, gbar, delta, lr, gamma1=0.95, gamma2=0.9, epsilon=1e-8, wd=0.0,
                  rescale_grad=1.0, clip_gradient=-1.0, clip_weights=-1.0):
    """Centered RMSProp (Graves): n, gbar moving averages of g^2 and g;
    delta = gamma2 delta - lr g / sqrt(n - gbar^2 + epsilon); weight += delta."""
    g = _decayed(grad, weight, rescale_grad, wd, clip_gradient)
    n *= gamma1
    n += (1.0 - gamma1) * np.square(g)
    gbar *= gamma1
    gbar += (1.0 - gamma1) * g
    den = np.square(gbar)
    np.subtract(n, den, out=den)
    den += epsilon
    np.sqrt(den, out=den)
    np.divide(g, den, out=g)
    g *= lr
    delta *= gamma2
    delta -= g
    weight += delta
    if clip_weights is not None and clip_weights >= 0:
        np.clip(weight, -clip_weights, clip_weights, out=weight)


def k_ftrl(weight, grad, z, n, lr, lamda1=0.01, beta=1.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """FTRL-proximal: z += g - (sqrt(n + g^2) - sqrt(n)) * weight / lr; n += g^2;
    weight = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) where |z| > lamda1, else 0."""
    g = _rescaled(grad, rescale_grad, clip_gradient)
    g2 = np.square(g)
    sq_old = np.sqrt(n)
    n += g2
    sq_new = np.sqrt(n, out=g2)
    sq_new -= sq_old
    sq_new *= weight
    sq_new /= lr
    z += g
    z -= sq_new
    np.sqrt(n, out=sq_old)
    sq_old += beta
    sq_old /= lr
    if wd:
        sq_old += wd
    np.sign(z, out=g)
    g *= lamda1
    g -= z
    np.divide(g, sq_old, out=weight)
    weight[np.abs(z) <= lamda1] = 0


def k_lamb_phase1(weight, grad, mean, var, t, wd, beta1=0.9, beta2=0.999, epsilon=1e-6, bias_correction=True,
                  rescale_grad=1.0, clip_gradient=-1.0):
    """LAMB phase 1: returns g = mean_hat / (sqrt(var_hat) + epsilon) + wd * weight (states updated)."""
    g = _rescaled(grad, rescale_grad, clip_gradient)
    _moments(g, mean, var, beta1, beta2)
    if bias_correction:
        np.divide(var, 1.0 - beta2 ** t, out=g)
        np.sqrt(g, out=g)
        g += epsilon
        np.divide(np.divide(mean, 1.0 - beta1 ** t), g, out=g)
    else:
        np.sqrt(var, out=g)
        g += epsilon
        np.divide(mean, g, out=g)
    if wd:
        g += wd * weight
    return g


def k_lamb_phase2(weight, g, r1, r2, lr, lower_bound=-1.0, upper_bound=-1.0):
    """LAMB phase 2: weight -= lr * (r1 / r2) * g, r1 bounded; the ratio is 1 when either norm is 0."""
    r1, r2 = float(r1), float(r2)
    if lower_bound is not None and lower_bound >= 0:
        r1 = max(r1, lower_bound)
    if upper_bound is not None and upper_bound >= 0:
        r1 = min(r1, upper_bound)
    ratio = 1.0 if r1 == 0 or r2 == 0 else r1 / r2
    weight -= (lr * ratio) * g


def k_mp(kernel, weight, grad, weight32, *states, **attrs):
    """Run ``kernel`` on the float32 master copy, then write it back into the (float16) weight."""
    kernel(weight32, grad.astype(np.float32, copy=False), *states, **attrs)
    np.copyto(weight, weight32, casting="unsafe")


# ----------------------------------------------------------------------------- MXNet's update ops
def _run(kernel, weight, *args, **attrs):
    w = weight.copy()
    kernel(w, *args, **attrs)
    return w


@defop()
def sgd_update(weight, grad, *, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True):
    """Update function for Stochastic Gradient Descent (SGD) optimizer."""
    return _run(k_sgd, weight, grad, lr, wd, rescale_grad, clip_gradient)


@defop()
def sgd_mom_update(weight, grad, mom, *, lr, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                   lazy_update=True):
    """Momentum update function for Stochastic Gradient Descent (SGD) optimizer."""
    return _run(k_sgd_mom, weight, grad, mom, lr, momentum, wd, rescale_grad, clip_gradient)


@defop()
def mp_sgd_update(weight, grad, weight32, *, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True):
    """Updater function for multi-precision sgd optimizer."""
    k_sgd(weight32, grad.astype(np.float32), lr, wd, rescale_grad, clip_gradient)
    return weight32.astype(weight.dtype)


@defop()
def mp_sgd_mom_update(weight, grad, mom, weight32, *, lr, momentum=0.0, wd=0.0, rescale_grad=1.0,
                      clip_gradient=-1.0, lazy_update=True):
    """Updater function for multi-precision sgd optimizer."""
    k_sgd_mom(weight32, grad.astype(np.float32), mom, lr, momentum, wd, rescale_grad, clip_gradient)
    return weight32.astype(weight.dtype)


@defop()
def nag_mom_update(weight, grad, mom, *, lr, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """Update function for Nesterov Accelerated Gradient (NAG) optimizer."""
    return _run(k_nag_mom, weight, grad, mom, lr, momentum, wd, rescale_grad, clip_gradient, False)


@defop()
def signsgd_update(weight, grad, *, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """Update function for SignSGD optimizer."""
    return _run(k_signsgd, weight, grad, lr, wd, rescale_grad, clip_gradient)


@defop()
def signum_update(weight, grad, mom, *, lr, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                  wd_lh=0.0):
    """SIGN momentUM (Signum) optimizer."""
    return _run(k_signum, weight, grad, mom, lr, momentum, wd, rescale_grad, clip_gradient, wd_lh)


@defop()
def ftml_update(weight, grad, d, v, z, *, lr, t, beta1=0.6, beta2=0.999, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                clip_grad=-1.0):
    """The FTML optimizer (Follow the Moving Leader)."""
    return _run(k_ftml, weight, grad, d, v, z, lr, t, beta1, beta2, epsilon, wd, rescale_grad, clip_grad)


@defop()
def adam_update(weight, grad, mean, var, *, lr, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                clip_gradient=-1.0, lazy_update=True):
    """Update function for Adam optimizer."""
    return _run(k_adam, weight, grad, mean, var, lr, beta1, beta2, epsilon, wd, rescale_grad, clip_gradient)


@defop(aliases=("_contrib_adamw_update",))
def adamw_update(weight, grad, mean, var, rescale_grad, *, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 wd=0.0, clip_gradient=-1.0):
    """Update function for AdamW optimizer (decoupled weight decay)."""
    return _run(k_adamw, weight, grad, mean, var, rescale_grad, lr, eta, beta1, beta2, epsilon, wd, clip_gradient,
                True)


@defop()
def rmsprop_update(weight, grad, n, *, lr, gamma1=0.95, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0, clip_weights=-1.0):
    """Update function for RMSProp optimizer."""
    return _run(k_rmsprop, weight, grad, n, lr, gamma1, epsilon, wd, rescale_grad, clip_gradient, clip_weights)


@defop()
def rmspropalex_update(weight, grad, n, g, delta, *, lr, gamma1=0.95, gamma2=0.9, epsilon=1e-8, wd=0.0,
                       rescale_grad=1.0, clip_gradient=-1.0, clip_weights=-1.0):
    """Update function for RMSPropAlex optimizer (centered RMSProp)."""
    return _run(k_rmspropalex, weight, grad, n, g, delta, lr, gamma1, gamma2, epsilon, wd, rescale_grad,
                clip_gradient, clip_weights)


@defop()
def ftrl_update(weight, grad, z, n, *, lr, lamda1=0.01, beta=1.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """Update function for Ftrl optimizer."""
    return _run(k_ftrl, weight, grad, z, n, lr, lamda1, beta, wd, rescale_grad, clip_gradient)


@defop()
def lamb_update_phase1(weight, grad, mean, var, *, t, wd, beta1=0.9, beta2=0.999, epsilon=1e-6,
                       bias_correction=True, rescale_grad=1.0, clip_gradient=-1.0):
    """Phase I of lamb update: updates mean and var, returns the step direction g."""
    return k_lamb_phase1(weight, grad, mean, var, t, wd, beta1, beta2, epsilon, bias_correction, rescale_grad,
                         clip_gradient)


@defop()
def lamb_update_phase2(weight, g, r1, r2, *, lr, lower_bound=-1.0, upper_bound=-1.0):
    """Phase II of lamb update: scales g by the trust ratio r1 / r2 and applies it."""
    return _run(k_lamb_phase2, weight, g, r1, r2, lr, lower_bound, upper_bound)


@defop()
def mp_nag_mom_update(weight, grad, mom, weight32, *, lr, momentum=0.0, wd=0.0, rescale_grad=1.0,
                      clip_gradient=-1.0):
    """Update function for multi-precision Nesterov Accelerated Gradient (NAG) optimizer."""
    k_nag_mom(weight32, grad.astype(np.float32), mom, lr, momentum, wd, rescale_grad, clip_gradient, False)
    return weight32.astype(weight.dtype)


@defop(aliases=("_contrib_mp_adamw_update",))
def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, *, lr, eta, beta1=0.9, beta2=0.999,
                    epsilon=1e-8, wd=0.0, clip_gradient=-1.0):
    """Update function for multi-precision AdamW optimizer."""
    k_adamw(weight32, grad.astype(np.float32), mean, var, rescale_grad, lr, eta, beta1, beta2, epsilon, wd,
            clip_gradient)
    return weight32.astype(weight.dtype)


@defop(aliases=("_contrib_group_adagrad_update",))
def group_adagrad_update(weight, grad, history, *, lr, rescale_grad=1.0, clip_gradient=-1.0, epsilon=1e-5):
    """Update function for Group AdaGrad optimizer (one accumulator per row)."""
    g = _rescaled(grad, rescale_grad, clip_gradient)
    history += np.square(g).reshape(g.shape[0], -1).mean(axis=1, dtype=g.dtype).reshape(history.shape)
    w = weight.copy()
    g *= lr
    g /= np.sqrt(history + epsilon).reshape((-1,) + (1,) * (g.ndim - 1))
    w -= g
    return w

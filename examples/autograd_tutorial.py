"""MXNet's autograd tutorial, run on ndgrad: each step prints what the notebook cell displays.

Only the import lines differ from the MXNet original.
"""
import ndgrad as mx  # noqa: F401 - as in the tutorial
from ndgrad import autograd, nd


def show(value):
    """Display a value as a notebook cell does."""
    print(repr(value))


# Basic usage: differentiate f(x) = 2 x^2 with respect to x.
x = nd.array([[1, 2], [3, 4]])
show(x)
x.attach_grad()


def f(x):
    return 2 * x**2


with autograd.record():
    y = f(x)
show((x, y))
y.backward()
show((x, x.grad))  # dy/dx = 4x


# Python control flow: double x until its norm reaches 1000, then pick an element by the sign of the sum.
def f(x):
    x = x * 2
    while x.norm().asscalar() < 1000:
        x = x * 2
    if x.sum().asscalar() >= 0:
        y = x[0]
    else:
        y = x[1]
    return y


x = nd.random.uniform(-1, 1, shape=2)
show(x)
x.attach_grad()
with autograd.record():
    y = f(x)
y.backward()
show(x)
show(x.grad)  # k = 2**n at the picked element, 0 elsewhere

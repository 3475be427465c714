"""Every registered op has a spec in the generic table, or an exemption with a reason; and the
gradient checker itself fails on a deliberately wrong gradient."""
from __future__ import annotations

import numpy as np
import pytest

from ndgrad.ops.registry import OPS, defop, fn
from ndgrad.test_utils import check_gradient

from .spec import all_exemptions, all_specs


def test_every_registered_op_has_a_spec():
    covered = {s.name for s in all_specs()}
    exempt = all_exemptions()
    missing = sorted(set(OPS) - covered - set(exempt))
    assert not missing, f"ops without a spec in tests/ops/specs/: {missing}"
    assert all(reason.strip() for reason in exempt.values())


def test_specs_name_registered_ops():
    unknown = sorted({s.name for s in all_specs()} - set(OPS))
    assert not unknown, f"specs for ops that are not registered: {unknown}"


@pytest.fixture
def wrong_op():
    """An op whose forward is x**2 but whose 'gradient' is x (should be 2x)."""
    name = "_test_wrong_square"
    defop(name, vjp=lambda n, g: g * n.inputs[0])(lambda data: data * data)
    yield getattr(fn, name)
    del OPS[name]
    delattr(fn, name)


def test_checker_rejects_a_wrong_gradient(wrong_op):
    x = np.random.default_rng(0).uniform(0.5, 2, size=(3,))
    with pytest.raises(AssertionError):
        check_gradient(wrong_op, [x])


def test_checker_rejects_a_wrong_gradient_on_large_inputs(wrong_op):
    x = np.random.default_rng(0).uniform(0.5, 2, size=(20, 20))
    with pytest.raises(AssertionError):
        check_gradient(wrong_op, [x], full_jacobian_max=0)

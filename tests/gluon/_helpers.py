"""Shared helpers of the Gluon tests: golden data and Parameter loading without an initializer."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ndgrad import nd

DATA = Path(__file__).resolve().parents[1] / "data" / "gluon"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "mxnet-files"


def golden(name: str) -> tuple[dict, dict]:
    """(metadata json, arrays) of a golden set recorded by tests/data/gluon/generate.py."""
    meta_path = DATA / f"{name}.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    arrays = dict(np.load(DATA / f"{name}.npz"))
    return meta, arrays


def set_params(block, values: dict) -> None:
    """Load ``{structural name: numpy array}`` into ``block``'s Parameters (completing unknown shapes)."""
    params = block._collect_params_with_prefix()
    assert set(params) == set(values), (sorted(params), sorted(values))
    for name, value in values.items():
        params[name]._load_init(nd.array(value, dtype=value.dtype), None)


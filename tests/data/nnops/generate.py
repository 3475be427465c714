"""Record MXNet 1.9.1's outputs and gradients for the cases in cases.py (run with MXNet's venv):

    /work/main/.venv-mxnet/bin/python tests/data/nnops/generate.py
"""
import sys
from pathlib import Path

import mxnet as mx
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from cases import CASES, run  # noqa: E402


def main():
    out = {}
    for case in CASES:
        print(case.name, flush=True)
        for key, val in run(mx, case).items():
            out[f"{case.name}/{key}"] = val
    np.savez_compressed(HERE / "mxnet_1.9.1.npz", **out)
    print(f"recorded {len(CASES)} cases, {len(out)} arrays")


if __name__ == "__main__":
    main()

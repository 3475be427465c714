"""Regenerate every golden file of this folder from real MXNet 1.9.1.

    /work/main/.venv-mxnet/bin/python tests/data/optdata/generate.py
"""
import os
import runpy

HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ == "__main__":
    for name in sorted(os.listdir(HERE)):
        if name.startswith("gen_") and name.endswith(".py"):
            runpy.run_path(os.path.join(HERE, name), run_name="__main__")

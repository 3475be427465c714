"""Record what the real MXNet 1.9.1 displays for each seed-tutorial cell (run with the MXNet venv):

    .venv-mxnet/bin/python tests/data/seed/generate.py ../shared/seed/autograd_tutorial.txt
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "seed"))
from notebook import run_notebook

import mxnet

cells = run_notebook(Path(sys.argv[1]).read_text(), "mxnet")
out = Path(__file__).with_name("autograd_tutorial.mxnet-1.9.1.json")
out.write_text(json.dumps({"mxnet": mxnet.__version__, "cells": cells}, indent=1) + "\n")
print(f"wrote {out} ({len(cells)} cells)")

"""The main job: MXNet's autograd tutorial on ndgrad, then the Gluon training demo."""
import runpy
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    print("== MXNet autograd tutorial on ndgrad ==")
    runpy.run_path(str(HERE / "autograd_tutorial.py"), run_name="__main__")
    demo = HERE / "train_digits.py"
    if demo.exists():
        print("\n== Gluon training demo: LeNet on scikit-learn's digits ==")
        runpy.run_path(str(demo), run_name="__main__")

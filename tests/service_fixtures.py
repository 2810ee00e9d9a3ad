"""A model file the example notebook's serve cells can load, trained the quick way (a logistic
regression instead of the notebook's forest) in a separate interpreter, as a run would."""

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_TRAIN = (
    "import joblib, sys\n"
    "from sklearn.datasets import load_iris\n"
    "from sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "iris = load_iris()\n"
    "features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']\n"
    "model = (RandomForestClassifier(n_estimators=5, random_state=0) if sys.argv[2:]"
    " else LogisticRegression(max_iter=500)).fit(iris.data, iris.target)\n"
    "joblib.dump({'model': model, 'features': features,"
    " 'classes': [str(c) for c in iris.target_names]}, sys.argv[1])\n"
)


def train_iris_model(model_dir: Path, forest: bool = False) -> None:
    """Write `model/model.joblib` under `model_dir`, laid out as the example's config says;
    `forest`: a small random forest, as the notebook trains (it computes in float32)."""
    (model_dir / "model").mkdir(parents=True, exist_ok=True)
    kind = ["forest"] if forest else []
    subprocess.run(
        [sys.executable, "-c", _TRAIN, str(model_dir / "model" / "model.joblib"), *kind],
        check=True,
    )

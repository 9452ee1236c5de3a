"""A random forest on scikit-learn's bundled digits: its validation log loss and accuracy, and its size.

Usage: python train.py PARAMS_JSON RESULTS_JSON
Writes {"val": {"log_loss": ..., "accuracy": ...}, "nodes": ...}: `nodes`, the number of tree
nodes in the whole forest, is what the config's at_most("nodes", 2000) bounds.
"""

import json
import sys

from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split

params_path, results_path = sys.argv[1], sys.argv[2]
with open(params_path) as f:
    params = json.load(f)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
model = RandomForestClassifier(n_estimators=params["n_estimators"], max_depth=params["max_depth"],
                               min_samples_leaf=params["min_samples_leaf"],
                               max_features=params["max_features"], random_state=0, n_jobs=1)
model.fit(X_train, y_train)
results = {
    "val": {"log_loss": log_loss(y_val, model.predict_proba(X_val)),
            "accuracy": accuracy_score(y_val, model.predict(X_val))},
    "nodes": sum(tree.tree_.node_count for tree in model.estimators_),
}
with open(results_path, "w") as f:
    json.dump(results, f)

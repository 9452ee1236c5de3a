"""A small neural network trained epoch by epoch on scikit-learn's bundled digits, reporting each epoch.

Usage: python train.py PARAMS_JSON RESULTS_JSON
hypered.report tells the study the validation loss after every epoch; with
early_stopping=asha(...) in the config, the study stops the trials that fall behind.
Run on its own (outside hypered), report does nothing and the script trains to the end.
"""

import json
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import hypered

EPOCHS = 20
threadpool_limits(1)  # a tiny network: more threads only slow it down (and its neighbours)

params_path, results_path = sys.argv[1], sys.argv[2]
with open(params_path) as f:
    params = json.load(f)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
classes = np.unique(y)

model = MLPClassifier(hidden_layer_sizes=(params["hidden"],), alpha=params["alpha"],
                      learning_rate_init=params["learning_rate"], batch_size=64, random_state=0)
val_loss = float("inf")
for epoch in range(1, EPOCHS + 1):
    model.partial_fit(X_train, y_train, classes=classes)  # one epoch of mini-batches
    val_loss = float(log_loss(y_val, model.predict_proba(X_val), labels=classes))
    hypered.report(epoch, val_loss=val_loss)  # a stopped trial's process ends here (SIGTERM)

with open(results_path, "w") as f:
    json.dump({"val_loss": val_loss, "val_accuracy": float(model.score(X_val, y_val))}, f)

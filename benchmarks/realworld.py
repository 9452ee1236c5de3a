"""Real-world problems: scikit-learn models cross-validated on datasets bundled with scikit-learn.

Each loss takes the params and a `np.random.Generator`. The noisy ones draw their CV split and
the model's random_state from it (a new draw per evaluation, as a user re-running a script
would see); the deterministic ones ignore it. Losses are lower-is-better: 1 - R^2 for
regression, log loss or error rate for classification. Every evaluation stays under ~0.3 s.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
from sklearn import datasets
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, LogisticRegression, SGDClassifier
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import hypered as hp

Params = dict[str, Any]


@functools.cache
def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name == "digits_small":  # 360 digits keep an SVC with calibrated probabilities fast
        X, y = datasets.load_digits(return_X_y=True)
        return X[:360] / 16.0, y[:360]
    loader = {"diabetes": datasets.load_diabetes, "breast_cancer": datasets.load_breast_cancer,
              "wine": datasets.load_wine, "digits": datasets.load_digits}[name]
    X, y = loader(return_X_y=True)
    return X, y


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31 - 1))


def _cv(model: Any, data: str, scoring: str, folds: Any) -> float:
    X, y = _data(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return float(np.mean(cross_val_score(model, X, y, cv=folds, scoring=scoring)))


# Noisy: a decision tree's split of tied features and the CV split change with every run.

def tree_regression(p: Params, rng: np.random.Generator) -> float:
    model = DecisionTreeRegressor(
        max_depth=p["max_depth"], min_samples_leaf=p["min_samples_leaf"],
        min_samples_split=p["min_samples_split"], max_features=p["max_features"],
        criterion=p["criterion"], random_state=_seed(rng))
    return 1.0 - _cv(model, "diabetes", "r2", KFold(5, shuffle=True, random_state=_seed(rng)))


def tree_classifier(p: Params, rng: np.random.Generator) -> float:
    model = DecisionTreeClassifier(
        max_depth=p["max_depth"], min_samples_leaf=p["min_samples_leaf"],
        max_features=p["max_features"], criterion=p["criterion"],
        class_weight="balanced" if p["balanced"] else None, random_state=_seed(rng))
    folds = StratifiedKFold(5, shuffle=True, random_state=_seed(rng))
    return 1.0 - _cv(model, "breast_cancer", "accuracy", folds)


def random_forest(p: Params, rng: np.random.Generator) -> float:
    model = RandomForestClassifier(
        n_estimators=p["n_estimators"], max_depth=p["max_depth"], max_features=p["max_features"],
        min_samples_leaf=p["min_samples_leaf"], bootstrap=p["bootstrap"], random_state=_seed(rng))
    folds = StratifiedKFold(3, shuffle=True, random_state=_seed(rng))
    return -_cv(model, "wine", "neg_log_loss", folds)


def svc_calibrated(p: Params, rng: np.random.Generator) -> float:
    svc = SVC(C=p["C"], gamma=p["gamma"], kernel=p["kernel"], shrinking=p["shrinking"])
    calibration = StratifiedKFold(2, shuffle=True, random_state=_seed(rng))  # Platt scaling's folds
    model = make_pipeline(StandardScaler(), CalibratedClassifierCV(svc, cv=calibration, ensemble=False))
    folds = StratifiedKFold(3, shuffle=True, random_state=_seed(rng))
    return -_cv(model, "digits_small", "neg_log_loss", folds)


def sgd_classifier(p: Params, rng: np.random.Generator) -> float:
    model = make_pipeline(StandardScaler(), SGDClassifier(
        loss=p["loss"], alpha=p["alpha"], l1_ratio=p["l1_ratio"], penalty="elasticnet",
        average=p["average"], max_iter=p["max_iter"], tol=None, random_state=_seed(rng)))
    folds = StratifiedKFold(3, shuffle=True, random_state=_seed(rng))
    return 1.0 - _cv(model, "breast_cancer", "accuracy", folds)


# Deterministic: fixed folds, models without randomness.

_FIXED_FOLDS = KFold(5, shuffle=True, random_state=0)
_FIXED_STRATIFIED = StratifiedKFold(5, shuffle=True, random_state=0)


def lasso(p: Params, rng: np.random.Generator) -> float:
    model = make_pipeline(
        PolynomialFeatures(p["degree"], include_bias=False), StandardScaler(),
        ElasticNet(alpha=p["alpha"], l1_ratio=p["l1_ratio"], fit_intercept=p["fit_intercept"],
                   max_iter=p["max_iter"], tol=1e-3))
    return 1.0 - _cv(model, "diabetes", "r2", _FIXED_FOLDS)


def logistic(p: Params, rng: np.random.Generator) -> float:
    model = make_pipeline(StandardScaler() if p["scale"] else "passthrough", LogisticRegression(
        C=p["C"], l1_ratio=p["l1_ratio"], solver="saga", max_iter=p["max_iter"],
        class_weight="balanced" if p["balanced"] else None, tol=1e-3,
        random_state=0))  # saga shuffles the data: without a seed the loss moves by ~1e-4
    return -_cv(model, "wine", "neg_log_loss", _FIXED_STRATIFIED)


def knn(p: Params, rng: np.random.Generator) -> float:
    model = make_pipeline(StandardScaler() if p["scale"] else "passthrough", KNeighborsClassifier(
        n_neighbors=p["n_neighbors"], weights=p["weights"], p=p["p"]))
    return -_cv(model, "wine", "neg_log_loss", _FIXED_STRATIFIED)


REAL_PROBLEMS: list[tuple[str, Params, Any, bool]] = [  # name, space, loss, noisy
    ("tree_regression", {
        "max_depth": hp.integer(1, 20), "min_samples_leaf": hp.integer(1, 100, log=True),
        "min_samples_split": hp.integer(2, 100, log=True), "max_features": hp.real(0.1, 1.0),
        "criterion": hp.categorical(["squared_error", "absolute_error", "poisson"]),
    }, tree_regression, True),
    ("tree_classifier", {
        "max_depth": hp.integer(1, 20), "min_samples_leaf": hp.integer(1, 100, log=True),
        "max_features": hp.real(0.05, 1.0), "criterion": hp.categorical(["gini", "entropy"]),
        "balanced": hp.categorical([False, True]),
    }, tree_classifier, True),
    ("random_forest", {
        "n_estimators": hp.integer(5, 60, log=True), "max_depth": hp.integer(1, 12),
        "max_features": hp.real(0.05, 1.0), "min_samples_leaf": hp.integer(1, 30, log=True),
        "bootstrap": hp.categorical([True, False]),
    }, random_forest, True),
    ("svc_calibrated", {
        "C": hp.real(1e-3, 1e3, log=True), "gamma": hp.real(1e-5, 1.0, log=True),
        "kernel": hp.categorical(["rbf", "sigmoid"]), "shrinking": hp.categorical([True, False]),
    }, svc_calibrated, True),
    ("sgd_classifier", {
        "loss": hp.categorical(["hinge", "log_loss", "modified_huber"]),
        "alpha": hp.real(1e-6, 1.0, log=True), "l1_ratio": hp.real(0.0, 1.0),
        "average": hp.categorical([False, True]), "max_iter": hp.integer(5, 200, log=True),
    }, sgd_classifier, True),
    ("lasso", {
        "alpha": hp.real(1e-4, 10.0, log=True), "l1_ratio": hp.real(0.0, 1.0),
        "degree": hp.integer(1, 3), "fit_intercept": hp.categorical([True, False]),
        "max_iter": hp.integer(10, 1000, log=True),
    }, lasso, False),
    ("logistic", {
        "C": hp.real(1e-4, 1e4, log=True), "l1_ratio": hp.real(0.0, 1.0),
        "max_iter": hp.integer(5, 500, log=True), "balanced": hp.categorical([False, True]),
        "scale": hp.categorical([True, False]),
    }, logistic, False),
    ("knn", {
        "n_neighbors": hp.integer(1, 60, log=True), "weights": hp.categorical(["uniform", "distance"]),
        "p": hp.real(1.0, 3.0), "scale": hp.categorical([False, True]),
    }, knn, False),
]

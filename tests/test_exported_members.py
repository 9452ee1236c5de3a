import hypered


def test_all_is_exactly_the_documented_api() -> None:
    documented = ["StoredStudy", "Trial", "TrialPruned", "TrialState", "asha", "at_least", "at_most", "categorical", "device_id", "experiment_dir",
                  "integer", "load_study", "maximize", "minimize", "optimize", "params_path", "real",
                  "report", "results_path"]
    assert hypered.__all__ == sorted(hypered.__all__) == documented


def test_every_public_name_is_exported() -> None:
    public = {name for name in dir(hypered)
              if not name.startswith("_") and callable(getattr(hypered, name))}
    assert public == set(hypered.__all__)

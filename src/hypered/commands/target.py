"""What a subcommand's STUDY argument names: a study folder, or the study folders of a config file."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import StudyReadError
from ..storage import StoredStudy, read_study


def add_study_arguments(parser: argparse.ArgumentParser) -> None:
    """STUDY, and --name/--dir for a config file (as `hypered CONFIG --dir` places its studies)."""
    parser.add_argument("study", metavar="STUDY",
                        help="a study folder (e.g. experiments/demo) or the config file that ran it")
    parser.add_argument("--name", metavar="NAME",
                        help="for a config of several optimize() calls: the study of that name")
    parser.add_argument("--dir", metavar="DIR",
                        help="for a config: the folder holding its study folders, as given to "
                             "`hypered CONFIG --dir` (default: the config's directory= or ./experiments)")


def study_folders(target: str, name: str | None = None, directory: str | None = None) -> list[Path]:
    """The study folders `target` names: itself if a folder, else those of the config file's optimize() calls.

    A config is read, never run: each study is `<directory>/<name>` as a run of it places it.
    """
    path = Path(target)
    if path.is_dir():
        if name is not None or directory is not None:
            raise StudyReadError(f"{target}: --name and --dir are for a config file; this is a study folder")
        return [path]
    if not path.exists():
        raise StudyReadError(f"{target}: no such study folder or config file")
    from ..config import read_config  # only here: the config modules load the optimizer

    folders: dict[str, Path] = {}
    for call in read_config(path):
        study = call.arguments.get("name")
        if not isinstance(study, str) or not study:
            raise call.error("optimize() needs name= (a string) to find its study")
        where = directory if directory is not None else call.arguments.get("directory", "experiments")
        folders[study] = Path(os.fspath(where)) / study
    if name is None:
        return list(folders.values())
    if name not in folders:
        raise StudyReadError(f"{target}: no optimize() call with name={name!r}; it names "
                             f"{', '.join(map(repr, folders))}")
    return [folders[name]]


def one_study(target: str, name: str | None, directory: str | None) -> StoredStudy:
    """The one study `target` names (a config of several needs --name)."""
    folders = study_folders(target, name, directory)
    if len(folders) > 1:
        names = ", ".join(folder.name for folder in folders)
        raise StudyReadError(f"{target}: this config names {len(folders)} studies ({names}); "
                             "pick one with --name")
    return read_study(folders[0])

"""CITATION.cff and LICENSE at the repository root agree with the code."""

import re
from pathlib import Path

import yaml

import schoolsim

REPO = Path(__file__).resolve().parents[2]


def test_citation_file_names_the_version_of_the_code_and_the_model_description():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert {"cff-version", "message", "title", "authors"} <= set(cff)  # required by CFF 1.2.0
    project = re.search(r"project\(schoolsim VERSION (\S+)", (REPO / "CMakeLists.txt").read_text())
    assert cff["version"] == project.group(1) == schoolsim.__version__
    assert cff["authors"] == [{"name": "schoolsim developers"}]
    (model,) = cff["references"]
    assert {"type", "title", "authors"} <= set(model) and "model description" in model["title"]
    assert cff["license"] == "MIT"
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")

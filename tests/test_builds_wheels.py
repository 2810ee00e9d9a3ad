"""Wheels resolved on the host for the image's Python and platform (the real package index)."""

from pathlib import Path

import pytest

from jupyter_deploy.builds.wheels import ResolveError, lock_hash, lock_text, resolve_wheels


def test_pinned_requirements_and_their_dependencies_become_the_lock(tmp_path: Path) -> None:
    wheels = resolve_wheels(["joblib==1.6.0", "threadpoolctl==3.8.0"], tmp_path / "wheels")
    names = {w.name.lower(): w.version for w in wheels}
    assert names["joblib"] == "1.6.0"
    assert names["threadpoolctl"] == "3.8.0"
    assert all(w.file.is_file() and w.file.suffix == ".whl" for w in wheels)
    assert "joblib==1.6.0\n" in lock_text(wheels)
    again = resolve_wheels(["threadpoolctl==3.8.0", "joblib==1.6.0"], tmp_path / "wheels")
    assert lock_hash(again) == lock_hash(wheels)


def test_an_impossible_requirement_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ResolveError) as caught:
        resolve_wheels(["joblib==0.0.0.1"], tmp_path / "wheels")
    assert "no binary wheels for Python 3.11 on Linux" in caught.value.message
    assert "joblib==0.0.0.1" in caught.value.message

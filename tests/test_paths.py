import os
from pathlib import Path

import pytest

from jupyter_deploy.errors import Forbidden, InvalidInput
from jupyter_deploy.paths import relative_to_root, resolve_inside


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "root" / "project").mkdir(parents=True)
    (tmp_path / "root-other").mkdir()
    return tmp_path / "root"


def test_inside_paths_resolve(root: Path) -> None:
    assert resolve_inside(root, "") == root.resolve()
    assert resolve_inside(root, "project") == (root / "project").resolve()
    assert (
        resolve_inside(root, "project/../project/x.ipynb")
        == (root / "project" / "x.ipynb").resolve()
    )


@pytest.mark.parametrize("bad", ["..", "../root-other", "project/../../root-other/x", "../root"])
def test_escapes_are_forbidden(root: Path, bad: str) -> None:
    if bad == "../root":
        # Going out and back in lands inside the root again: allowed.
        assert resolve_inside(root, bad) == root.resolve()
        return
    with pytest.raises(Forbidden, match="outside the Jupyter root"):
        resolve_inside(root, bad)


def test_sibling_with_common_prefix_is_outside(root: Path) -> None:
    # "/x/root-other" starts with "/x/root": a plain startswith() check would let it through.
    with pytest.raises(Forbidden):
        resolve_inside(root, "../root-other")


def test_symlink_out_of_root_is_forbidden(root: Path, tmp_path: Path) -> None:
    os.symlink(tmp_path / "root-other", root / "link")
    with pytest.raises(Forbidden):
        resolve_inside(root, "link")


@pytest.mark.parametrize("bad", ["/etc/passwd", "~/x", "a\0b"])
def test_malformed_paths_are_invalid(root: Path, bad: str) -> None:
    with pytest.raises(InvalidInput):
        resolve_inside(root, bad)


def test_relative_to_root(root: Path) -> None:
    assert relative_to_root(root, root) == ""
    assert relative_to_root(root, root / "project") == "project"

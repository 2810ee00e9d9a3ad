"""The house's rules, read from the source with `ast` (nothing of the package is imported but
the two lists the model image is made from), so they fail when the layering erodes:

- the core never imports the web stack nor the faces built on it (server/, cli/);
- the runtime imports only what its image holds (docs/contract.md, "Model server");
- the targets import only their own package and the small shared pieces;
- no source file grows over 400 lines."""

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import jupyter_deploy
from jupyter_deploy.builds.image import RUNTIME_FILES
from jupyter_deploy.builds.pipeline import RUNTIME_PACKAGES

PACKAGE = Path(jupyter_deploy.__file__).resolve().parent
ROOT = PACKAGE.name
MAX_LINES = 400

# The faces: the Jupyter server extension, the command line and the built frontend.
FACES = ("server", "cli", "labextension")
WEB_STACK = ("tornado", "jupyter_server", f"{ROOT}.server", f"{ROOT}.cli")
# jupyter_server finds the extension through this hook of the package's own __init__; it runs
# only inside a Jupyter server, which has the web stack already.
EXTENSION_HOOK = ("__init__.py", f"{ROOT}.server.app")

# What targets may use of the package besides their own: clock, free ports and process trees,
# errors, atomic files, paths, the event sink, and what an image promises whoever runs it.
SHARED = ("clock", "processes", "errors", "atomic", "paths", "events", "image_contract")


@dataclass(frozen=True)
class Import:
    module: str  # absolute, relative imports resolved
    line: int
    # Run when the importing module is imported: not in a function, not under TYPE_CHECKING.
    eager: bool


def sources(under: str = "") -> list[Path]:
    """The package's Python files below `under`, the built frontend aside."""
    return sorted(
        path
        for path in (PACKAGE / under).rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "labextension"
    )


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_file(module: str) -> Path | None:
    """The file of a module of the package; None for another package's or a name inside one."""
    if module != ROOT and not module.startswith(ROOT + "."):
        return None
    base = PACKAGE.parent.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imports(path: Path) -> list[Import]:
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    visitor = _Imports(package)
    visitor.visit(ast.parse(path.read_text(), str(path)))
    return visitor.found


class _Imports(ast.NodeVisitor):
    def __init__(self, package: str) -> None:
        self.package = package
        self.deferred = 0
        self.found: list[Import] = []

    def _later(self, node: ast.AST) -> None:
        self.deferred += 1
        self.generic_visit(node)
        self.deferred -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _later

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
        if name != "TYPE_CHECKING":
            self.generic_visit(node)
            return
        self.deferred += 1
        for statement in node.body:
            self.visit(statement)
        self.deferred -= 1
        for statement in node.orelse:
            self.visit(statement)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            parts = self.package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1])
            module = f"{base}.{module}" if module else base
        self._add(module, node)
        for alias in node.names:  # `from . import v2`: the name is a module of its own
            if module_file(f"{module}.{alias.name}") is not None:
                self._add(f"{module}.{alias.name}", node)

    def _add(self, module: str, node: ast.stmt) -> None:
        self.found.append(Import(module, node.lineno, eager=self.deferred == 0))


def within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def where(path: Path, line: int | None = None) -> str:
    rel = path.relative_to(PACKAGE).as_posix()
    return rel if line is None else f"{rel}:{line}"


def test_the_core_never_imports_the_web_stack_or_the_faces() -> None:
    core = [p for p in sources() if p.relative_to(PACKAGE).parts[0] not in FACES]
    offences = [
        f"{where(path, i.line)} imports {i.module}"
        for path in core
        for i in imports(path)
        if within(i.module, *WEB_STACK) and (where(path), i.module) != EXTENSION_HOOK
    ]
    assert not offences, "\n".join(offences)


def test_the_runtime_imports_only_what_its_image_holds() -> None:
    """Followed through the package: a module of jupyter_deploy the runtime imports must be in
    RUNTIME_FILES, and so must what importing it runs; anything else must be the standard
    library or one of the packages the image installs for the model server."""
    installed = {name.replace("-", "_") for name in RUNTIME_PACKAGES}
    runtime = PACKAGE / "runtime"
    queue, seen, offences = sources("runtime"), set[Path](), list[str]()
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        if path.relative_to(PACKAGE).parts[0] not in RUNTIME_FILES:
            offences.append(f"{where(path)} is imported by the runtime, not in RUNTIME_FILES")
        ours = path.is_relative_to(runtime)
        for i in imports(path):
            if not (ours or i.eager):
                continue  # beyond runtime/, only what importing the module runs
            top = i.module.partition(".")[0]
            if top == ROOT:
                # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
                parents = i.module.split(".")
                names = [".".join(parents[:n]) for n in range(1, len(parents) + 1)]
                queue += [f for f in map(module_file, names) if f is not None]
            elif top not in sys.stdlib_module_names and top not in installed:
                offences.append(
                    f"{where(path, i.line)} imports {i.module}: neither the standard library"
                    f" nor installed in the image ({', '.join(RUNTIME_PACKAGES)})"
                )
    assert not offences, "\n".join(offences)


def test_targets_import_only_their_package_and_the_shared_pieces() -> None:
    allowed = (f"{ROOT}.targets", *(f"{ROOT}.{name}" for name in SHARED))
    offences = [
        f"{where(path, i.line)} imports {i.module}"
        for path in sources("targets")
        for i in imports(path)
        if within(i.module, ROOT) and i.module != ROOT and not within(i.module, *allowed)
    ]
    assert not offences, "\n".join(offences)


def test_no_source_file_is_over_400_lines() -> None:
    sizes = {where(path): len(path.read_text().splitlines()) for path in sources()}
    offences = [f"{rel}: {n} lines" for rel, n in sizes.items() if n > MAX_LINES]
    assert not offences, "split these by job:\n" + "\n".join(offences)

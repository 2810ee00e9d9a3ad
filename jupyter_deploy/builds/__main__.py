"""`python -m jupyter_deploy.builds PROJECT_DIR BUILD_ID`: a build's worker process."""

import sys

# jsonschema (under nbformat) compiles an IRI grammar at import when rfc3987-syntax is installed:
# a second of every build's start, for format checks a build never makes.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from .worker import main  # noqa: E402

main()

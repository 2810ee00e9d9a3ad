"""The model server ships alone in its image and names its variables itself; whoever runs it
(the targets, the build's smoke test) reads the names from image_contract.py. They must agree,
or secrets and model files would be put where the model server never looks."""

from jupyter_deploy import image_contract
from jupyter_deploy.runtime import main as runtime


def test_the_runtime_reads_the_variables_its_runners_set() -> None:
    assert image_contract.SECRETS_DIR_ENV == runtime.SECRETS_DIR_ENV
    assert image_contract.MODEL_DIR_ENV == runtime.MODEL_DIR_ENV


def test_a_model_inherits_what_an_interpreter_needs_and_no_credentials() -> None:
    environ = {"PATH": "/bin", "LC_ALL": "C", "JUPYTER_TOKEN": "t", "AWS_SECRET_ACCESS_KEY": "s"}
    assert image_contract.model_environment(environ) == {"PATH": "/bin", "LC_ALL": "C"}

"""Argument types for the command line, built from the same constrained types as the REST
request models (`jupyter_deploy.fields`): both edges refuse the same input in the same words."""

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from ..errors import InvalidInput
from ..fields import check


def typed(annotation: Any, what: str) -> Callable[[str], Any]:
    """An argparse `type=`: the text validated as `annotation`. argparse names the argument in
    front of the message; the value itself is never repeated."""

    def parse(text: str) -> Any:
        try:
            return check(annotation, text, what)
        except InvalidInput as exc:
            raise argparse.ArgumentTypeError(exc.message.split(": ", 1)[-1]) from None

    parse.__name__ = what  # what argparse would call the type in its own messages
    return parse


class Parser(argparse.ArgumentParser):
    """One line on stderr for a refused argument (`--help` has the usage); subcommands are
    made of the same class."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")

"""One way for the core to tell what happened: `emit(topic, payload)` on an EventSink.

Topics are "run", "build" and "deployment". Payloads are plain JSON-able dicts; each face turns
them into what it shows (Jupyter's event bus in the server, progress lines in the CLI). A sink
must not raise into the core: `Fanout` logs a failing subscriber and goes on."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

Payload = dict[str, Any]
Subscriber = Callable[[str, Payload], None]  # (topic, payload)
log = logging.getLogger(__name__)


class EventSink(Protocol):
    def emit(self, topic: str, payload: Payload) -> None: ...


class Fanout:
    """An EventSink that hands every event to each subscriber, in the emitting thread."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def emit(self, topic: str, payload: Payload) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(topic, payload)
            except Exception:
                log.exception("jupyter_deploy: a %s event subscriber failed", topic)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add `subscriber`; the answer removes it again."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    @contextmanager
    def watching(self, subscriber: Subscriber) -> Iterator[None]:
        """`subscriber` receives events for the duration of the block."""
        unsubscribe = self.subscribe(subscriber)
        try:
            yield
        finally:
            unsubscribe()


class Discard:
    """An EventSink for code that nobody watches."""

    def emit(self, topic: str, payload: Payload) -> None:
        pass

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from trialsieve.app.catalog import Catalog
from trialsieve.app.ui import Services
from trialsieve.index.search import TrialIndex
from trialsieve.match.concepts import ConceptMatcher


@pytest.fixture(scope="session")
def services(built, embedder, tagger) -> Services:
    """The app's services over the test index (two seed trials, three ClinicalTrials.gov records)."""
    return Services(Catalog(TrialIndex(built, embedder), tagger), tagger, ConceptMatcher(embedder))


@contextmanager
def serving(services: Services) -> Iterator[str]:
    """The real app over ``services``, on a free loopback port; its URL, and closed after."""
    from trialsieve.app.server import launch

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = launch(services, port=port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="session")
def app_url(services):
    """The real app, served on a free loopback port for the whole session."""
    with serving(services) as url:
        yield url

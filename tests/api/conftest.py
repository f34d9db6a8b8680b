"""The API suites' fixtures: an app over a temporary database (constants and helpers: ``tests.api.helpers``)."""

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import make_settings


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory):
    return make_settings(tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def client(app_settings):
    from api.app import create_app

    with TestClient(create_app(app_settings)) as test_client:
        test_client.app.state.warm_up.wait()  # health answers 503 "warming" until the start-up warm-up is done
        yield test_client

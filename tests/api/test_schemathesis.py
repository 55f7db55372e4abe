"""The app against its own OpenAPI document (schemathesis): no 5xx, no schema violation.

Runs in process on a copy of the UN store, with a reader key (admin routes answer 403,
which is checked too: loading lists from generated URLs would reach out to the network),
then without a key (401 everywhere it is needed). Each operation gets a few generated
requests so that the whole file stays fast.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import schemathesis  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Keys, TestClient  # noqa: E402

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 15


def run_operations(app: Any, headers: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    labels = []
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
    return labels


@pytest.mark.parametrize("role", ["reader", None])
def test_api_conforms_to_its_openapi(
    client: TestClient, keys: Keys, role: str | None, db: Path
) -> None:
    headers = keys.h(role) if role else {}
    labels = run_operations(client.app, headers)
    assert "POST /screen" in labels and "GET /entities/{entity_id}" in labels and len(labels) >= 12

"""Text that may be an invitation card's code, typed by hand."""

from __future__ import annotations

import pytest

from bot.domain.invites import looks_like_code, normalize_code


@pytest.mark.parametrize(
    "text",
    [
        "7k3mx-q9tz2-hw4ra-b8nd5",
        "7K3MX Q9TZ2 HW4RA B8ND5",
        "7k3mxq9tz2hw4rab8nd5",
        "7k3mx q9tz2 hw4ra b8nd",
    ],
)
def test_code_like(text: str) -> None:
    assert looks_like_code(text)


@pytest.mark.parametrize(
    "text", ["halo", "ya", "150000", "rong puluh ewu", "saya mau daftar", "081300002001234"]
)
def test_not_code_like(text: str) -> None:
    assert not looks_like_code(text)


def test_typed_forms_normalise_to_the_code() -> None:
    assert normalize_code("7K3MX Q9TZ2 HW4RA B8ND5") == "7k3mx-q9tz2-hw4ra-b8nd5"

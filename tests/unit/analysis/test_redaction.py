"""Redaction: each secret class becomes a stable placeholder and reads back exactly."""

from __future__ import annotations

import pytest

from cockpit.analysis.redaction import Redactor

CASES = [
    ("Authorization: Bearer abcdef123456789xyz", "Bearer <TOKEN_1>"),
    ("postgres://app:s3cr3tP4ss@db.internal:5432/app", "postgres://app:<PASSWORD_1>@db"),
    ("user alice@example.com from 10.0.3.56", "user <EMAIL_1> from <IP_1>"),
    ("ipv6 fe80::1:2:3 seen", "ipv6 <IP_1> seen"),
    ("AKIAIOSFODNN7EXAMPLE", "<AWS_KEY_1>"),
    ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
     "aws_secret_access_key=<SECRET_1>"),
    ("token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N", "token=<JWT_1>"),
    ("key sk-proj-abcdefghijklmnopqrstuvwx", "key <API_KEY_1>"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----", "<PRIVATE_KEY_1>"),
    ("password: hunter22", "password: <SECRET_1>"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_secret_is_replaced_and_restored(text: str, expected: str) -> None:
    r = Redactor()
    out = r.redact(text)
    assert expected in out
    assert r.restore(out) == text


def test_placeholders_are_stable_and_names_optional() -> None:
    r = Redactor(names=[("POD", "api-gateway-7d9f-abcde"), ("NAMESPACE", "production")])
    a = r.redact("10.0.0.1 then api-gateway-7d9f-abcde in production")
    b = r.redact("again 10.0.0.1 and api-gateway-7d9f-abcde")
    assert a == "<IP_1> then <POD_1> in <NAMESPACE_1>" and b == "again <IP_1> and <POD_1>"
    assert Redactor().redact("times 10:29:50 and status=200 stay") == \
        "times 10:29:50 and status=200 stay"

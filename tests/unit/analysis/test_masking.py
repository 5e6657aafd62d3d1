"""The masking table: each class of variable becomes its placeholder, words stay words."""

from __future__ import annotations

import pytest

from cockpit.analysis.masking import mask, masker

CASES = [
    # IPv4 / IPv6, with ports
    ("connect to 10.0.3.17:5432 failed", "connect to <IP> failed"),
    ("peer 192.168.1.1 and net 10.0.0.0/16", "peer <IP> and net <IP>"),
    ("from [2001:db8::1]:8080 via fe80::1ff:fe23:4567:890a and ::1", "from <IP> via <IP> and <IP>"),
    # hex ids, long hex, UUIDs
    ("trace=4f3a9c0d1e2b7a65 ptr=0xc000124000", "trace=<HEX> ptr=<HEX>"),
    ("image api-gateway:abc123 commit 9f8e7d6", "image api-gateway:<HEX> commit <HEX>"),
    ("cart 327b0b77-1d20-d0e3-27b0-b771d20d0e32 priced", "cart <UUID> priced"),
    ("req 123e4567-e89b-12d3-a456-426614174000 done", "req <UUID> done"),
    # numbers with units, durations, key=value numbers
    ("took 12ms then 3.5s, 1h2m3s in all", "took <DUR> then <DUR>, <DUR> in all"),
    ("heap 100MB of 2Gi, 47% used", "heap <NUM> of <NUM>, <NUM> used"),
    ("active=100, idle=0, waiting=58", "active=<NUM>, idle=<NUM>, waiting=<NUM>"),
    ('{"q_len":31,"took_ms":70,"ratio":-0.25}', '{"q_len":<NUM>,"took_ms":<NUM>,"ratio":<NUM>}'),
    # paths and URLs
    ("GET /api/v1/users/123 200", "GET <PATH> <NUM>"),
    ("\t/src/internal/db/pool.go:142 +0x2c5", "\t<PATH>:<NUM> +<HEX>"),
    ("fetch https://api.example.com:8443/v1/x?id=7 failed", "fetch <URL> failed"),
    # quoted values (a quoted message stays)
    ('user-agent "kube-probe/1.29" ok', "user-agent <STR> ok"),
    ('msg="request served" id=\'a1b2\'', 'msg="request served" id=<STR>'),
    # e-mail addresses
    ("sent to jane.doe+ops@example.co.uk today", "sent to <EMAIL> today"),
    # Kubernetes pod names keep their deployment
    ("pod api-gateway-7d9f8c6b5-x2x7q restarted", "pod api-gateway-<*> restarted"),
    ("killing api-gateway-ssvnj6w7q2-2xhkw and node-exporter-x2k9p",
     "killing api-gateway-<*> and node-exporter-<*>"),
    # timestamps
    ("2024-01-15T10:28:45.123456Z started", "<TS> started"),
    ("at 2024-01-15 10:28:45,123 and 10:28:45", "at <TS> and <TS>"),
    ("E0115 10:28:45.123456 reflector.go:138", "E0115 <TS> reflector.go:<NUM>"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_class_becomes_its_placeholder(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize("text", [
    "ERROR connection timeout acquiring connection from pool",
    "level=info msg=\"request served\" method=GET",
    "c.e.gateway.db.ConnectionManager - returning to client: upstream call aborted",
    "Foo::bar std::vector log4j sha256 ec2 e2e deadbeef accepted",
    "payment-service user-service kube-service-proxy ORDERS_DATABASE_URL",
    "Traceback (most recent call last):",
])
def test_ordinary_words_and_identifiers_are_kept(text: str) -> None:
    assert mask(text) == text


def test_same_event_with_other_values_masks_to_the_same_text() -> None:
    a = mask("ERROR [exec-46] timeout after 5000ms (active=100, waiting=58) trace=f8fa27f0dc8163ff")
    b = mask("ERROR [exec-134] timeout after 5000ms (active=100, waiting=25) trace=765236b3207")
    assert a == b


def test_masker_with_other_placeholders() -> None:
    drain_style = masker({"NUM": "<*>", "DUR": "<*>"})
    assert drain_style("took 12ms for 3 items") == "took <*> for <*> items"


def test_token_masker_agrees_with_mask_on_real_logs() -> None:
    from cockpit.analysis.masking import TokenMasker
    from tests.unit.analysis.corpus import scenario_lines

    token_mask = TokenMasker(cache_size=500)  # small: the cache is cleared along the way
    lines = scenario_lines("payments-db-outage", "13:58", "14:03")
    assert len(lines) > 1000
    for line in lines:
        assert token_mask(line.text) == " ".join(mask(line.text).split())
    assert token_mask("at 2024-01-15 10:28:45,123 x") == "at <TS> <TS> x"

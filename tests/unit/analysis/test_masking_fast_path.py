"""The regex-free path for new tokens says exactly what the regex says."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cockpit.analysis.masking import TokenMasker, _plain_value, mask

keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.:-]{0,8}", fullmatch=True) | st.text(max_size=6)
values = (st.from_regex(r"[0-9a-fA-Fx:.-]{1,24}", fullmatch=True)
          | st.from_regex(r"[0-9]{1,20}", fullmatch=True)
          | st.from_regex(r"[0-9a-f]{1,20}", fullmatch=True)
          | st.text(alphabet="0123456789abcdefg٣²_=", max_size=12))
tokens = st.builds(lambda k, sep, v: f"{k}{sep}{v}", keys, st.sampled_from(["=", "", ":", "=="]),
                   values)


@settings(max_examples=1000, deadline=None)
@given(tokens)
@example("trace=660fecb375afecd6")
@example("user=58244")
@example("deadbeef")
@example("abcdef")
@example("0x1f2e3d=12")
@example("q_len=٣")
@example("rtt=9ms")
def test_plain_values_mask_like_the_regex(token: str) -> None:
    fast = _plain_value(token)
    assert fast is None or fast == mask(token)


def test_the_common_new_tokens_take_the_fast_path() -> None:
    assert _plain_value("trace=660fecb375afecd6") == "trace=<HEX>"
    assert _plain_value("order_id=5e5a50c3c648") == "order_id=<HEX>"
    assert _plain_value("user=58244") == "user=<NUM>"
    assert _plain_value("1cea50da318c8af1") == "<HEX>"
    assert _plain_value("status=ok") is None  # a word: the cache's business


@settings(max_examples=300, deadline=None)
@given(st.lists(tokens, max_size=8))
def test_token_masker_is_mask_per_token(words: list[str]) -> None:
    text = " ".join(words)
    masker = TokenMasker()
    expected = " ".join(mask(token) for token in text.split())
    assert masker(text) == expected
    assert masker(text) == expected  # the second time from the cache


digit_heavy = st.text(alphabet='0123456789abcdefgxXkrT-Z:./,"{}=_ @%+~µsmh[]', min_size=1,
                      max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(digit_heavy, min_size=1, max_size=6), st.lists(st.integers(0, 10**6), max_size=6))
def test_tokens_differing_only_in_digits_share_a_shape_exactly(parts: list[str],
                                                               numbers: list[int]) -> None:
    # one masker sees many tokens of the same shape: its shape cache must never leak
    masker = TokenMasker()
    for shift in (0, 1, 7, 35, 99):
        token = "".join(p + str(n + shift) for p, n in zip(parts, numbers, strict=False))
        token = "".join(token.split()) or "0"
        assert masker(token) == mask(token), token


def test_json_lines_with_other_numbers_reuse_one_shape() -> None:
    masker = TokenMasker()
    first = masker('{"level":"info","q_len":9,"hits":354,"took_ms":54}')
    assert first == '{"level":"info","q_len":<NUM>,"hits":<NUM>,"took_ms":<NUM>}'
    assert masker('{"level":"info","q_len":3,"hits":780,"took_ms":12}') == first
    assert len(masker._shapes) == 1


def test_digits_that_the_regex_tells_apart_never_share_a_shape() -> None:
    masker = TokenMasker()
    for token in ("0x1f", "5x1f", "7X2a", "id=0x99", "id=9x99", "web-bc2d4", "web-bc0d4",
                  "web-bc3d4"):
        assert masker(token) == mask(token), token


def test_ids_that_never_repeat_are_not_kept_but_small_values_are() -> None:
    masker = TokenMasker()
    for n in range(3000):
        line = (f"GET /api/v1/orders status={200 + n % 3} trace={n * 7919:015x}f "
                f"path=/v2/orders/{n} took_ms={1000 + n * 37}")
        assert masker(line) == " ".join(mask(token) for token in line.split())
    kept = set(masker._cache)
    assert {"status=200", "status=201", "status=202", "GET"} <= kept
    assert len(kept) < 20  # not one entry per trace id, path or 4-digit duration

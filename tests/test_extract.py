"""Extracting the program from language-model replies."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from arena.redcode import assemble, extract, extract_redcode

IMP = ";redcode-94\n;name Imp\n;assert 1\nimp mov.i imp, imp+1\n end imp\n"


def assembles_to_imp(code: str) -> bool:
    result = assemble(code)
    return result.ok and len(result.warrior) == 1 and int(result.warrior.opcode[0]) == 0


def test_fenced_with_language_tag_and_prose_around() -> None:
    reply = f"Sure! Here is an imp.\n\n```redcode\n{IMP}```\n\nIt copies itself forward forever."
    found = extract(reply)
    assert found.source == "fence" and found.blocks == 1
    assert found.code == IMP
    assert assembles_to_imp(found.code)


def test_fence_without_tag_and_tilde_fences() -> None:
    assert extract_redcode(f"```\n{IMP}```") == IMP
    assert extract_redcode(f"~~~\n{IMP}~~~\nbye") == IMP


def test_several_blocks_prefers_the_last_redcode_program() -> None:
    reply = (
        "The old version:\n```redcode\n;redcode\n;name Old\n dat 0\n```\n"
        "Run it with:\n```bash\npmars -r 100 old.red\n```\n"
        f"The improved version:\n```redcode\n{IMP}```\nDone."
    )
    assert extract_redcode(reply) == IMP


def test_without_redcode_marker_picks_the_block_with_most_code() -> None:
    reply = "```python\nprint('hi')\n```\n```\nmov 0, 1\nspl 0\njmp -1\n```\n```\ndat 0\n```"
    assert extract_redcode(reply) == "mov 0, 1\nspl 0\njmp -1\n"


def test_unclosed_fence_from_a_truncated_reply() -> None:
    found = extract(f"Here you go:\n```redcode\n{IMP}")
    assert found.source == "unclosed fence"
    assert assembles_to_imp(found.code)


def test_bare_code_with_prose_around_it() -> None:
    reply = f"My warrior is below.\n\n{IMP}\nThis should beat most stones."
    found = extract(reply)
    assert found.source == "bare text"
    assert assembles_to_imp(found.code)
    assert "beat most stones" not in found.code


def test_crlf_tabs_typographic_quotes_and_dashes() -> None:
    reply = (
        "```redcode\r\n;redcode\r\n;name \u201cSmart\u201d imp\r\n;assert 1\r\n"
        "imp\tmov.i\timp,\u00a0imp+1\r\n\tdat\t#\u20131\r\n```\r\n"
    )
    code = extract_redcode(reply)
    assert "\r" not in code and "\u2013" not in code and "\u00a0" not in code
    result = assemble(code)
    assert result.ok and result.warrior.name == '"Smart" imp'
    assert int(result.warrior.b_value[1]) == 7999


def test_inline_backticks_are_removed() -> None:
    assert extract_redcode("```\n`mov 0, 1`\n```") == "mov 0, 1\n"


def test_reply_without_code() -> None:
    found = extract("I cannot help with that.")
    assert found.code == "" and found.source == "none"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_reply_extracts_without_error(reply: str) -> None:
    code = extract_redcode(reply)
    assert isinstance(code, str)
    assemble(code)  # and the assembler takes whatever comes out

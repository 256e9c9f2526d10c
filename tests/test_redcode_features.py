"""Unit tests of assembler features, one group per feature of pMARS's Redcode."""

from __future__ import annotations

import pytest

from arena.redcode import assemble, load_file
from arena.redcode.assembler import pmars_report
from arena.redcode.model import MODIFIERS, OPCODE_NUMBER, EquOrigin
from arena.settings import Settings


def code(text: str, **settings: int) -> list[str]:
    """Assemble and return the load-file instruction lines, compacted."""
    result = assemble(text, Settings(**settings))
    assert result.ok, [str(d) for d in result.errors]
    lines = load_file(result.warrior).splitlines()
    return [" ".join(line.split()) for line in lines if line.strip() not in ("END",)]


def errors(text: str, **settings: int) -> list[str]:
    result = assemble(text, Settings(**settings))
    assert not result.ok
    return [d.message for d in result.errors]


# -- opcodes, modes, modifiers ---------------------------------------------------


@pytest.mark.parametrize("opcode", list(OPCODE_NUMBER))
def test_every_opcode_assembles(opcode: str) -> None:
    assert code(f"{opcode.lower()}.f $1, $2")[1] == f"{opcode}.F $ 1, $ 2"


@pytest.mark.parametrize("modifier", MODIFIERS)
def test_every_modifier(modifier: str) -> None:
    assert code(f"mov.{modifier.lower()} 1, 2")[1] == f"MOV.{modifier} $ 1, $ 2"


@pytest.mark.parametrize("mode", list("#$@<>*{}"))
def test_every_mode_on_both_fields(mode: str) -> None:
    assert code(f"mov.i {mode}1, {mode}2")[1] == f"MOV.I {mode} 1, {mode} 2"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # DAT and NOP: .F
        ("dat #1, #2", "DAT.F # 1, # 2"),
        ("nop 1, 2", "NOP.F $ 1, $ 2"),
        # MOV, CMP, SEQ, SNE: .AB if A is #, else .B if B is #, else .I
        ("mov #1, 2", "MOV.AB # 1, $ 2"),
        ("mov 1, #2", "MOV.B $ 1, # 2"),
        ("mov 1, 2", "MOV.I $ 1, $ 2"),
        ("cmp #1, #2", "CMP.AB # 1, # 2"),
        ("seq 1, #2", "SEQ.B $ 1, # 2"),
        ("sne @1, <2", "SNE.I @ 1, < 2"),
        # arithmetic: .AB, .B, else .F
        ("add #1, 2", "ADD.AB # 1, $ 2"),
        ("sub 1, #2", "SUB.B $ 1, # 2"),
        ("mul 1, 2", "MUL.F $ 1, $ 2"),
        ("div {1, }2", "DIV.F { 1, } 2"),
        ("mod *1, 2", "MOD.F * 1, $ 2"),
        # SLT, LDP, STP: .AB if A is #, else .B
        ("slt #1, 2", "SLT.AB # 1, $ 2"),
        ("slt 1, #2", "SLT.B $ 1, # 2"),
        ("ldp #1, 2", "LDP.AB # 1, $ 2"),
        ("stp 1, 2", "STP.B $ 1, $ 2"),
        # jumps and SPL: .B
        ("jmp #1, 2", "JMP.B # 1, $ 2"),
        ("jmz 1, 2", "JMZ.B $ 1, $ 2"),
        ("jmn 1, 2", "JMN.B $ 1, $ 2"),
        ("djn 1, #2", "DJN.B $ 1, # 2"),
        ("spl 1, 2", "SPL.B $ 1, $ 2"),
    ],
)
def test_default_modifiers(source: str, expected: str) -> None:
    assert code(source)[1] == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("dat 5", "DAT.F # 0, $ 5"),
        ("dat }3", "DAT.F # 0, } 3"),
        ("dat #7", "DAT.F # 0, # 7"),
        ("jmp 3", "JMP.B $ 3, $ 0"),
        ("jmp @3", "JMP.B @ 3, $ 0"),
        ("spl #0", "SPL.B # 0, $ 0"),
        ("nop <2", "NOP.F < 2, $ 0"),
    ],
)
def test_one_operand_forms_as_pmars_fills_them(source: str, expected: str) -> None:
    assert code(source)[1] == expected


@pytest.mark.parametrize("opcode", ["mov", "add", "jmz", "jmn", "djn", "slt", "seq", "ldp"])
def test_one_operand_is_incomplete_for_other_opcodes(opcode: str) -> None:
    assert errors(f"{opcode} 1") == [f"Incomplete operand at instruction '{opcode.upper()}'"]


def test_operandless_instruction_is_a_syntax_error() -> None:
    assert errors("nop") == ["Syntax error"]
    assert errors("mov 1,") == ["Syntax error"]


def test_cmp_and_seq_stay_distinct() -> None:
    assert code("cmp 1, 2\nseq 1, 2")[1:] == ["CMP.I $ 1, $ 2", "SEQ.I $ 1, $ 2"]


# -- labels ------------------------------------------------------------------------


def test_labels_are_relative_to_the_instruction() -> None:
    source = "top  mov top, bottom\n     dat 0\nbottom jmp top"
    assert code(source)[1:] == ["MOV.I $ 0, $ 2", "DAT.F # 0, $ 0", "JMP.B $ -2, $ 0"]


def test_several_labels_on_a_line_and_alone_on_a_line() -> None:
    source = "a b: c\nd:\n  mov a, b\n  jmp c, d"
    assert code(source)[1:] == ["MOV.I $ 0, $ 0", "JMP.B $ -1, $ -1"]


def test_labels_are_case_sensitive_opcodes_are_not() -> None:
    assert code("Loop MOV loop, 1\nloop DaT Loop")[1:] == ["MOV.I $ 1, $ 1", "DAT.F # 0, $ -1"]


def test_undefined_label_is_an_error_with_its_location() -> None:
    result = assemble("  mov 0, 1\n  jmp nowhere\n", file="w.red")
    (error,) = result.errors
    assert error.message.startswith("Undefined label or symbol: 'nowhere'")
    assert (error.file, error.line, error.column) == ("w.red", 2, 7)


def test_reserved_word_as_label_is_an_error() -> None:
    assert errors("end dat 0\n") == ["Improper placement of 'dat'"]


def test_redefined_label_is_ignored_with_a_warning_and_drops_the_line() -> None:
    result = assemble("x dat 1\nx dat 2\n dat 3\n;assert 1")
    assert result.ok
    assert [d.message for d in result.warnings] == ["Ignored, redefinition of label 'x'"]
    assert len(result.warrior) == 2


# -- ORG, END, PIN -------------------------------------------------------------------


def test_org_and_end_start_labels() -> None:
    assert code("dat 0\nstart mov 0, 1\n org start")[0] == "ORG 1"
    assert code("dat 0\nstart mov 0, 1\n end start")[0] == "ORG 1"
    assert code("dat 0\nmov 0, 1\nend")[0] == "ORG 0"


def test_end_stops_assembly() -> None:
    assert code("mov 0, 1\nend\nthis is not redcode at all")[1:] == ["MOV.I $ 0, $ 1"]


def test_org_and_end_together_ignore_end_with_a_warning() -> None:
    result = assemble(";assert 1\norg 1\ndat 0\nmov 0, 1\nend 0")
    assert result.warrior.start == 1 and not result.warnings
    result = assemble(";assert 1\norg 1\ndat 0\nmov 0, 1\ndat 0\nend 2")
    assert result.warrior.start == 1
    assert [d.message for d in result.warnings] == [
        "Both opcodes ORG and END are used. Ignoring END"
    ]


def test_start_outside_the_program_warns() -> None:
    result = assemble("org 5\ndat 0\n;assert 1")
    assert result.ok and result.warrior.start == 5
    assert [d.message for d in result.warnings] == ["Execution starts from outside of the program"]


def test_pin() -> None:
    result = assemble(";assert 1\n pin 12345\n dat 0")
    assert result.warrior.pin == 12345
    assert load_file(result.warrior).splitlines()[-2] == "       PIN      12345"
    assert assemble(";assert 1\n dat 0").warrior.pin is None


# -- EQU ---------------------------------------------------------------------------


def test_equ_is_text_substitution_as_in_pmars() -> None:
    # pMARS substitutes text, so x*2 reads 1+2*2 = 5, not (1+2)*2
    assert code("x equ 1+2\n dat x*2")[1] == "DAT.F # 0, $ 5"


def test_equ_chains_and_forward_labels() -> None:
    source = "a equ b+1\nb equ c*2\nc equ 10\n mov a, target\ntarget dat 0"
    assert code(source)[1] == "MOV.I $ 21, $ 1"


def test_multi_line_equ_inserts_several_statements() -> None:
    source = "clear equ spl 0\n      equ mov 2, <-1\n      equ jmp -1\nclear\n dat 0"
    assert code(source)[1:] == [
        "SPL.B $ 0, $ 0",
        "MOV.I $ 2, < -1",
        "JMP.B $ -1, $ 0",
        "DAT.F # 0, $ 0",
    ]


def test_equ_that_refers_to_itself_is_an_error() -> None:
    assert errors("x equ x+1\n dat x") == ["Recursive reference of label 'x'"]
    assert errors("x equ y\ny equ x\n dat x") == ["Recursive reference of label 'x'"]


def test_equ_name_used_as_a_label_is_an_error() -> None:
    assert errors("step equ 8\nstep mov 0, 1") == [
        "Unrecognized or improper placement of token: '8'"
    ]


def test_equ_without_a_label_warns() -> None:
    result = assemble(" equ 5\n dat 0\n;assert 1")
    assert [d.message for d in result.warnings] == [
        "Attempting to append a string to an undefined label"
    ]


# -- FOR/ROF -------------------------------------------------------------------------


def test_for_with_counter() -> None:
    assert code("i for 3\n dat i, i*10\n rof")[1:] == [
        "DAT.F $ 1, $ 10",
        "DAT.F $ 2, $ 20",
        "DAT.F $ 3, $ 30",
    ]


def test_nested_for_with_two_counters() -> None:
    source = "i for 2\nj for 3\n dat i, j\n rof\n rof"
    assert code(source)[1:] == [f"DAT.F $ {i}, $ {j}" for i in (1, 2) for j in (1, 2, 3)]


def test_for_label_before_index_is_an_address() -> None:
    source = "base\nindex for 3\n mov base, base+index-1\n rof"
    assert code(source)[1:] == ["MOV.I $ 0, $ 0", "MOV.I $ -1, $ 0", "MOV.I $ -2, $ 0"]


def test_concatenation_makes_labels_per_iteration() -> None:
    source = "n for 3\nimp&n mov imp&n, imp&n+5\n rof\n jmp imp02"
    assert code(source)[1:] == ["MOV.I $ 0, $ 5"] * 3 + ["JMP.B $ -2, $ 0"]


def test_concatenation_reads_equ_per_counter() -> None:
    source = "p01 equ 2\np02 equ 3\np03 equ 5\nn for 3\n dat p&n\n rof"
    assert code(source)[1:] == ["DAT.F # 0, $ 2", "DAT.F # 0, $ 3", "DAT.F # 0, $ 5"]


def test_for_zero_skips_the_block_including_nested_ones() -> None:
    source = "for 0\n dat 1\nfor 2\n dat 2\nrof\nrof\n dat 3"
    assert code(source)[1:] == ["DAT.F # 0, $ 3"]


def test_for_count_from_an_expression_and_settings() -> None:
    assert len(code("for CORESIZE/2000\n dat 0\n rof")) == 1 + 4
    assert len(code("for CORESIZE/200\n dat 0\n rof", core_size=800)) == 1 + 4


def test_unclosed_for_warns_and_stops() -> None:
    result = assemble(";assert 1\nfor 3\n dat 1\n")
    assert result.ok and len(result.warrior) == 1
    assert [d.message for d in result.warnings] == ["Unclosed ROF"]


def test_rof_without_for_is_an_error() -> None:
    assert errors(" dat 0\n rof") == ["Unopened FOR"]


# -- expressions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("2+3*4", 14),
        ("(2+3)*4", 20),
        ("10-4-3", 3),
        ("100/7", 14),
        ("-7/2", -3),
        ("-7%3", -1),
        ("7%-3", 1),
        ("2*-3", -6),
        ("--5", 5),
        ("!0+!5", 1),
        ("3>2", 1),
        ("3<2", 0),
        ("2<=2 && 3>=4", 0),
        ("1 || 0 && 0", 1),
        ("1+1==2", 1),
        ("5!=5", 0),
        ("1<2==1", 1),  # comparisons share one level, left to right
        ("2+3*4-1", 13),
    ],
)
def test_expression_precedence_and_integer_semantics(expression: str, value: int) -> None:
    assert code(f"dat #0, #{expression}")[1] == f"DAT.F # 0, # {value}"


def test_registers_keep_values_across_the_assembly() -> None:
    assert code("dat #(a=3)*2, #a+1\n dat #a")[1:] == ["DAT.F # 6, # 4", "DAT.F # 0, # 3"]


def test_values_are_normalised_into_the_core() -> None:
    assert code("dat #-1, #8001")[1] == "DAT.F # -1, # 1"
    result = assemble("dat #-1, #8001")
    assert (int(result.warrior.a_value[0]), int(result.warrior.b_value[0])) == (7999, 1)
    assert code("dat #4000, #4001")[1] == "DAT.F # 4000, # -3999"


def test_division_by_zero_is_an_error() -> None:
    assert errors("dat 1/0") == ["Division by zero"]
    assert errors("dat 1%(2-2)") == ["Division by zero"]


def test_bad_expression() -> None:
    assert errors("dat 1+") == ["Bad expression"]


def test_overflow_is_a_warning_and_wraps() -> None:
    result = assemble(";assert 1\n dat 9223372036854775807+1")
    assert result.ok
    assert [d.message for d in result.warnings] == ["Arithmetic overflow detected"]


# -- predefined variables ------------------------------------------------------------------


def test_predefined_variables_follow_the_settings() -> None:
    settings = dict(core_size=800, max_cycles=8000, max_processes=80, max_length=20,
                    min_distance=20, rounds=7, warriors=3)  # fmt: skip
    source = (
        "dat CORESIZE, MAXCYCLES\n dat MAXPROCESSES, MAXLENGTH\n dat MINDISTANCE, ROUNDS\n"
        " dat WARRIORS, PSPACESIZE\n dat VERSION, CURLINE\n dat READLIMIT, WRITELIMIT"
    )
    result = assemble(source, Settings(**settings))
    values = [
        (int(a), int(b))
        for a, b in zip(result.warrior.a_value, result.warrior.b_value, strict=True)
    ]
    assert values == [(0, 0), (80, 20), (20, 7), (3, 50), (94, 4), (0, 0)]
    assert result.warrior.core_size == 800


def test_pspacesize_default_is_the_largest_divisor_up_to_16() -> None:
    assert Settings(core_size=8000).pspace == 500
    assert Settings(core_size=55440).pspace == 3465
    assert Settings(core_size=7).pspace == 1
    assert Settings(core_size=80, pspace_size=4).pspace == 4


def test_curline_counts_instructions() -> None:
    assert code("dat CURLINE\n dat CURLINE\ni for 2\n dat CURLINE\n rof")[1:] == [
        f"DAT.F # 0, $ {n}" for n in range(4)
    ]


# -- comments and directives ----------------------------------------------------------------


def test_redcode_line_drops_text_before_it() -> None:
    source = "this is prose\nmov 0, 1\n;redcode-94\n;name Real\n dat 0\n;redcode\n junk after"
    result = assemble(source)
    assert result.ok and len(result.warrior) == 1 and result.warrior.name == "Real"


def test_name_author_and_multi_line_strategy() -> None:
    source = ";redcode\n;name  Imp\n;author A. K. Dewdney\n;strategy moves itself\n;strategy forever\n mov 0, 1"
    warrior = assemble(source).warrior
    assert (warrior.name, warrior.author) == ("Imp", "A. K. Dewdney")
    assert warrior.strategy == "moves itself\nforever"


def test_defaults_for_name_and_author() -> None:
    warrior = assemble(" dat 0").warrior
    assert (warrior.name, warrior.author) == ("Unknown", "Anonymous")


def test_assert_true_false_and_missing() -> None:
    ok = assemble(";assert CORESIZE == 8000\n dat 0")
    assert ok.ok and not ok.warnings
    failing = assemble(";assert CORESIZE == 8000\n dat 0", Settings(core_size=800))
    assert [d.message for d in failing.errors] == ["Assertion in this line fails"]
    assert failing.errors[0].line == 1
    missing = assemble(" dat 0")
    assert missing.ok
    assert [d.message for d in missing.warnings] == [
        "Missing ';assert'. Warrior may not work with the current setting"
    ]


def test_too_long_warrior_is_an_error() -> None:
    assert errors("for 5\n dat 0\n rof", max_length=4) == ["Too many instructions (about 1 more)"]


def test_empty_program_warns_and_has_no_instructions() -> None:
    result = assemble(";assert 1\n")
    assert result.ok and len(result.warrior) == 0
    assert [d.message for d in result.warnings] == ["No instructions"]


def test_continuation_lines_and_crlf() -> None:
    assert code("mov 0, \\\n 1\r\n dat 0\r\n")[1:] == ["MOV.I $ 0, $ 1", "DAT.F # 0, $ 0"]


def test_an_error_in_equ_text_carries_the_equ_definition_line():
    text = "step equ 5+\nstart add.ab #step, ptr\nptr dat 0, 0\nx equ foo\n mov x, 1\n"
    result = assemble(text)
    first, second = result.errors
    # reported at the use, as pMARS does, and naming the EQU's own line
    assert (first.line, first.message) == (2, "Bad expression")
    assert first.equs == (EquOrigin("step", 1, "step equ 5+"),)
    assert (second.line, second.message) == (5, "Undefined label or symbol: 'foo'")
    assert second.equs == (EquOrigin("x", 4, "x equ foo"),)  # defined after its use
    (at_definition,) = first.at_definitions()
    assert at_definition.line == 1 and "used at line 2" in at_definition.message
    # pMARS's own report is unchanged
    assert "EQU" not in pmars_report(result)
    assert "Error in line 2: 'start add.ab #step, ptr'" in pmars_report(result)
    # an error with no EQU in it names none
    assert assemble(" mov 1/0, 1\n").errors[0].equs == ()

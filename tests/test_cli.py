"""The command line's own options, as a user types them."""

from __future__ import annotations

import pytest

from five_star.tui.cli import main


@pytest.mark.parametrize("position", ["before", "after"])
def test_db_option_is_used_before_or_after_the_command(tmp_path, capsys, position):
    not_a_library = tmp_path / "other.json"
    not_a_library.write_text('{"a": 1}', encoding="utf-8")
    db = ["--db", str(not_a_library)]
    argv = [*db, "stats"] if position == "before" else ["stats", *db]

    assert main(argv) == 1
    err = capsys.readouterr().err
    assert str(not_a_library) in err and "not a five-star-tui library" in err
    assert not_a_library.read_text(encoding="utf-8") == '{"a": 1}'


def test_db_option_after_the_command_wins(tmp_path, capsys):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert main(["--db", str(first), "search", "x", "--db", str(second)]) == 1
    err = capsys.readouterr().err
    assert str(second) in err and str(first) not in err

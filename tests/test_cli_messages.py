"""Every project command's help and usage errors are Indonesian, not click's English defaults.

The commands are enumerated from the app's own cli group (what `flask --app wsgi` lists besides Flask's
built-in run/shell/routes), so a command added later with a plain click class fails here.
"""
from __future__ import annotations

import re

import click
import pytest

from app.core import cli_text

ENGLISH = re.compile(r"Usage:|Options:|Commands:|Arguments:|Show this message|Error:|Missing option|Missing argument|"
                     r"No such (command|option)|Invalid value|Try '|for help|\[default|\[required|is not one of|"
                     r"does not exist|Aborted|\b(TEXT|INTEGER|PATH)\b")
# English words a help text in Indonesian has no use for (docstrings were English before)
ENGLISH_WORDS = re.compile(r"\b(the|and|from|with|then|every|of|for|or|to|is|one|each|unless|load|create|import|"
                           r"print|recompute)\b", re.IGNORECASE)


# commands extensions add to app.cli, not the project's: Flask-Migrate's `db`, flask-smorest's `openapi`
LIBRARY_COMMANDS = {"db", "openapi"}


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        if not path and name in LIBRARY_COMMANDS:
            continue
        command = group.get_command(ctx, name)
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


def test_every_project_command_has_indonesian_help(app, runner):
    commands = list(_commands(app.cli))
    names = {" ".join(path) for path, _command in commands}
    assert {"report", "report ikm", "seed-demo", "import-skm", "worker", "create-token", "webhook add"} <= names
    for path, command in [((), app.cli), *commands]:
        assert isinstance(command, cli_text.IndonesianCommand), path
        assert command.callback is None or command.callback.__module__.startswith("app."), path
        result = runner.invoke(args=[*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        out = result.output
        assert not ENGLISH.search(out), (path, out)
        assert "Penggunaan:" in out and "Opsi:" in out and "Tampilkan bantuan ini lalu keluar." in out, (path, out)
        assert "[OPSI]" in out, (path, out)
        if isinstance(command, click.Group):
            assert "Perintah:" in out and "PERINTAH [ARGUMEN]..." in out, (path, out)
        prose = "\n".join(line for line in out.splitlines()
                          if line.split()[:1] not in ([n] for n in LIBRARY_COMMANDS))  # their own help
        prose = re.sub(r"\S*\w-\w\S*|\b(worker|report)\b", " ", prose)  # the command and option names
        assert not ENGLISH_WORDS.search(prose), (path, ENGLISH_WORDS.findall(prose))


def test_help_notes_defaults_and_required_options_in_indonesian(runner):
    out = runner.invoke(args=["worker", "--help"]).output
    assert "[bawaan: 2; 1<=x<=32]" in out and "BILANGAN" in out
    assert "wajib" in runner.invoke(args=["create-user", "--help"]).output


def test_missing_required_option_is_told_in_indonesian(runner):
    result = runner.invoke(args=["create-user"])
    assert result.exit_code == 2
    assert "Kesalahan: Opsi '--email' wajib diisi." in result.output
    assert "Penggunaan: " in result.output and "Coba '" in result.output and "--help' untuk bantuan." in result.output
    assert not ENGLISH.search(result.output), result.output


def test_unknown_subcommand_and_option_are_told_in_indonesian(runner):
    result = runner.invoke(args=["report", "ikmm"])
    assert result.exit_code == 2
    assert "Kesalahan: Perintah 'ikmm' tidak dikenal." in result.output
    assert "Mungkin maksud Anda 'ikm'?" in result.output
    assert not ENGLISH.search(result.output), result.output
    top = runner.invoke(args=["tidak-ada"])
    assert top.exit_code == 2 and "Kesalahan: Perintah 'tidak-ada' tidak dikenal." in top.output
    option = runner.invoke(args=["seed-demo", "--bersih"])
    assert option.exit_code == 2 and "Kesalahan: Opsi '--bersih' tidak dikenal." in option.output


def test_invalid_values_are_told_in_indonesian(runner, tmp_path):
    choice = runner.invoke(args=["create-token", "--email", "a@x.id", "--scope", "admin"])
    assert choice.exit_code == 2
    assert "Kesalahan: Nilai tidak valid untuk '--scope': 'admin' bukan salah satu dari 'read', 'write'." \
        in choice.output
    rng = runner.invoke(args=["worker", "--workers", "99"])
    assert "Nilai tidak valid untuk '--workers': 99 di luar rentang 1<=x<=32." in rng.output
    number = runner.invoke(args=["create-token", "--email", "a@x.id", "--scope", "read", "--expires-days", "x"])
    assert "'x' bukan bilangan bulat yang valid." in number.output
    missing_file = runner.invoke(args=["import-skm", str(tmp_path / "tidak-ada.csv"), "--layanan", "x"])
    assert missing_file.exit_code == 2
    assert "Nilai tidak valid untuk 'BERKAS': Berkas '" in missing_file.output and "tidak ada." in missing_file.output
    for result in (choice, rng, number, missing_file):
        assert not ENGLISH.search(result.output), result.output
    # a message the project wrote itself is kept, with an Indonesian prefix
    own = runner.invoke(args=["report", "ikm", "--unit", "TIDAK-ADA", "--period", "2025"])
    assert own.exit_code == 2 and "Kesalahan: Nilai tidak valid untuk --unit: unit" in own.output
    failure = runner.invoke(args=["create-token", "--email", "tidak-ada@x.id", "--scope", "read"])
    assert failure.exit_code == 1 and failure.output.strip() == "Kesalahan: Pengguna tidak ditemukan."


def test_translation_table_keeps_unknown_messages():
    assert cli_text.translate("unit 'X' tidak ditemukan") == "unit 'X' tidak ditemukan"
    assert cli_text.translate("'5' is not a valid integer.") == "'5' bukan bilangan bulat yang valid."
    assert cli_text.translate("Got unexpected extra arguments (a b)") == "Ada argumen yang tidak dikenal (a b)."


def test_password_prompt_mismatch_and_cancel_are_told_in_indonesian(runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["create-user", "--email", "baru@x.id", "--role", "analyst", "--unit", "DAYASOS"],
                           input="sandi-panjang-123\nsandi-lain-12345\n")
    assert "Ulangi kata sandi" in result.output and "kedua kata sandi tidak sama" in result.output
    assert result.exit_code == 1 and result.output.rstrip().endswith("Dibatalkan.")  # input ended at a prompt
    assert not ENGLISH.search(result.output) and "Repeat" not in result.output, result.output

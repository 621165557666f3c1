"""Indonesian help and usage errors for the project's own `flask --app wsgi ...` commands.

Click writes its help ("Usage:", "Options:", "Commands:", "Show this message and exit.") and its
errors ("Error: Missing option", "No such command", "Invalid value for") in English through
`gettext.gettext`, i.e. the process-wide default gettext domain: translating them there would change
every library that uses that domain. So the project's commands use the classes here instead, and only
they speak Indonesian:

- `IndonesianCommand` / `IndonesianGroup` / `IndonesianAppGroup` (via `command()` and `group()`) write the
  help with Indonesian headings, option notes and help option, through `IndonesianFormatter`;
- a usage error raised while such a command parses its arguments or runs is replaced by one that shows
  itself in Indonesian (`indonesian()`): click's own messages are translated from the table below,
  a message the project wrote (already Indonesian) is kept as it is.

`create_app` gives the app an `IndonesianAppGroup` as `app.cli` (what `app.test_cli_runner()` invokes and what
`flask` asks for the project's commands). Flask's own `flask` group and its built-in commands (run, shell,
routes) are Flask's and keep click's English. Defining these classes registers nothing.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import click
from click.exceptions import NoArgsIsHelpError
from flask.cli import AppGroup

HELP_OPTION_TEXT = "Tampilkan bantuan ini lalu keluar."
USAGE_PREFIX = "Penggunaan: "

# click's English message templates (msgids) -> Indonesian; a more specific template comes first,
# since "'x' is not a valid integer." would also match "{value!r} is not {choice}.".
_MESSAGES: tuple[tuple[str, str], ...] = (
    ("No such command {name!r}.", "Perintah {name} tidak dikenal."),
    ("No such option {name!r}.", "Opsi {name} tidak dikenal."),
    ("Missing command.", "Perintah belum diberikan."),
    ("Got unexpected extra argument ({args})", "Ada argumen yang tidak dikenal ({args})."),
    ("Got unexpected extra arguments ({args})", "Ada argumen yang tidak dikenal ({args})."),
    ("Option {name!r} requires an argument.", "Opsi {name} memerlukan nilai."),
    ("Option {name!r} requires {nargs} arguments.", "Opsi {name} memerlukan {nargs} nilai."),
    ("Option {name!r} does not take a value.", "Opsi {name} tidak menerima nilai."),
    ("Argument {name!r} takes {nargs} values.", "Argumen {name} memerlukan {nargs} nilai."),
    ("Invalid start character for option ({option})", "Awalan opsi tidak valid ({option})."),
    ("{value!r} is not a valid {number_type}.", "{value} bukan {number_type} yang valid."),
    ("{value!r} is not a valid UUID.", "{value} bukan UUID yang valid."),
    ("{value} is not in the range {range}.", "{value} di luar rentang {range}."),
    ("{value!r} is not one of {choices}.", "{value} bukan salah satu dari {choices}."),
    ("{value!r} is not {choice}.", "{value} bukan {choice}."),
    ("{value!r} does not match the format {format}.", "{value} tidak sesuai format {format}."),
    ("{value!r} does not match the formats {formats}.", "{value} tidak sesuai format {formats}."),
    ("{name} {filename!r} does not exist.", "{name} {filename} tidak ada."),
    ("{name} {filename!r} is a file.", "{name} {filename} adalah berkas, bukan direktori."),
    ("{name} {filename!r} is a directory.", "{name} {filename} adalah direktori, bukan berkas."),
    ("{name} {filename!r} is not readable.", "{name} {filename} tidak dapat dibaca."),
    ("{name} {filename!r} is not writable.", "{name} {filename} tidak dapat ditulisi."),
    ("{name} {filename!r} is not executable.", "{name} {filename} tidak dapat dijalankan."),
    ("Takes {nargs} values but 1 was given.", "Memerlukan {nargs} nilai, tetapi hanya 1 yang diberikan."),
    ("Takes {nargs} values but {len} were given.", "Memerlukan {nargs} nilai, tetapi {len} diberikan."),
    ("Value must be an iterable.", "Nilai harus berupa daftar."),
    ("Choose from:\n\t{choices}", "Pilih salah satu:\n\t{choices}"),
)
# words click puts into those messages (a type's or a path's name)
_WORDS = {"integer": "bilangan bulat", "float": "bilangan desimal", "boolean": "nilai ya/tidak",
          "File": "Berkas", "Directory": "Direktori", "file": "berkas", "directory": "direktori"}
# type metavars in the help ("--email TEXT")
_METAVARS = {"TEXT": "TEKS", "INTEGER": "BILANGAN", "INTEGER RANGE": "BILANGAN", "FLOAT": "DESIMAL",
             "FLOAT RANGE": "DESIMAL", "PATH": "BERKAS", "FILENAME": "BERKAS", "BOOLEAN": "YA/TIDAK",
             "UUID": "UUID", "FILE": "BERKAS", "DIRECTORY": "DIREKTORI"}


def _pattern(msgid: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)(?:![rs])?\}", msgid)
    body = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(f"^{body}$", re.DOTALL)


_COMPILED = tuple((_pattern(msgid), text) for msgid, text in _MESSAGES)


def translate(message: str) -> str:
    """click's English message in Indonesian; any other message (the project's own) unchanged."""
    for pattern, text in _COMPILED:
        found = pattern.match(message)
        if found:
            return text.format(**{k: _WORDS.get(v, v) for k, v in found.groupdict().items()})
    return message


def _join_hints(hint: Sequence[str] | str | None) -> str | None:
    if hint is not None and not isinstance(hint, str):
        return " / ".join(repr(x) for x in hint)
    return hint


def _hint(err: click.BadParameter) -> str | None:
    if err.param_hint is not None:
        return _join_hints(err.param_hint)
    if err.param is not None:
        return err.param.get_error_hint(err.ctx)
    return None


def _maybe(possibilities: list[str] | None) -> str:
    if not possibilities:
        return ""
    names = ", ".join(repr(p) for p in sorted(possibilities))
    return f" Mungkin maksud Anda {names}?" if len(possibilities) == 1 else \
        f" (Mungkin maksud Anda salah satu dari: {names}?)"


def _missing(err: click.MissingParameter) -> str:
    kind = err.param_type or (err.param.param_type_name if err.param is not None else "parameter")
    label = {"argument": "Argumen", "option": "Opsi"}.get(kind, "Parameter")
    hint = _hint(err)
    text = f"{label} {hint} wajib diisi." if hint else f"{label} wajib diisi."
    extra = [translate(err.message)] if err.message else []
    if err.param is not None:
        choices = err.param.type.get_missing_message(param=err.param, ctx=err.ctx)
        if choices:
            extra.append(translate(choices))
    return " ".join([text, *extra])


def _usage_message(err: click.UsageError) -> str:
    if isinstance(err, click.MissingParameter):
        return _missing(err)
    if isinstance(err, click.BadParameter):
        hint = _hint(err)
        message = translate(err.message)
        return f"Nilai tidak valid untuk {hint}: {message}" if hint else f"Nilai tidak valid: {message}"
    if isinstance(err, click.NoSuchOption | click.exceptions.NoSuchCommand):
        return translate(err.message) + _maybe(err.possibilities)
    return translate(err.message)


class IndonesianError(click.ClickException):
    """A failure the project's command reports: "Kesalahan: ..." on stderr, with the original exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file=None) -> None:
        click.echo(f"Kesalahan: {self.format_message()}", file=file, err=True, color=self.show_color)


class IndonesianUsageError(click.UsageError):
    """A usage error shown as click shows one (usage line, help hint, message), in Indonesian."""

    def show(self, file=None) -> None:
        color = None
        if self.ctx is not None:
            color = self.ctx.color
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                option = max(self.ctx.command.get_help_option_names(self.ctx), key=len)
                hint = f"Coba '{self.ctx.command_path} {option}' untuk bantuan.\n"
            click.echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=True, color=color)
        click.echo(f"Kesalahan: {self.format_message()}", file=file, err=True, color=color)


class Cancelled(click.ClickException):
    """Ctrl+C or end of input at a prompt: "Dibatalkan." (click's "Aborted!"), exit code 1."""

    def __init__(self) -> None:
        super().__init__("Dibatalkan.")

    def show(self, file=None) -> None:
        click.echo(self.message, file=file, err=True)


def indonesian(err: click.ClickException) -> click.ClickException:
    """`err` as an exception that shows itself in Indonesian (itself when it already does)."""
    if isinstance(err, IndonesianError | IndonesianUsageError | Cancelled | NoArgsIsHelpError):
        return err  # NoArgsIsHelpError shows the (Indonesian) help
    if isinstance(err, click.UsageError):
        return IndonesianUsageError(_usage_message(err), err.ctx)
    if isinstance(err, click.FileError):
        return IndonesianError(f"Berkas '{err.ui_filename}' tidak dapat dibuka: {err.message}", err.exit_code)
    return IndonesianError(translate(err.format_message()), err.exit_code)


class IndonesianFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)


class IndonesianContext(click.Context):
    formatter_class = IndonesianFormatter


def _option_record(param: click.Option, ctx: click.Context) -> tuple[str, str] | None:
    """click.Option.get_help_record with Indonesian notes ([bawaan: 2; wajib]) and type metavars."""
    if param.hidden:
        return None
    extra = param.get_help_extra(ctx)
    items = []
    if "envvars" in extra:
        items.append("variabel lingkungan: " + ", ".join(extra["envvars"]))
    if "default" in extra:
        items.append(f"bawaan: {'(dinamis)' if extra['default'] == '(dynamic)' else extra['default']}")
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append("wajib")
    text = param.help or ""
    if items:
        text = f"{text}  [{'; '.join(items)}]" if text else f"[{'; '.join(items)}]"
    spec = param.get_help_spec(ctx)
    if param.metavar is None and not param.is_flag:
        metavar = param.make_metavar(ctx)
        if metavar in _METAVARS and spec.endswith(f" {metavar}"):
            spec = spec[: -len(metavar)] + _METAVARS[metavar]
    return spec, text


class IndonesianCommand(click.Command):
    """A click command whose help and usage errors are Indonesian (see the module docstring)."""

    context_class = IndonesianContext

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[OPSI]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [_option_record(p, ctx) for p in self.get_params(ctx) if isinstance(p, click.Option)]
        records = [r for r in records if r is not None]
        if records:
            with formatter.section("Opsi"):
                formatter.write_dl(records)

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        args = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(getattr(a, "help", None) is not None for a in args):
            with formatter.section("Argumen posisional"):
                formatter.write_dl([a.get_help_record(ctx) for a in args])

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.ClickException as err:
            shown = indonesian(err)
            if shown is err:
                raise
            raise shown from err

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException as err:
            shown = indonesian(err)
            if shown is err:
                raise
            raise shown from err
        except (click.Abort, KeyboardInterrupt, EOFError) as err:
            raise Cancelled() from err


class IndonesianGroup(IndonesianCommand, click.Group):
    """A click group whose help, subcommand list and usage errors are Indonesian; its subcommands too."""

    command_class = IndonesianCommand
    group_class = type  # a subgroup is of the same class as its parent

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", "PERINTAH [ARGUMEN]...")
        super().__init__(*args, **kwargs)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        IndonesianCommand.format_options(self, ctx, formatter)  # click.Group's would come after ours
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                commands.append((name, cmd))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _cmd in commands)
            with formatter.section("Perintah"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


class IndonesianAppGroup(IndonesianGroup, AppGroup):
    """Flask's AppGroup (its commands run in the app context), in Indonesian: `app.cli` and `flask report`."""

    def group(self, *args, **kwargs):
        kwargs.setdefault("cls", IndonesianAppGroup)
        return super().group(*args, **kwargs)


def init_app(app) -> None:
    """Give the app an Indonesian `app.cli`, before any feature adds its commands to it."""
    cli = IndonesianAppGroup(app.cli.name)
    cli.commands.update(app.cli.commands)
    app.cli = cli


def command(name: str | None = None, **attrs):
    """`click.command` making an IndonesianCommand."""
    return click.command(name, cls=IndonesianCommand, **attrs)


def group(name: str | None = None, **attrs):
    """`click.group` making an IndonesianGroup."""
    return click.group(name, cls=IndonesianGroup, **attrs)

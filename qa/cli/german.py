"""Click's own texts in German: "Aufruf:", "Optionen", "Fehler: Unbekannte Option …", "Hilfe mit …".

Click marks its texts for gettext (each module does `from gettext import gettext as _`), but gettext
picks the language from the environment, so a user with LANG=C would read English. `install()`
points those module-level `_` and `ngettext` names at the catalogue below: the `qa` command speaks
German whatever the locale. It must run before the commands are defined (Click translates the
names of path types, "file" and "directory", when an option is declared). `name_placeholders()`
gives the help's placeholders German names ([OPTIONEN], BEFEHL, ZAHL, TEXT; paths are DATEI,
ORDNER or PFAD through the catalogue).

A text Click marks that is missing here stays English: tests/test_cli.py checks that every text
the installed Click marks has an entry.
"""
from __future__ import annotations

import gettext
import importlib

import click

MESSAGES: dict[str, str] = {
    # usage, help
    "Usage:": "Aufruf:",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Positional arguments": "Argumente",
    "Show this message and exit.": "Diese Hilfe anzeigen und beenden.",
    "Show the version and exit.": "Die Version anzeigen und beenden.",
    "%(prog)s, version %(version)s": "%(prog)s, Version %(version)s",
    "env var: {var}": "Umgebungsvariable: {var}",
    "default: {default}": "Standard: {default}",
    "required": "erforderlich",
    "(dynamic)": "(veränderlich)",
    "deprecated": "veraltet",
    "Confirm the action without prompting.": "Ohne Rückfrage bestätigen.",
    "Do you want to continue?": "Fortfahren?",
    # errors of the user
    "Error: {message}": "Fehler: {message}",
    "Try '{command} {option}' for help.": "Hilfe mit '{command} {option}'.",
    "No such option {name!r}.": "Unbekannte Option {name!r}.",
    "No such command {name!r}.": "Unbekannter Befehl {name!r}.",
    "Missing command.": "Es fehlt ein Befehl.",
    "Missing argument": "Es fehlt das Argument",
    "Missing option": "Es fehlt die Option",
    "Missing parameter": "Es fehlt der Parameter",
    "Missing {param_type}": "Es fehlt: {param_type}",
    "Missing parameter: {param_name}": "Es fehlt der Parameter {param_name}",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Option {name!r} does not take a value.": "Die Option {name!r} nimmt keinen Wert an.",
    "Argument {name!r} takes {nargs} values.": "Das Argument {name!r} nimmt {nargs} Werte an.",
    "Invalid start character for option ({option})": "Ungültiges erstes Zeichen der Option ({option})",
    "Value must be an iterable.": "Der Wert muss eine Folge von Werten sein.",
    "Aborted!": "Abgebrochen.",
    "unknown error": "unbekannter Fehler",
    "Could not open file {filename!r}: {message}": "Die Datei {filename!r} lässt sich nicht öffnen: {message}",
    # values (click.types)
    "file": "Datei",
    "directory": "Ordner",
    "path": "Pfad",
    "{name} {filename!r} does not exist.": "{name} {filename!r} existiert nicht.",
    "{name} {filename!r} is a file.": "{name} {filename!r} ist eine Datei.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} ist ein Ordner.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} ist nicht beschreibbar.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} ist nicht ausführbar.",
    "{value!r} is not a valid {number_type}.": "{value!r} ist keine gültige Zahl.",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} ist kein gültiger Ja/Nein-Wert. Erkannt werden: {states}",
    "{value!r} is not a valid UUID.": "{value!r} ist keine gültige UUID.",
    "Choose from:\n\t{choices}": "Zur Wahl:\n\t{choices}",
    "Choice({choices})": "Auswahl({choices})",
    # prompts, terminal
    "Repeat for confirmation": "Zur Bestätigung wiederholen",
    "Error: The two entered values do not match.": "Fehler: Die beiden Eingaben stimmen nicht überein.",
    "Error: invalid input": "Fehler: ungültige Eingabe",
    "Press any key to continue...": "Weiter mit einer beliebigen Taste …",
    "Unknown color {colour!r}": "Unbekannte Farbe {colour!r}",
    "d": "T",  # days, in a progress bar's time left
    "{editor}: Editing failed": "{editor}: Bearbeiten fehlgeschlagen",
    "{editor}: Editing failed: {e}": "{editor}: Bearbeiten fehlgeschlagen: {e}",
    "Windows error: {error}": "Windows-Fehler: {error}",
    "Unknown standard stream '{name}'": "Unbekannter Standardstrom '{name}'",
    "Couldn't detect Bash version, shell completion is not supported.":
        "Die Bash-Version lässt sich nicht feststellen; die Vervollständigung wird nicht unterstützt.",
    "Shell completion is not supported for Bash versions older than 4.4.":
        "Die Vervollständigung setzt Bash 4.4 oder neuer voraus.",
    # mistakes in declaring commands (for developers, German all the same)
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Warnung: Der Befehl {name!r} ist veraltet.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Warnung: {name!r} ist veraltet.{extra_message}",
    "Could not determine name for option with declarations {decls!r}":
        "Für die Option mit den Angaben {decls!r} lässt sich kein Name bestimmen.",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?":
        "Keine Option angegeben, aber ein Name ({name}). Sollte es ein Argument sein, oder '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "Ein Argument hat genau eine Angabe, hier sind es {length}: {decls}.",
    "Name '{name}' defined twice": "Der Name '{name}' ist doppelt vergeben.",
    "Boolean option {decl!r} cannot use the same flag for true/false.":
        "Die Ja/Nein-Option {decl!r} kann nicht denselben Schalter für Ja und Nein verwenden.",
}
"""Click's text (msgid) -> German."""

PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Unerwartetes zusätzliches Argument ({args})", "Unerwartete zusätzliche Argumente ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Die Option {name!r} braucht einen Wert.", "Die Option {name!r} braucht {nargs} Werte."),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Meinten Sie {possibility}?", "(Meinten Sie eines von: {possibilities}?)"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} ist nicht {choice}.", "{value!r} ist keiner der Werte {choices}."),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("{value!r} entspricht nicht dem Format {format}.", "{value!r} entspricht keinem der Formate {formats}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("{len_type} Werte sind nötig, angegeben wurde {len_value}.",
         "{len_type} Werte sind nötig, angegeben wurden {len_value}."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Erwartet {nargs} Werte, angegeben wurde 1.", "Erwartet {nargs} Werte, angegeben wurden {len}."),
}
"""Click's (singular, plural) -> German (singular, plural)."""

CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                 "click.types", "click.termui", "click.utils", "click.shell_completion", "click._termui_impl")
"""The modules of Click that translate (click._winconsole too, on Windows only)."""


def german(message: str) -> str:
    return MESSAGES.get(message, message)


def german_plural(singular: str, plural: str, n: int) -> str:
    one, many = PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else many


def install() -> None:
    """Point Click's gettext calls at the German catalogue (idempotent)."""
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a module of another Click version
            continue
        if getattr(module, "_", None) in (gettext.gettext, german):
            module._ = german
        if getattr(module, "ngettext", None) in (gettext.ngettext, german_plural):
            module.ngettext = german_plural


SUBCOMMANDS = "BEFEHL [ARGUMENTE]..."
OPTIONS = "[OPTIONEN]"


def name_placeholders(group: click.Group) -> None:
    """German placeholders in the help of the group and its commands: [OPTIONEN], BEFEHL, and for
    options without their own metavar ZAHL or TEXT (choices list their values, paths are named
    through the catalogue; arguments name theirs where they are declared)."""
    group.subcommand_metavar = SUBCOMMANDS
    for command in [group, *group.commands.values()]:
        command.options_metavar = OPTIONS
        for param in command.params:
            if not isinstance(param, click.Option) or param.metavar is not None or param.is_flag:
                continue
            if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)):
                param.metavar = "ZAHL"
            elif isinstance(param.type, click.types.StringParamType):
                param.metavar = "TEXT"

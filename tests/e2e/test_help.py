"""`--help` of every command and subcommand: exit 0, and a list of choices never names one twice
(CLI11 splits a choice such as "compact,delete" at its comma)."""

import re
import subprocess

from conftest import JSM


def subcommands(help_text):
    """The names listed under "SUBCOMMANDS:" of one help text."""
    match = re.search(r"^SUBCOMMANDS:\n((?:  .*\n?)+)", help_text, re.M | re.I)
    # A name is indented by two spaces; its description's further lines by many more.
    return re.findall(r"^  (\S+)", match.group(1), re.M) if match else []


def all_helps():
    """(command words, help text) of jsm and every subcommand below it."""
    out, todo = [], [[]]
    while todo:
        words = todo.pop()
        proc = subprocess.run([JSM, *words, "--help"], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, (words, proc.stderr)
        out.append((words, proc.stdout))
        todo += [words + [name] for name in subcommands(proc.stdout)]
    return out


def test_every_help_lists_each_choice_once():
    helps = all_helps()
    assert len(helps) > 15, [words for words, _ in helps]  # jsm, its commands and their subcommands
    repeated = []
    for words, text in helps:
        for choices in re.findall(r"\{([^{}]*)\}", text):
            names = choices.split(",")
            if len(names) != len(set(names)):
                repeated.append(f"jsm {' '.join(words)} --help: {{{choices}}}")
    assert not repeated, "\n".join(repeated)

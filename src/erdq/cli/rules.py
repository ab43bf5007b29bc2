"""``erdq rules`` and ``erdq rule CODE``."""

from __future__ import annotations

import json

import click

from erdq import api
from erdq.cli import ToolFailure, handle_errors


@click.command("rules")
@click.option("--family", help="Only rules whose code starts with this prefix (e.g. KB, KB3).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="json: one JSON array with every rule and its doc; markdown: the catalogue "
    "page (docs/rules.md).",
)
@handle_errors
def rules_command(family: str | None, fmt: str) -> None:
    """List every quality rule: code, name, level and default severity.

    \b
    Example:
      erdq rules --family KB2
      erdq rules --format json > rules.json
      erdq rules --format markdown > docs/rules.md
    """
    rules = api.list_rules(family)
    if not rules:
        raise ToolFailure(
            f"no rule code starts with {family!r}",
            hint="families: " + ", ".join(sorted({r.family for r in api.list_rules()})),
        )
    if fmt == "markdown":
        click.echo(api.rules_markdown(rules), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps([api.rule_to_dict(r) for r in rules], indent=2, ensure_ascii=False))
        return
    for r in rules:
        click.echo(f"{r.code}  {r.name:<36} {r.level.value:<13} {r.severity.value}")
    click.echo(f"\n{len(rules)} rule(s). `erdq rule CODE` explains one.")


@click.command("rule")
@click.argument("code")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@handle_errors
def rule_command(code: str, fmt: str) -> None:
    """Explain one rule: what it checks, why it matters, an example and how to fix it.

    CODE is a rule code (KB201) or name (issn-invalid).

    \b
    Example:
      erdq rule KB309
      erdq rule embargo-invalid
    """
    rule = api.explain_rule(code)
    if fmt == "json":
        click.echo(json.dumps(api.rule_to_dict(rule), indent=2, ensure_ascii=False))
    else:
        click.echo(api.rule_doc(rule))

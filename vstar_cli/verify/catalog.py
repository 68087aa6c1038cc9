"""The registered verifier kinds as ``vstar verify --help`` lists them (rich markup)."""

from __future__ import annotations

from vstar_cli.options import show_default
from vstar_cli.verify import registry as kinds


def kinds_help(scan: bool = True) -> str:
    """Every registered kind with its parameters (rich markup).

    ``scan`` reads the installed ``vstar.verifiers`` entry points first (``vstar verify --list-kinds``);
    without it (``vstar verify --help``) the kinds loaded so far are listed: the built-ins and
    ``--kind-plugin`` modules.
    """
    from rich.markup import escape

    reg = kinds.registry()
    rows = []
    for kind in reg if scan else reg.loaded():
        params = ", ".join(f"{p.option} {show_default(p.default)}" for p in kind.params)
        extra = f" [dim]({escape(params)})[/]" if params else ""
        rows.append(f"  [bold]{kind.name}[/]: {escape(kind.summary)}{extra}")
    broken = "".join(
        f"\n[red]verifier plugin {escape(where)} failed to load: {escape(why)}[/]" for where, why in reg.broken.items()
    )
    return (
        "[bold]Verifier kinds[/] (a record's [italic]verifier_type[/]; more with --kind-plugin or the"
        f" '{kinds.ENTRY_POINT_GROUP}' entry point group"
        + ("" if scan else ", which --list-kinds lists")
        + "):\n\n"
        + "\n".join(rows)
        + broken
        + "\n[bold]sentence or open_answer?[/] [bold]sentence[/] when the gold sentences are statements the answer"
        + " must each make (a caption, a description); [bold]open_answer[/] when the gold sentence answers the"
        + ' record\'s question ("No, he does not sit down; he stands by the window"): the decision and the part'
        + " that answers the question must be there, the explanation may be left out but not contradicted."
        + "\nA gold label its kind cannot read is an error record, not a rejection."
        + "\nExit code: 0 when every line was processed, 1 when any error record was written, 2 for usage errors."
    )

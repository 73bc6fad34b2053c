"""`kabar demo`: the whole loop locally, with no token and no network."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import operator_translator, run_async, settings


@click.command()
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's database here (default: a new temporary folder).",
)
@click.option("--seed", default=7, show_default=True, help="Seed for the simulated families.")
def demo(workdir: Path | None, seed: int) -> None:
    """Run the whole loop locally: a sandbox Bot API, a sample cohort, simulated families
    registering and answering a check-in, and the resulting figures."""
    from rich.console import Console

    from bot.sandbox.demo.story import run_demo

    config = settings()
    t = operator_translator(config)
    run_async(run_demo(Console(), t, workdir=workdir, seed=seed))

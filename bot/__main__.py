"""`python -m bot` is the same as the `kabar` command."""

from bot.cli.main import main

main()

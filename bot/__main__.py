"""`python -m bot` is the same as the `kabar` command."""

from bot.cli.main import main

# Guarded: a process started by multiprocessing's "spawn" imports this module again.
if __name__ == "__main__":
    main()

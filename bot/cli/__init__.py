"""The `kabar` command line; heavy imports stay inside commands so --help is instant."""

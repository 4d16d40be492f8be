"""Subcommands of `python -m bot`: each module has `configure(parser)` and `main(args) -> int`."""

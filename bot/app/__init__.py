"""The composition root: what a running Kabar process owns and how it runs.

Settings, database and clock are put together here (runtime, services); serving starts the
loops, leader election picks the worker that runs the clock and the sender.
"""

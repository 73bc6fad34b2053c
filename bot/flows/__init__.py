"""The flow engine: conversations declared as data, run without any I/O.

`engine.handle(flow, state, event, limits)` returns a `Transition`: the next state and what
to say. The caller persists the state and turns the outputs into messages (render.py).
`upgrade.migrate` carries a state saved under an earlier version of its flow to the current.
"""

"""The flow engine: conversations declared as data, run without any I/O.

`engine.handle(flow, state, event, context)` returns the next state and what to say; the
caller persists the state and turns the outputs into messages (see bot/flows/render.py).
`upgrade.migrate` carries a state saved under an earlier version of its flow to the current.
"""

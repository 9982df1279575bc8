"""French alert rule checker (pure Python): what may be pushed to the public, and why not.

Public API, used by the composer, the send service, the CLI ``lint`` and the benchmark::

    verdict = check(text, kind=MessageKind.OPERATIONNEL, departement="74", places=finder)
    verdict.sendable, verdict.length, verdict.findings, verdict.states
"""

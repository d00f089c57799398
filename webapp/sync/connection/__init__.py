"""A store's JOOR connection. Entry points: `verification.submit_token` (a token from the
panel, checked by a worker), `state` (`get_connection`, `connect`, `disconnect`),
`clients.factory_from_app` (JOOR clients), `settings.apply_settings`, `health.connection_verdict`,
`probing.probe_store` and `enqueue` (`enqueue_verify_connection`, `enqueue_probe`).
"""

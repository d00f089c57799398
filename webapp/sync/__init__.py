"""Import and push services: they take a session, a client factory and ids; no Flask request."""

"""Import and push services: they take a session, a client factory and ids; no Flask request.

- `orders/`: importing JOOR orders (scheduled polls, manual imports, one order again) and
  following the changes JOOR makes to orders already here.
- `push/`: pushing stock counts to JOOR (Update and Overwrite), within a share of its credits.
- `connection/`: a store's JOOR connection: its token, clients, settings, checks and health.
- Shared by all three: `runs` (a SyncRun's life cycle), `queues` and `claims` (enqueueing
  once), `locks`, `dbapi`, `prefetch`, `retention`, `retry_notice`.
"""

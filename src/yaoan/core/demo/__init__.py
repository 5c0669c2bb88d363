"""Core's part of the demo district (青江区): its organisation, accounts, the named system
actors it acts as, and the clock its history is loaded with. Imported only by the demo
(``yaoan demo`` and tests), never at start-up: see core/tests/test_cli.py."""

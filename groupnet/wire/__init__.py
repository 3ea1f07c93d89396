"""The wire: entry types, canonical encoding, signatures, refusal codes, schema.

Imports nothing else of groupnet."""

"""The append-only, hash-chained audit log. Append with audit.services.record().

Keep this file free of imports: `python -m audit.verify_export` must run where Django is not installed.
"""

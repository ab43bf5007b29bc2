"""``erdq audit``: every level of a library's e-resource data in one run, one report.

``audit(paths, out_dir)`` recognises each file by its content, runs the KBART and MARC
rules and the MARC completeness score, links portfolios to records (``erdq.linkage``),
finds titles held in several collections with their union coverage and gaps, and
writes report.html, findings.jsonl, summary.json, worklists.xlsx and one CSV per team.
"""

from erdq.audit.run import AuditResult, audit

__all__ = ["AuditResult", "audit"]

"""Closed-loop linkage 监管联动: rules that fire, alerts they raise (docs/linkage.md)."""

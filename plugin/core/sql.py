"""SQL text built by hand (the archive's and the ledger's statements): names and literals are
quoted here, one way, for SQLite and PostgreSQL alike."""


def name(identifier: str) -> str:
    """A table, column or index name, quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(value) -> str:
    """``value`` as an SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"

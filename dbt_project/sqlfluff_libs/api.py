"""Stand-in for dbt's `api` in sqlfluff's jinja templater: a relation renders as its name."""


class Relation:
    @staticmethod
    def create(database=None, schema=None, identifier=None, type=None):
        return ".".join(str(part) for part in (schema, identifier) if part)

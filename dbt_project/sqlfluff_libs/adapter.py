"""Stand-in for dbt's `adapter` in sqlfluff's jinja templater: dispatch renders the default."""


def dispatch(macro_name, macro_namespace=None):
    def render(*args, **kwargs):
        return f"{macro_name}({', '.join(str(a) for a in args)})"

    return render

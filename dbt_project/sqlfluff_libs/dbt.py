"""Stand-ins for dbt's cross-database macros, so sqlfluff's jinja templater can lint models.

sqlfluff only needs SQL of the right shape; these render what dbt-duckdb would, simplified.
"""


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + interval ({interval}) {datepart})"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def date_spine(datepart, start_date, end_date):
    return f"select range as date_{datepart} from range({start_date}, {end_date}, interval 1 day)"


def hash(field):
    return f"md5(cast({field} as varchar))"


def concat(fields):
    return f"concat({', '.join(fields)})"


def safe_cast(field, type):
    return f"try_cast({field} as {type})"


def type_string():
    return "varchar"

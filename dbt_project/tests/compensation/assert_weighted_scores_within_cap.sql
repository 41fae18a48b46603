-- A weighted score lies in [0, 100 × score_cap] (compensation.md); rows returned are violations.
select
    employee_id,
    role,
    period_type,
    period,
    weighted_score,
    score_cap
from {{ ref('fct_scorecard_summaries') }}
where weighted_score < 0 or weighted_score > 100 * score_cap

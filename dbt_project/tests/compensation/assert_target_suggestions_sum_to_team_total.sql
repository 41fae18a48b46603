-- The suggestions of a team and period sum exactly to the team total; rows returned are violations.
select
    team_id,
    period_type,
    period,
    max(team_total_amount) as team_total_amount,
    sum(suggested_challenge_amount) as suggested_total_amount
from {{ ref('fct_target_suggestions') }}
group by team_id, period_type, period
having sum(suggested_challenge_amount) <> max(team_total_amount)

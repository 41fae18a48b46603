{#-
    The KPI catalog: every KPI code, the roles it is computed for, its unit, whether it is a ratio
    (numerator ÷ denominator, recomputed at each grain) and whether higher is better. The single
    source for `dim_kpis`, for the rows `fct_kpi_values` completes, and for the wide role marts.
    Bump `definition_version` of a code whenever its formula changes.
-#}
{% macro kpi_catalog() -%}
    {%- set order_roles = ['direct_sales', 'channel_sales', 'key_account', 'ecommerce'] -%}
    {{ return([
        {'code': 'revenue', 'roles': order_roles, 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '销售额'},
        {'code': 'revenue_excl_tax', 'roles': order_roles, 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '不含税销售额'},
        {'code': 'new_customer_revenue', 'roles': order_roles, 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '新客户销售额'},
        {'code': 'existing_customer_revenue', 'roles': order_roles, 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '老客户销售额'},
        {'code': 'new_customers', 'roles': order_roles, 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '新客户数'},
        {'code': 'collection_rate', 'roles': order_roles, 'unit': 'ratio', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '回款率'},
        {'code': 'customer_retention_rate', 'roles': ['direct_sales'], 'unit': 'ratio', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '客户留存率'},
        {'code': 'effective_visits', 'roles': ['direct_sales'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '有效拜访数'},
        {'code': 'needs_reports', 'roles': ['direct_sales'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '需求挖掘报告数'},
        {'code': 'channel_revenue', 'roles': ['channel_sales'], 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '渠道销售额'},
        {'code': 'new_distributors', 'roles': ['channel_sales'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '新经销商数'},
        {'code': 'distribution_coverage_rate', 'roles': ['channel_sales'], 'unit': 'ratio', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '铺货率'},
        {'code': 'distributor_visits', 'roles': ['channel_sales'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '经销商拜访数'},
        {'code': 'channel_trainings', 'roles': ['channel_sales'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '渠道培训数'},
        {'code': 'gmv', 'roles': ['ecommerce'], 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '成交总额'},
        {'code': 'net_sales', 'roles': ['ecommerce'], 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '净销售额'},
        {'code': 'conversion_rate', 'roles': ['ecommerce'], 'unit': 'ratio', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '转化率'},
        {'code': 'repurchase_rate', 'roles': ['ecommerce'], 'unit': 'ratio', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '复购率'},
        {'code': 'average_order_value', 'roles': ['ecommerce'], 'unit': 'cny', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '客单价'},
        {'code': 'avg_first_response_minutes', 'roles': ['ecommerce'], 'unit': 'minutes', 'is_ratio': true, 'higher': false, 'version': '1', 'name_zh': '客服响应时长'},
        {'code': 'campaigns_participated', 'roles': ['ecommerce'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '活动参与度'},
        {'code': 'key_account_revenue', 'roles': ['key_account'], 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '大客户销售额'},
        {'code': 'key_account_signings', 'roles': ['key_account'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '大客户签约数'},
        {'code': 'customer_lifetime_value', 'roles': ['key_account'], 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '客户生命周期价值'},
        {'code': 'research_depth', 'roles': ['key_account'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '需求调研深度'},
        {'code': 'milestone_achievement_rate', 'roles': ['key_account'], 'unit': 'ratio', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '项目推进节点达成率'},
        {'code': 'team_revenue', 'roles': ['sales_manager'], 'unit': 'cny', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '团队销售额'},
        {'code': 'team_new_customers', 'roles': ['sales_manager'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '团队新客户数'},
        {'code': 'team_effective_visits', 'roles': ['sales_manager'], 'unit': 'count', 'is_ratio': false, 'higher': true, 'version': '1', 'name_zh': '团队有效拜访数'},
        {'code': 'team_target_attainment', 'roles': ['sales_manager'], 'unit': 'ratio', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '团队目标达成率'},
        {'code': 'avg_sales_cycle_days', 'roles': ['sales_manager'], 'unit': 'days', 'is_ratio': true, 'higher': false, 'version': '1', 'name_zh': '平均销售周期'},
        {'code': 'win_rate', 'roles': ['sales_manager'], 'unit': 'ratio', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '赢单率'},
        {'code': 'customer_satisfaction', 'roles': ['sales_manager'], 'unit': 'score', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '客户满意度'},
        {'code': 'collaboration_score', 'roles': ['sales_manager'], 'unit': 'score', 'is_ratio': true, 'higher': true, 'version': '1', 'name_zh': '团队协作评分'},
    ]) }}
{%- endmacro %}

{#- The roles of the catalog, in a fixed order. -#}
{% macro kpi_roles() -%}
    {{ return(['direct_sales', 'channel_sales', 'key_account', 'ecommerce', 'sales_manager']) }}
{%- endmacro %}

{#- The catalog entries of one role, in catalog order. -#}
{% macro kpis_of_role(role) -%}
    {%- set out = [] -%}
    {%- for kpi in kpi_catalog() if role in kpi.roles -%}
        {%- do out.append(kpi) -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

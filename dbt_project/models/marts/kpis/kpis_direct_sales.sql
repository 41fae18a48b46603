{#- Wide KPI mart for the direct_sales role (BI): see macros/role_kpi_mart.sql. -#}
{{ role_kpi_mart('direct_sales') }}

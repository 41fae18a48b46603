{#- Wide KPI mart for the ecommerce role (BI): see macros/role_kpi_mart.sql. -#}
{{ role_kpi_mart('ecommerce') }}

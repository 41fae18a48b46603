{#- Wide KPI mart for the channel_sales role (BI): see macros/role_kpi_mart.sql. -#}
{{ role_kpi_mart('channel_sales') }}

{#- Wide KPI mart for the sales_manager role (BI): see macros/role_kpi_mart.sql. -#}
{{ role_kpi_mart('sales_manager') }}

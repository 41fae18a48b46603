{#- Wide KPI mart for the key_account role (BI): see macros/role_kpi_mart.sql. -#}
{{ role_kpi_mart('key_account') }}

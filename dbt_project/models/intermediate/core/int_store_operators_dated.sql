{#-
    Who operated each store when: one row per store version, in force from its updated_at until
    the next version's. The first known version also covers everything before it (the store's
    history starts with its first extract).
-#}
with

store_versions as (

    select * from {{ ref('stg_ecommerce__store_versions') }}

),

ordered_versions as (

    select
        store_id,
        operator_id,
        updated_at,
        lead(updated_at) over (partition by store_id order by updated_at) as next_updated_at,
        row_number() over (partition by store_id order by updated_at) as version_number
    from store_versions

),

final as (

    select
        store_id,
        operator_id,
        version_number,
        case
            when version_number = 1 then cast('1900-01-01 00:00:00' as timestamp)
            else updated_at
        end as valid_from_at,
        coalesce(next_updated_at, cast('9999-12-31 00:00:00' as timestamp)) as valid_to_at
    from ordered_versions

)

select * from final

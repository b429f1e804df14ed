// The functions a rule's query may call, per dialect: side-effect-free readers of settings and the catalogue,
// and string, number, date, aggregate and conditional functions. Anything not listed is refused, so a
// function that reads server files, signals other sessions, sleeps, locks or runs SQL given as text cannot be
// reached by any spelling. Names are compared exactly (PostgreSQL folds unquoted names to lower case; a quoted
// "COUNT" is another function) and, for MySQL/MariaDB, case-insensitively, as the server does.

const PG_FUNCTIONS = `
current_setting current_database current_schema current_schemas current_user session_user current_role
user version pg_backend_pid inet_server_addr inet_server_port inet_client_addr inet_client_port
pg_postmaster_start_time pg_conf_load_time pg_is_in_recovery pg_encoding_to_char pg_char_to_encoding
has_database_privilege has_schema_privilege has_table_privilege has_column_privilege has_function_privilege
has_any_column_privilege has_sequence_privilege has_tablespace_privilege has_language_privilege
has_parameter_privilege has_foreign_data_wrapper_privilege has_server_privilege has_type_privilege
pg_has_role pg_get_userbyid pg_get_functiondef pg_get_function_arguments pg_get_function_result
pg_get_viewdef pg_get_indexdef pg_get_constraintdef pg_get_triggerdef pg_get_ruledef pg_get_expr
pg_table_is_visible pg_function_is_visible pg_type_is_visible format_type obj_description col_description
shobj_description to_regclass to_regproc to_regprocedure to_regrole to_regnamespace to_regtype
pg_relation_size pg_total_relation_size pg_database_size pg_size_pretty pg_size_bytes
pg_get_keywords pg_options_to_table quote_ident quote_literal quote_nullable
lower upper initcap length char_length character_length octet_length bit_length substr substring
position strpos left right trim btrim ltrim rtrim lpad rpad replace translate reverse split_part
concat concat_ws format starts_with md5 ascii chr to_char to_number to_date to_timestamp to_hex
regexp_match regexp_matches regexp_replace regexp_split_to_array regexp_split_to_table regexp_like
regexp_count regexp_instr regexp_substr similar_to_escape like_escape string_to_array array_to_string
array_length array_upper array_lower cardinality array_position array_positions array_remove array_cat
array_append array_prepend unnest array_agg string_agg
abs ceil ceiling floor round trunc sign mod div power sqrt exp ln log greatest least
count sum min max avg bool_and bool_or every stddev variance percentile_cont percentile_disc mode
row_number rank dense_rank ntile lag lead first_value last_value nth_value
coalesce nullif now current_date current_time current_timestamp localtime localtimestamp
clock_timestamp statement_timestamp transaction_timestamp date_part date_trunc extract age make_interval
timezone justify_interval justify_days justify_hours isfinite
int2 int4 int8 float4 float8 numeric text bool varchar
generate_series generate_subscripts
jsonb_each jsonb_each_text jsonb_array_elements jsonb_array_elements_text jsonb_object_keys jsonb_typeof
json_each json_each_text json_array_elements json_array_elements_text json_object_keys json_typeof
overlay pg_collation_for normalize
jsonb_extract_path jsonb_extract_path_text json_extract_path json_extract_path_text jsonb_array_length
json_array_length to_json to_jsonb jsonb_build_object json_build_object jsonb_agg json_agg
`

/** Scalar and aggregate functions MySQL/MariaDB rules may call (upper case; the server ignores case). */
const MYSQL_FUNCTIONS = `
CONCAT CONCAT_WS COALESCE IFNULL IF NULLIF ISNULL LOWER UPPER LCASE UCASE LENGTH CHAR_LENGTH
CHARACTER_LENGTH OCTET_LENGTH BIT_LENGTH SUBSTRING SUBSTR SUBSTRING_INDEX MID LEFT RIGHT TRIM LTRIM RTRIM
REPLACE LOCATE POSITION INSTR FIND_IN_SET FIELD ELT STRCMP LPAD RPAD REVERSE ASCII ORD HEX FORMAT
REGEXP_LIKE REGEXP_REPLACE REGEXP_SUBSTR REGEXP_INSTR
COUNT SUM MIN MAX AVG GROUP_CONCAT BIT_AND BIT_OR BIT_XOR STD STDDEV STDDEV_POP STDDEV_SAMP VARIANCE
VAR_POP VAR_SAMP ANY_VALUE JSON_ARRAYAGG JSON_OBJECTAGG
ROW_NUMBER RANK DENSE_RANK NTILE LAG LEAD FIRST_VALUE LAST_VALUE NTH_VALUE
ABS CEIL CEILING FLOOR ROUND TRUNCATE SIGN MOD POW POWER SQRT EXP LN LOG LOG2 LOG10 GREATEST LEAST
CAST CONVERT
NOW CURDATE CURTIME CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP UTC_DATE UTC_TIME UTC_TIMESTAMP
DATEDIFF TIMEDIFF TIMESTAMPDIFF DATE_ADD DATE_SUB ADDDATE SUBDATE DATE_FORMAT UNIX_TIMESTAMP FROM_UNIXTIME
STR_TO_DATE DATE TIME YEAR MONTH DAY DAYOFMONTH HOUR MINUTE SECOND TIME_TO_SEC SEC_TO_TIME EXTRACT
VERSION USER CURRENT_USER SESSION_USER SYSTEM_USER DATABASE SCHEMA CONNECTION_ID CURRENT_ROLE
JSON_EXTRACT JSON_UNQUOTE JSON_CONTAINS JSON_CONTAINS_PATH JSON_LENGTH JSON_KEYS JSON_TYPE JSON_VALID
JSON_SEARCH JSON_VALUE EXISTS ANY ALL SOME INET_ATON INET_NTOA INET6_ATON INET6_NTOA IS_IPV4 IS_IPV6
`

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean)

export const POSTGRES_FUNCTIONS: ReadonlySet<string> = new Set(words(PG_FUNCTIONS))
export const MYSQL_FUNCTIONS_ALLOWED: ReadonlySet<string> = new Set(words(MYSQL_FUNCTIONS))

{# A data table's rows for site.js, loaded with <script src> so it works from file:// too. #}
window.SITEGEN_DATA = window.SITEGEN_DATA || {};
window.SITEGEN_DATA[{{ name | json_script }}] = {{ {"fields": fields, "rows": rows, "labels": labels | resolve_labels} | json_script }};

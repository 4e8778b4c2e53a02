{# A data table's rows for site.js, loaded with <script src> so it works from file:// too. Labels (keyed by data) are
   [key, text] pairs, not an object: in an object literal a "__proto__" key would set the prototype, not a label. #}
{% set pairs = {} %}{% for field, keys in (labels | resolve_labels).items() %}{% set _ = pairs.update({field: keys.items() | list}) %}{% endfor %}
window.SITEGEN_DATA = window.SITEGEN_DATA || {};
window.SITEGEN_DATA[{{ name | json_script }}] = {{ {"fields": fields, "rows": rows, "labels": pairs} | json_script }};

{# A data table's rows for site.js, loaded with <script src> so it works from file:// too. The labels (keyed by
   data) go through JSON.parse: in an object literal a "__proto__" key would set the prototype, not a label. #}
window.SITEGEN_DATA = window.SITEGEN_DATA || {};
window.SITEGEN_DATA[{{ name | json_script }}] = {"fields": {{ fields | json_script }}, "rows": {{ rows | json_script }}, "labels": JSON.parse({{ (labels | resolve_labels | json_script) | string | json_script }})};

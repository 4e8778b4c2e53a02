{# UI messages and number format for site.js, in the site's language. #}
window.SITEGEN_MSGS = {{ keys | messages | json_script }};
window.SITEGEN_FMT = {{ number_format | json_script }};

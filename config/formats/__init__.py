"""Date formats for every language (FORMAT_MODULE_PATH): people type and read dates day first, dd/mm/yyyy.

Django's Vietnamese locale defines no input formats (so the settings' US defaults applied: "02/01/2027" was
1 February) and its English one reads month first. Each language's module here takes the same names from
`dates`; anything not named (decimal separators, month names) still comes from Django's own locale.
"""

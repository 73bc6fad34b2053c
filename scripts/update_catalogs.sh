#!/usr/bin/env bash
# Re-extract translatable messages and merge them into every catalog (keeps translations).
# Then translate the new entries in locales/id (required) and locales/jv (optional).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
"$PYBABEL" extract -F babel.cfg -k N_ --no-location --sort-output --width 88 \
    --project Kabar --copyright-holder "Kabar" -o locales/kabar.pot .
for locale in id en jv; do
    po="locales/$locale/LC_MESSAGES/kabar.po"
    if [ -f "$po" ]; then
        "$PYBABEL" update -i locales/kabar.pot -d locales -D kabar -l "$locale" \
            --no-fuzzy-matching --width 88
    else
        "$PYBABEL" init -i locales/kabar.pot -d locales -D kabar -l "$locale"
    fi
done
